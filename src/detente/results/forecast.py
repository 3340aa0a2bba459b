"""A forecast: every model's answer on one scenario, in the scenario's units.

:class:`Forecast` is what :func:`detente.forecast` returns and what
``detente forecast --json`` prints (:meth:`Forecast.to_dict`); read back
from that JSON (:meth:`Forecast.from_dict`, with the run store's
:meth:`Forecast.detail`), a saved forecast is the same object again.
"""

from __future__ import annotations

import copy
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from detente.models.base import Outcome
from detente.results.base import Kept, Result, model_title, ordered_extras

if TYPE_CHECKING:
    import pandas as pd

    from detente.arrays import FloatArray, ScenarioArrays
    from detente.scenario import Scenario
    from detente.summary import Summary

#: The keys of a model's JSON that are not its extras (see :meth:`ModelResult.to_dict`).
_KNOWN = (
    "forecasts",
    "gains",
    "preset",
    "params",
    "converged",
    "converged_by_issue",
    "rounds",
    "forecast_interval",
    "ratification",
)

Rounds = list[dict[str, dict[str, float | None]]]


@dataclass
class ModelResult:
    """One model's answer: forecasts and gains in scenario units, plus its extras.

    ``outcome`` is the model's own :class:`~detente.models.base.Outcome`
    (normalised units): its ``extras`` go into the JSON, its ``detail`` (what
    the model's tables and charts show) does not.
    """

    model: str
    title: str
    preset: str
    params: dict[str, Any]
    forecasts: dict[str, float | None]
    gains: dict[str, float | None]
    outcome: Outcome
    rounds: Rounds | None = None
    #: The model's forecast intervals ``{"50": {issue: [lo, hi]}, "90": ...}`` (model error,
    #: at the point inputs), when the model has a calibration (:mod:`detente.intervals`).
    forecast_interval: dict[str, dict[str, list[float] | None]] | None = None
    #: The veto players' verdict on the forecast and the nearest acceptable package
    #: (:func:`detente.ratification.ratification_tree`); None without veto players.
    ratification: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "forecasts": self.forecasts,
            "gains": self.gains,
            "preset": self.preset,
            "params": self.params,
        }
        if self.outcome.converged is not None:
            out["converged"] = self.outcome.converged
        if self.outcome.converged_by_issue is not None:
            out["converged_by_issue"] = {
                k: bool(v)
                for k, v in zip(self.forecasts, self.outcome.converged_by_issue, strict=True)
            }
        if self.rounds is not None:
            out["rounds"] = self.rounds
        if self.forecast_interval is not None:
            out["forecast_interval"] = self.forecast_interval
        if self.ratification is not None:
            out["ratification"] = self.ratification
        out.update(self.outcome.extras)
        if self.outcome.notes:
            out["notes"] = self.outcome.notes
        return out

    @classmethod
    def from_dict(
        cls,
        model: str,
        data: Mapping[str, Any],
        arrays: ScenarioArrays,
        detail: Mapping[str, Any] | None = None,
    ) -> ModelResult:
        """The result :meth:`to_dict` gave, on the scenario whose ``arrays`` these are."""
        forecasts = dict(data.get("forecasts") or {})
        rounds = data.get("rounds")
        by_issue = data.get("converged_by_issue")
        extras = ordered_extras(data, (*_KNOWN, "notes"))
        outcome = Outcome(
            forecast=_normalised(arrays, [forecasts.get(i) for i in arrays.issue_ids]),
            rounds=None if rounds is None else _normalised_rounds(arrays, rounds),
            converged=data.get("converged"),
            converged_by_issue=None
            if by_issue is None
            else np.array([bool(by_issue[i]) for i in forecasts]),
            extras=extras,
            notes=list(data.get("notes") or []),
            detail=dict(detail or {}),
        )
        return cls(
            model=model,
            title=model_title(model),
            preset=data.get("preset") or "default",
            params=dict(data.get("params") or {}),
            forecasts=forecasts,
            gains=dict(data.get("gains") or {}),
            outcome=outcome,
            rounds=rounds,
            forecast_interval=data.get("forecast_interval"),
            ratification=data.get("ratification"),
        )


def _normalised(arrays: ScenarioArrays, values: list[float | None]) -> FloatArray:
    return arrays.to_unit(np.array([np.nan if v is None else v for v in values], dtype=float))


def _normalised_rounds(arrays: ScenarioArrays, rounds: Rounds) -> FloatArray:
    """``rounds`` (per step, issue and actor, in scale units) as ``(T + 1, n, m)``."""
    x = np.array(
        [
            [
                [np.nan if (v := step.get(i, {}).get(a)) is None else v for i in arrays.issue_ids]
                for a in arrays.actor_ids
            ]
            for step in rounds
        ],
        dtype=float,
    ).reshape(len(rounds), arrays.n_actors, arrays.n_issues)
    return arrays.to_unit(x)


