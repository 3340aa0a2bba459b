"""Tracks: dated versions of one scenario, how the forecast moved and why, and how it fared.

An analyst does not forecast a negotiation once: each new fact gives a new
dated version of the scenario (``as_of: YYYY-MM-DD``), and the point of a
forecast is how it updates (Bueno de Mesquita 2011; Tetlock & Gardner 2015).
A folder, or a list of files, of such snapshots is a *track*.
:func:`track` is the Python face of ``detente track``: in date order, each
snapshot's headline forecast and forecast interval (the ones ``forecast``
shows), what changed in the inputs since the previous snapshot, each change
with the note the analyst wrote for it (the snapshot's ``revisions``), and
a score of every forecast against what was observed after its date
(:mod:`detente.io.observations`): the absolute error and whether the 90%
forecast interval held it, kept apart by kind, since a proposal is not an
outcome.

In a track folder, a YAML file with a top-level ``observations`` key is an
observations file, not a snapshot; it is used unless ``observed`` names
another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from detente.errors import ParameterError, Problem, ScenarioError
from detente.forecast import Forecast
from detente.io import observations as obs_io
from detente.io import yaml as yaml_text
from detente.io.observations import Observation
from detente.limits import check_file
from detente.models import REGISTRY as MODELS
from detente.results.track import HEADLINE, InputChange, Score, Snapshot, Track, TrackPoint
from detente.scenario import Scenario

SNAPSHOT_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")
_TABLE_PARTS = (".issues", ".meta", ".variants")
#: Per-issue fields of an actor: a change is reported per issue.
PER_ISSUE = ("positions", "salience")
#: Words, not inputs: a changed name, label or note is no change to the forecast.
_NOT_INPUTS = frozenset({"id", "name", "notes", "labels"})
#: Keys of a scenario that are not inputs of its forecast.
_NOT_SCENARIO_INPUTS = frozenset(
    {"title", "source", "as_of", "revisions", "issues", "actors", "variants"}
)


# --- loading -------------------------------------------------------------------


def _files_in(folder: Path) -> list[Path]:
    """The snapshot (or observations) files of a folder, by name."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and p.suffix.lower() in SNAPSHOT_SUFFIXES
        and not (p.suffix.lower() == ".csv" and Path(p.stem).suffix in _TABLE_PARTS)
    )


def _expand(paths: Sequence[str | Path]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = _files_in(path)
            if not found:
                problems.append(
                    Problem(
                        str(path),
                        "",
                        "a folder with no scenario files",
                        "put the dated snapshots (.yaml, .csv or .xlsx) in it",
                    )
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), "", "no such file or folder", "check the path"))
    return files, problems


def load_snapshots(
    paths: Sequence[str | Path], force: bool = False
) -> tuple[list[Snapshot], list[Path]]:
    """The dated snapshots ``paths`` hold, in date order, and any observations files among them.

    ``paths`` are folders or files, in any order. Raises :class:`ScenarioError`
    listing every problem: a file that is no valid scenario, a snapshot
    without ``as_of``, two snapshots of the same date.
    """
    from detente import io

    if not paths:
        raise ScenarioError(
            [Problem("<track>", "", "no snapshots given", "name a folder or dated scenario files")]
        )
    files, problems = _expand(paths)
    snapshots: list[Snapshot] = []
    observed: list[Path] = []
    for path in dict.fromkeys(files):
        try:
            if path.suffix.lower() in (".yaml", ".yml"):
                check_file(path, force)  # the size guard every scenario file passes
                tree = yaml_text.read_tree(path)
                if obs_io.is_observations(tree):
                    observed.append(path)
                    continue
                scenario = Scenario.from_tree(tree, file=str(path))
            else:
                scenario = io.load(path, force=force)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        if scenario.as_of is None:
            problems.append(
                Problem(
                    str(path),
                    "as_of",
                    "the snapshot has no date",
                    "add as_of: YYYY-MM-DD, the day whose knowledge it holds",
                )
            )
            continue
        snapshots.append(Snapshot(scenario.as_of, str(path), scenario))
    problems.extend(_same_dates(snapshots))
    if not snapshots and not problems:
        problems.append(
            Problem(
                ", ".join(map(str, paths)),
                "",
                "no snapshots, only observations",
                "add the dated scenarios",
            )
        )
    if problems:
        raise ScenarioError(problems)
    return sorted(snapshots, key=lambda s: s.as_of), observed


def _same_dates(snapshots: Sequence[Snapshot]) -> list[Problem]:
    first: dict[date, Snapshot] = {}
    problems = []
    for snap in snapshots:
        if snap.as_of in first:
            problems.append(
                Problem(
                    snap.file,
                    "as_of",
                    f"{snap.as_of.isoformat()} is also the date of {first[snap.as_of].file}",
                    "give each snapshot its own date, or leave one of them out",
                )
            )
        else:
            first[snap.as_of] = snap
    return problems


