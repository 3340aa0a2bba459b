"""A track: every dated snapshot's headline forecast, what changed, and how it fared.

:func:`detente.track` makes a :class:`Track`; ``detente track --json`` prints
:meth:`Track.to_dict`: per snapshot its date, file, headline (``summary``,
as ``forecast --json`` gives it), the input changes with their notes and the
status quo, then every score against a later observation, and the
observations themselves (the chart's marks). :meth:`Track.detail` keeps what
the tables read beyond the JSON (each snapshot's scenario and forecast, the
model, the observations files, the warnings), so that
:meth:`Track.from_dict` gives the same object back: ``detente runs show``
prints what ``detente track`` printed, and a saved track draws its chart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from detente.io.observations import KINDS as OBSERVATION_KINDS
from detente.io.observations import Observation
from detente.results.base import Kept, Result
from detente.results.forecast import Forecast

if TYPE_CHECKING:
    import pandas as pd

    from detente.scenario import Scenario

#: The headline forecast's name (as a model, where one is registered under it).
HEADLINE = "headline"


@dataclass(frozen=True)
class Snapshot:
    """One dated version of the scenario, and the file it came from."""

    as_of: date
    file: str
    scenario: Scenario


#: An input change's JSON keys, and the attribute each one holds.
_CHANGE_KEYS = {
    "actor": "actor",
    "issue": "issue",
    "field": "field",
    "from": "before",
    "to": "after",
    "note": "note",
}


@dataclass(frozen=True)
class InputChange:
    """One input that differs from the previous snapshot, with the analyst's reason."""

    actor: str | None
    issue: str | None
    field: str
    before: Any
    after: Any
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {key: getattr(self, name) for key, name in _CHANGE_KEYS.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InputChange:
        values: dict[str, Any] = {name: data.get(key) for key, name in _CHANGE_KEYS.items()}
        return cls(**values)


@dataclass(frozen=True)
class Score:
    """One forecast held against one later observation on the same issue."""

    as_of: date
    issue: str
    observed_on: date
    kind: str
    observed: float
    forecast: float
    error: float
    inside_90: bool

    def to_dict(self) -> dict[str, Any]:
        """Its JSON: the fields in order, the two dates as ``YYYY-MM-DD``."""
        days = {"as_of": self.as_of.isoformat(), "observed_on": self.observed_on.isoformat()}
        return dataclasses.asdict(self) | days

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Score:
        values = {f.name: data[f.name] for f in dataclasses.fields(cls)}
        for day in ("as_of", "observed_on"):
            values[day] = date.fromisoformat(values[day])
        return cls(**values)


@dataclass
class TrackPoint:
    """A snapshot, its forecast and headline, what changed since the one before, and
    the status quo per issue as the snapshot had it (the chart's dashed path)."""

    snapshot: Snapshot
    #: The snapshot's whole forecast (None for a run saved before it was kept).
    forecast: Forecast | None
    summary: dict[str, Any]
    changes: list[InputChange]
    status_quo: dict[str, float | None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.snapshot.as_of.isoformat(),
            "file": self.snapshot.file,
            "summary": self.summary,
            "changes": [c.to_dict() for c in self.changes],
            "status_quo": self.status_quo,
        }


@dataclass(repr=False)
class Track(Result[Any]):
    """Every snapshot's forecast in date order, and its scores against what followed."""

    kind: ClassVar[str] = "track"

    points: list[TrackPoint]
    observations: list[Observation] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)
    model: str = HEADLINE
    observed_files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def scenario(self) -> Scenario:  # type: ignore[override]
        """The latest snapshot's scenario (the one a saved track run is filed under)."""
        return self.points[-1].snapshot.scenario

    @property
    def models(self) -> dict[str, Any]:  # type: ignore[override]
        """The models run on the latest snapshot (the headline's, or the one asked for)."""
        last = self.points[-1].forecast
        return {self.model: None} if last is None else dict(last.models)

    @property
    def issue_ids(self) -> list[str]:
        """Every issue of any snapshot, in order of first appearance."""
        seen: dict[str, None] = {}
        for point in self.points:
            seen.update(dict.fromkeys(point.snapshot.scenario.issue_ids))
        return list(seen)

    def kinds(self) -> list[str]:
        """The kinds of observation scored, in the order outcome, proposal."""
        return [k for k in OBSERVATION_KINDS if any(s.kind == k for s in self.scores)]

    def accuracy(self, kind: str) -> dict[date, dict[str, float]]:
        """Per snapshot: mean absolute error, share inside the 90% interval, and count,
        over the scores of one kind (never pooled across kinds)."""
        out: dict[date, dict[str, float]] = {}
        for point in self.points:
            day = point.snapshot.as_of
            mine = [s for s in self.scores if s.as_of == day and s.kind == kind]
            if mine:
                out[day] = {
                    "mae": sum(s.error for s in mine) / len(mine),
                    "inside_90": sum(s.inside_90 for s in mine) / len(mine),
                    "n": float(len(mine)),
                }
        return out

    def chart_data(self) -> dict[str, Any]:
        """What the track chart is drawn from (:mod:`detente.report.track_chart`)."""
        latest = {i.id: i for p in self.points for i in p.snapshot.scenario.issues}
        return {
            "title": self.scenario.title,
            "model": self.model,
            "issues": [
                {"id": i.id, "name": i.display_name, "scale": list(i.scale)}
                for i in latest.values()
            ],
            "snapshots": [
                {
                    "as_of": p.snapshot.as_of.isoformat(),
                    "file": p.snapshot.file,
                    "central": p.summary["central"],
                    "interval": p.summary["interval"],
                    "status_quo": p.status_quo,
                }
                for p in self.points
            ],
            "observations": [o.to_dict() for o in self.observations],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "snapshots": [p.to_dict() for p in self.points],
            "scores": [s.to_dict() for s in self.scores],
            "observations": [o.to_dict() for o in self.observations],
        }

    def detail(self) -> dict[str, Any]:
        """Each snapshot's scenario and forecast, the model, the observations files and
        the warnings: what the tables show beyond the JSON."""
        return {
            "model": self.model,
            "observed_files": self.observed_files,
            "warnings": self.warnings,
            "snapshots": [
                {"scenario": p.snapshot.scenario.to_tree()}
                | (
                    {}
                    if p.forecast is None
                    else {"forecast": p.forecast.to_dict(), "forecast_detail": p.forecast.detail()}
                )
                for p in self.points
            ],
        }

    @classmethod
    def _read(cls, data: Mapping[str, Any], scenario: Scenario, kept: Kept) -> Track:
        """The track whose JSON is ``data`` and whose :meth:`detail` is ``kept.detail``.

        A run saved without its snapshots' scenarios (by a detente before they
        were kept) is read on ``scenario``, the latest snapshot's: its status
        quo shows as unknown rather than as the latest one's.
        """
        stored = list(kept.detail.get("snapshots") or [])
        points = []
        for k, snap in enumerate(data.get("snapshots") or []):
            mine = stored[k] if k < len(stored) else {}
            points.append(_point(snap, mine, scenario))
        return cls(
            points=points,
            observations=[Observation.from_dict(o) for o in data.get("observations") or []],
            scores=[Score.from_dict(s) for s in data.get("scores") or []],
            model=kept.detail.get("model", HEADLINE),
            observed_files=list(kept.detail.get("observed_files") or []),
            warnings=list(kept.detail.get("warnings") or []),
        )

    def _facts(self) -> list[str]:
        first, last = self.points[0].snapshot.as_of, self.points[-1].snapshot.as_of
        return [f"{len(self.points)} snapshots, {first} to {last}", f"{len(self.scores)} scores"]

    def to_pandas(self) -> pd.DataFrame:
        """Per snapshot and issue: central forecast, 90% forecast interval, status quo."""
        import pandas as pd

        frame = pd.DataFrame(self._rows(), columns=self._columns())
        return frame.set_index(["as_of", "issue"])

    @staticmethod
    def _columns() -> list[str]:
        return ["as_of", "issue", "central", "low_90", "high_90", "status_quo"]

    def _rows(self) -> list[list[Any]]:
        rows = []
        for p in self.points:
            band = p.summary["interval"]["90"]
            for iid, value in p.summary["central"].items():
                low, high = band.get(iid) or (None, None)
                rows.append(
                    [p.snapshot.as_of.isoformat(), iid, value, low, high, p.status_quo.get(iid)]
                )
        return rows

    def _html_table(self) -> tuple[list[str], list[list[Any]]]:
        return self._columns(), self._rows()


def _point(snap: Mapping[str, Any], kept: Mapping[str, Any], scenario: Scenario) -> TrackPoint:
    """One snapshot of a saved track: its JSON, and what the run's detail kept of it."""
    from detente.scenario import Scenario

    tree = kept.get("scenario")
    mine = scenario if tree is None else Scenario.from_tree(tree, file=snap["file"])
    found = kept.get("forecast")
    forecast = (
        None if found is None else Forecast.from_dict(found, mine, kept.get("forecast_detail"))
    )
    quo = snap.get("status_quo")
    if quo is None:
        quo = {} if tree is None else {i.id: i.status_quo for i in mine.issues}
    return TrackPoint(
        Snapshot(date.fromisoformat(snap["as_of"]), snap["file"], mine),
        forecast,
        dict(snap["summary"]),
        [InputChange.from_dict(c) for c in snap.get("changes") or []],
        dict(quo),
    )