@dataclass(repr=False)
class Forecast(Result[ModelResult]):
    """Every model's answer on one scenario (``Forecast["median"]`` is one of them)."""

    kind: ClassVar[str] = "forecast"

    scenario: Scenario
    models: dict[str, ModelResult] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    #: The headline forecast and its forecast intervals (:mod:`detente.summary`).
    headline: Summary | None = None
    #: The JSON of the headline, for a forecast read back (see :attr:`summary`).
    kept_summary: dict[str, Any] | None = None

    @property
    def summary(self) -> dict[str, Any] | None:
        """The JSON's ``"summary"``: central forecast, 50%/90% forecast intervals, method
        and calibration (:class:`detente.summary.Summary`)."""
        if self.headline is None:
            return self.kept_summary
        out = self.headline.to_dict()
        # The verdict costs a linear programme; printers and the briefing read the
        # summary many times, so it is worked out once per central forecast.
        judged: dict[Any, Any] = self.__dict__.setdefault("_judged", {})
        key = tuple(out["central"].items())
        if key not in judged:
            judged[key] = headline_ratification(self.scenario, out["central"])
        if judged[key] is not None:
            out["ratification"] = copy.deepcopy(judged[key])
        return out

    @property
    def warnings(self) -> list[str]:
        return [w for r in self.models.values() for w in r.outcome.warnings]

    @property
    def notes(self) -> list[str]:
        return [n for r in self.models.values() for n in r.outcome.notes]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scenario": self.scenario.title,
            "summary": self.summary,
            "models": {name: r.to_dict() for name, r in self.models.items()},
        }
        if self.skipped:
            out["skipped"] = self.skipped
        return out

    def detail(self) -> dict[str, Any] | None:
        kept = {name: r.outcome.detail for name, r in self.models.items() if r.outcome.detail}
        return kept or None

    @classmethod
    def _read(cls, data: Mapping[str, Any], scenario: Scenario, kept: Kept) -> Forecast:
        arrays = scenario.to_arrays()
        return cls(
            scenario=scenario,
            models={
                name: ModelResult.from_dict(name, res, arrays, kept.detail.get(name))
                for name, res in (data.get("models") or {}).items()
            },
            skipped=dict(data.get("skipped") or {}),
            kept_summary=data.get("summary"),
        )

    def to_pandas(self, what: str = "forecasts") -> pd.DataFrame:
        """A table of ``forecasts`` (issues by models) or ``gains`` (actors by models)."""
        import pandas as pd

        if what not in ("forecasts", "gains"):
            raise ValueError(f"to_pandas: what is 'forecasts' or 'gains', not {what!r}")
        ids = self.scenario.issue_ids if what == "forecasts" else self.scenario.actor_ids
        table = pd.DataFrame(
            {name: [getattr(r, what).get(i) for i in ids] for name, r in self.models.items()},
            index=pd.Index(ids, name="issue" if what == "forecasts" else "actor"),
            dtype=float,
        )
        table.columns.name = "model"
        return table

    def _html_table(self) -> tuple[list[str], list[list[Any]]]:
        header = ["issue", "status quo", *self.models]
        rows = [
            [i.display_name, i.status_quo, *(r.forecasts.get(i.id) for r in self.models.values())]
            for i in self.scenario.issues
        ]
        return header, rows


def median_over(values: list[dict[str, float | None]], ids: list[str]) -> dict[str, float | None]:
    """Per id, the median of the values given (None where none is given)."""
    out: dict[str, float | None] = {}
    for i in ids:
        given = [x for v in values if (x := v.get(i)) is not None]
        out[i] = float(statistics.median(given)) if given else None
    return out


def central(forecast: Forecast) -> ModelResult:
    """The briefing's summary of ``forecast``: each issue's median over the models that
    forecast it (an odd count picks the middle model, an even count averages the middle
    two), and each actor's gain (:func:`detente.gains.gains`) were that the outcome."""
    from detente.gains import gains

    scenario = forecast.scenario
    arrays = scenario.to_arrays()
    # The headline (the run's summary) where the run has one; the models' median otherwise.
    kept = (forecast.summary or {}).get("central")
    mid = (
        dict(kept)
        if kept
        else median_over([r.forecasts for r in forecast.models.values()], scenario.issue_ids)
    )
    normalised = _normalised(arrays, [mid[i] for i in arrays.issue_ids])
    g = gains(arrays, normalised)
    return ModelResult(
        model="central",
        title="central",
        preset="default",
        params={},
        forecasts=mid,
        gains={
            a: None if np.isnan(v) else float(v) for a, v in zip(arrays.actor_ids, g, strict=True)
        },
        outcome=Outcome(forecast=normalised),
    )


def headline_ratification(
    scenario: Any, central: Mapping[str, float | None]
) -> dict[str, Any] | None:
    """The veto players' verdict on the headline's central forecast and the nearest
    package they all accept, saying so; None when nobody holds a veto."""
    from detente.ratification import ratification_tree

    arrays = scenario.to_arrays()
    f = _normalised(arrays, [central.get(i) for i in arrays.issue_ids])
    verdict = ratification_tree(arrays, f)
    if verdict is not None:
        verdict["note"] = (
            "nearest: the package nearest the headline's central forecast that every veto "
            "player accepts (the central forecast itself when all accept it)"
        )
    return verdict