def scales(snapshots: Sequence[Snapshot]) -> dict[str, tuple[float, float]]:
    """Each issue's scale, as its latest snapshot has it."""
    out: dict[str, tuple[float, float]] = {}
    for snap in snapshots:
        out.update({i.id: i.scale for i in snap.scenario.issues})
    return out


# --- what changed ----------------------------------------------------------------


def diff(before: Scenario, after: Scenario) -> list[InputChange]:
    """Every input of ``after`` that differs from ``before``, each with its note.

    Compared on the scenarios' trees, so a number and the same number written
    as ``{value: x}`` are equal, and a key a later scenario format adds (an
    actor's veto, say) is compared like the others. Positions and salience
    are compared per issue; names, labels and notes are words, not inputs.
    The note is the most specific entry of ``after.revisions`` that names the
    change: ``ACTOR.FIELD.ISSUE``, ``ACTOR.FIELD``, ``ACTOR``; for an issue,
    ``ISSUE.FIELD``, ``ISSUE``.
    """
    old, new = before.to_tree(), after.to_tree()
    notes = dict(after.revisions or {})
    changes: list[InputChange] = []
    changes += _diff_items(old["issues"], new["issues"], notes, "issue")
    changes += _diff_items(old["actors"], new["actors"], notes, "actor")
    for key in sorted((old.keys() | new.keys()) - _NOT_SCENARIO_INPUTS):
        if old.get(key) != new.get(key):
            changes.append(InputChange(None, None, key, old.get(key), new.get(key), notes.get(key)))
    return changes


def _note(notes: Mapping[str, str], *keys: str) -> str | None:
    return next((notes[k] for k in keys if k in notes), None)


