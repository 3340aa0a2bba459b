"""The headline of a run: one central forecast per issue and its forecast intervals.

Every place that shows a scenario's answer (the terminal, the JSON, the
briefing in both languages, the web pages) reads the same :class:`Summary`:

- ``central``: the headline forecast (:mod:`detente.models.headline`, the
  weighted mean) at the scenario's point inputs;
- ``interval``: its 50% and 90% *forecast intervals* (model error from
  :mod:`detente.intervals`; from ``simulate``, the input ranges too: each
  draw adds one outcome drawn from the predictive distribution around that
  draw's forecast, and the intervals are the draws' central 50% and 90%),
  nested around the central value;
- ``method`` and ``calibration``: what was done, and that the calibration
  comes from EU legislative negotiations and is a floor elsewhere.

JSON (``detente forecast S --json`` and ``detente simulate S --json``)::

    "summary": {"central": {"territory": 85.7, ...},
                "interval": {"50": {"territory": [lo, hi], ...}, "90": {...}},
                "method": "...", "calibration": "..."}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.arrays import FloatArray, ScenarioArrays
from detente.intervals import (
    REPORTED,
    Calibration,
    Calibrations,
    as_pairs,
    draw,
    key,
    load_calibration,
    scenario_frame,
)
from detente.models.headline import SOURCE

HEADLINE = "headline"
#: The two names: what each interval holds.
FORECAST_INTERVAL = "forecast interval"
INPUT_BAND = "input band"
METHOD_POINT = (
    "central: the headline forecast, the weighted mean of the seated actors' positions "
    f"(model {SOURCE}); forecast intervals: its errors on DEU (a scale-free residual "
    "around it, reaching towards every actor with a stake, seated or not), at the "
    "scenario's point inputs"
)
METHOD_DRAWS = (
    "central: the headline forecast, the weighted mean of the seated actors' positions "
    f"(model {SOURCE}), at the point inputs; forecast intervals: the central 50% and 90% "
    "of {draws} draws, each drawing the inputs within their ranges and then the outcome "
    "from the headline's predictive distribution calibrated on DEU (model error and input "
    "ranges together)"
)


@dataclass
class Summary:
    """The headline of a run (see the module docstring); values in the scenario's units."""

    issue_ids: tuple[str, ...]
    central: FloatArray
    low: dict[float, FloatArray]
    high: dict[float, FloatArray]
    method: str
    calibration: str

    def interval(self, level: float, issue: str) -> tuple[float, float]:
        k = self.issue_ids.index(issue)
        return float(self.low[level][k]), float(self.high[level][k])

    def to_dict(self) -> dict[str, Any]:
        return {
            "central": {
                i: None if np.isnan(v) else float(v)
                for i, v in zip(self.issue_ids, self.central, strict=True)
            },
            "interval": {
                key(c): as_pairs(self.low[c], self.high[c], self.issue_ids) for c in REPORTED
            },
            "method": self.method,
            "calibration": self.calibration,
        }


def calibration_for(model: str, cal: Calibrations | None = None) -> Calibration | None:
    """``model``'s calibration from ``cal`` (default: the shipped file), if it has one."""
    return (cal or load_calibration()).get(model)


def point_intervals(
    arrays: ScenarioArrays, forecast: FloatArray, cal: Calibration
) -> dict[float, tuple[FloatArray, FloatArray]]:
    """A model's forecast intervals at the point inputs, in scenario units, from its
    normalised ``forecast``."""
    fr = scenario_frame(arrays, np.asarray(forecast, dtype=float))
    out = {}
    for c in REPORTED:
        lo, hi = fr.bounds(cal.at(c))
        out[c] = (arrays.to_scale(lo), arrays.to_scale(hi))
    return out


def forecast_summary(arrays: ScenarioArrays, cal: Calibrations | None = None) -> Summary:
    """The headline and its forecast intervals at the scenario's point inputs."""
    from detente.models import get_model

    cals = cal or load_calibration()
    model = get_model(HEADLINE)
    central = np.asarray(model.run(arrays, model.resolve(None, {})).forecast, dtype=float)
    found = cals.get(HEADLINE)
    if found is None:
        raise ValueError("the forecast-interval calibration has no headline")
    bounds = point_intervals(arrays, central, found)
    return Summary(
        arrays.issue_ids,
        arrays.to_scale(central),
        {c: lo for c, (lo, _) in bounds.items()},
        {c: hi for c, (_, hi) in bounds.items()},
        METHOD_POINT,
        cals.note(HEADLINE),
    )


def outcome_draws(
    arrays: ScenarioArrays, forecast: FloatArray, cal: Calibration, u: FloatArray
) -> FloatArray:
    """Outcomes ``(draws, issues)``, normalised: per draw (arrays with a leading draw axis),
    the quantile ``u`` of the predictive distribution around that draw's ``forecast``."""
    return draw(scenario_frame(arrays, forecast), cal, u)


def draws_summary(
    arrays: ScenarioArrays,
    central: FloatArray,
    outcomes: FloatArray,
    draws: int,
    cal: Calibrations | None = None,
) -> Summary:
    """The headline at the point inputs (``central``, normalised) with forecast intervals
    from drawn ``outcomes`` (``(draws, issues)``, scenario units), nested around it."""
    cals = cal or load_calibration()
    centre = arrays.to_scale(np.asarray(central, dtype=float))
    cuts = np.nanpercentile(outcomes, [5, 25, 75, 95], axis=0)
    lo50, hi50 = np.minimum(cuts[1], centre), np.maximum(cuts[2], centre)
    lo90, hi90 = np.minimum(cuts[0], lo50), np.maximum(cuts[3], hi50)
    return Summary(
        arrays.issue_ids,
        centre,
        {0.5: lo50, 0.9: lo90},
        {0.5: hi50, 0.9: hi90},
        METHOD_DRAWS.format(draws=draws),
        cals.note(HEADLINE),
    )


def band_pairs(outcomes: FloatArray, ids: tuple[str, ...]) -> dict[str, Any]:
    """``{"50": {issue: [p25, p75]}, "90": {issue: [p05, p95]}}`` of drawn outcomes."""
    cuts = np.nanpercentile(outcomes, [5, 25, 75, 95], axis=0)
    return {"50": as_pairs(cuts[1], cuts[2], ids), "90": as_pairs(cuts[0], cuts[3], ids)}