def _keys(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """The input keys of two items, in the later item's order."""
    return [k for k in dict.fromkeys([*b, *a]) if k not in _NOT_INPUTS]


def _diff_items(
    old: list[dict[str, Any]], new: list[dict[str, Any]], notes: Mapping[str, str], what: str
) -> list[InputChange]:
    """The issues or actors (``what``) seated, unseated or changed, matched by id: the
    later snapshot's in its order, then those it dropped."""
    was = {x["id"]: x for x in old}
    now = {x["id"]: x for x in new}

    def change(xid: str, issue: str | None, key: str, a: Any, b: Any, note: str | None) -> None:
        if what == "actor":
            out.append(InputChange(xid, issue, key, a, b, note))
        else:
            out.append(InputChange(None, xid, key, a, b, note))

    out: list[InputChange] = []
    for xid in dict.fromkeys([*now, *was]):
        if xid not in was or xid not in now:
            before, after = (
                None if x is None else x.get("name", xid) for x in (was.get(xid), now.get(xid))
            )
            change(xid, None, what, before, after, notes.get(xid))
            continue
        for key in _keys(was[xid], now[xid]):
            a, b = was[xid].get(key), now[xid].get(key)
            if key in PER_ISSUE and isinstance(a, Mapping) and isinstance(b, Mapping):
                for iid in dict.fromkeys([*b, *a]):
                    if a.get(iid) != b.get(iid):
                        note = _note(notes, f"{xid}.{key}.{iid}", f"{xid}.{key}", xid)
                        change(xid, iid, key, a.get(iid), b.get(iid), note)
            elif a != b:
                change(xid, None, key, a, b, _note(notes, f"{xid}.{key}", xid))
    return out


def input_text(value: Any, number: Callable[[float], str], yes: str = "yes", no: str = "no") -> str:
    """An input as a table of changes shows it: ``65 [50–80]`` for a range, ``yes`` or
    ``no``, a dash for none; ``number`` writes each number (the renderer's digits and
    language)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes if value else no
    if isinstance(value, int | float):
        return number(float(value))
    if isinstance(value, dict) and "value" in value:
        shown = number(float(value["value"]))
        if "low" in value and "high" in value:
            shown += f" [{number(float(value['low']))}–{number(float(value['high']))}]"
        return shown
    if isinstance(value, dict):
        return ", ".join(f"{k} {input_text(v, number, yes, no)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(input_text(v, number, yes, no) for v in value)
    return str(value)


def unused_revisions(after: Scenario, changes: Sequence[InputChange]) -> list[str]:
    """Keys of ``after.revisions`` that name no change (a note for a number that did not move)."""
    used: set[str] = set()
    for c in changes:
        if c.actor is not None:
            used |= {c.actor, f"{c.actor}.{c.field}", f"{c.actor}.{c.field}.{c.issue}"}
        elif c.issue is not None:
            used |= {c.issue, f"{c.issue}.{c.field}"}
        else:
            used.add(c.field)
    return [k for k in (after.revisions or {}) if k not in used]


# --- the headline and the scores ---------------------------------------------------


def headline(result: Forecast, model: str | None = None) -> dict[str, Any]:
    """The forecast's headline: central forecast and intervals per issue, as ``forecast``
    shows them (``{"central", "interval": {"50", "90"}, "method", "calibration"}``).

    Without ``model``, the run's summary (the headline forecast); with one, that
    model's forecast and its own forecast intervals. Where a run has no summary
    (no calibrated intervals), the models' median, interquartile range and range.
    """
    found = getattr(result, "summary", None)
    summary = None if found is None else dict(found) if isinstance(found, Mapping) else None
    if model is None or model == HEADLINE:
        return summary if summary is not None else _models_spread(result)
    chosen = result.models.get(model)
    band = getattr(chosen, "forecast_interval", None)
    if chosen is not None and band:
        return {
            "central": dict(chosen.forecasts),
            "interval": band,
            "method": f"central: model {model}'s forecast; forecast intervals: its own",
            "calibration": "" if summary is None else summary.get("calibration", ""),
        }
    if summary is not None:
        raise ParameterError(
            f"model {model!r} has no forecast interval (it is not calibrated): "
            "leave --model out for the headline, or choose a calibrated model"
        )
    return _models_spread(result)


def _models_spread(result: Forecast) -> dict[str, Any]:
    """A headline from the models alone: their median, interquartile range and range."""
    import numpy as np

    issues = result.scenario.issue_ids
    values = np.array(
        [
            [np.nan if r.forecasts[i] is None else r.forecasts[i] for i in issues]
            for r in result.models.values()
        ],
        dtype=float,
    )
    q = np.nanquantile(values, [0.0, 0.25, 0.5, 0.75, 1.0], axis=0)
    return {
        "central": {i: float(q[2, k]) for k, i in enumerate(issues)},
        "interval": {
            "50": {i: [float(q[1, k]), float(q[3, k])] for k, i in enumerate(issues)},
            "90": {i: [float(q[0, k]), float(q[4, k])] for k, i in enumerate(issues)},
        },
        "method": "median of the models' forecasts; intervals: their interquartile range and range",
        "calibration": "none: the spread of the models, not a calibrated interval",
    }


def score(points: Sequence[TrackPoint], observations: Sequence[Observation]) -> list[Score]:
    """Every snapshot's headline against every observation dated after it, on its issues."""
    out = []
    for point in points:
        central = point.summary["central"]
        band = point.summary["interval"]["90"]
        for o in observations:
            if o.date <= point.snapshot.as_of or central.get(o.issue) is None:
                continue
            f = float(central[o.issue])
            lo, hi = band[o.issue]
            out.append(
                Score(
                    point.snapshot.as_of,
                    o.issue,
                    o.date,
                    o.kind,
                    o.value,
                    f,
                    abs(o.value - f),
                    bool(lo <= o.value <= hi),
                )
            )
    return out


def track(
    paths: Sequence[str | Path] | str | Path,
    observed: str | Path | None = None,
    model: str | None = None,
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    rounds: int | None = None,
    seed: int | None = None,
    force: bool = False,
) -> Track:
    """Forecast every dated snapshot in ``paths`` and score it against ``observed``.

    ``paths`` are folders or files in any order; the snapshots come out in
    date order. ``observed`` is an observations file; without it, an
    observations file among ``paths`` is used. Without ``model`` each
    snapshot's headline is the one ``forecast`` shows (and only the models it
    needs run); with a model, its forecast and intervals. ``preset``,
    ``params``, ``rounds``, ``seed`` and ``force`` are as for :func:`detente.forecast`.

    >>> t = track("examples/ukraine-2025-26")
    >>> [p.snapshot.as_of.isoformat() for p in t.points][:2]
    ['2025-02-19', '2025-04-25']
    """
    from detente.forecast import forecast

    given = [paths] if isinstance(paths, str | Path) else list(paths)
    snapshots, found = load_snapshots(given, force)
    files = [Path(observed)] if observed is not None else found
    known = scales(snapshots)
    observations = sorted(
        (o for f in files for o in obs_io.read(f, known)), key=lambda o: (o.date, o.issue)
    )
    points: list[TrackPoint] = []
    warnings: list[str] = []
    runs = model or (HEADLINE if HEADLINE in MODELS else "all")
    for k, snap in enumerate(snapshots):
        result = forecast(
            snap.scenario,
            model=runs,
            preset=preset,
            params=params,
            rounds=rounds,
            seed=seed,
            force=force,
        )
        warnings += [f"{snap.file}: {w}" for w in result.warnings]
        changes = diff(snapshots[k - 1].scenario, snap.scenario) if k else []
        if k:
            warnings += [
                f"{snap.file}: revisions names {key!r}, which did not change since "
                f"{snapshots[k - 1].as_of.isoformat()}"
                for key in unused_revisions(snap.scenario, changes)
            ]
        quo = {i.id: i.status_quo for i in snap.scenario.issues}
        points.append(TrackPoint(snap, result, headline(result, model), changes, quo))
    return Track(
        points=points,
        observations=observations,
        scores=score(points, observations),
        model=model or HEADLINE,
        observed_files=[str(f) for f in files],
        warnings=warnings,
    )
