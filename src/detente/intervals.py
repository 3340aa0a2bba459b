"""Forecast intervals: where the outcome may land, model error included, calibrated on DEU.

Two kinds of interval appear in detente, under two names used everywhere:

- the **input band**: how far a model's forecast moves when its inputs move
  within their ranges (what :func:`detente.simulate` reports per model). On
  DEU its 90% band holds the outcome in 5% of issues for ``compromise``:
  averaging many uncertain positions gives a narrow band, while the real
  errors come from what the inputs leave out;
- the **forecast interval**: where the outcome itself may land, the models'
  own error included (and, from draws, the input ranges too). It is built
  here and calibrated on the DEU data set (real EU legislative negotiations,
  :mod:`detente.datasets.deu`). For other kinds of negotiation it is a floor:
  nothing shows that a war's settlement is easier to forecast than an EU law.

The scale-free residual
-----------------------
On an issue, with positions in shares of the scale (0 = its low end, 1 = its
high end), let ``f`` be a model's forecast and the *stakeholders* every
actor involved in the issue, at the table or not (the positions of those
left out are part of what can happen), each weighted by capability x
salience. Let ``m`` be their weighted median (:func:`weighted_median`) and

- the *core* ``[b_lo, b_hi]``: from ``f`` a quarter of the way towards
  ``m`` (:data:`TOWARD_MEDIAN`), which is where the bulk of the weight pulls;
- the *reach* on each side: ``d_lo = FLOOR + 2 sum_i v_i (f - x_i)_+ /
  sum_i v_i`` (how far, and with how much weight, the stakeholders sit
  below ``f``), ``d_hi`` likewise above; ``FLOOR`` (:data:`FLOOR`, 5% of the
  scale) keeps an interval open where everyone agrees.

An outcome ``y`` has the residual ``r = (b_lo - y) / d_lo`` below ``f``,
``r = (y - b_hi) / d_hi`` above it (``-1 / FLOOR`` when ``y = f``: no
interval is narrower than the point). It has no unit and no direction, so a
calibration made on DEU's 0-100 scale applies to any scale. The interval at
level ``c`` is ``[min(f, b_lo - t_c d_lo), max(f, b_hi + t_c d_hi)]``, cut
to the scale, where ``t_c`` is the split-conformal quantile of the DEU
residuals: the ``ceil((n + 1) c)``-th smallest of ``n`` (Vovk, Gammerman &
Shafer 2005; Lei et al. 2018, *JASA* 113:1094; the normalised score of
Papadopoulos et al. 2011 and the band of Romano et al. 2019's conformalised
quantile regression). ``t_c`` grows with ``c``, so the intervals are nested
around the forecast: ``lo90 <= lo50 <= f <= hi50 <= hi90``.

The predictive distribution is the one whose quantile ``tau`` is the lower
end of the ``1 - 2 tau`` interval (``tau < 1/2``), ``f`` itself at one
half, and the upper end of the ``2 tau - 1`` interval above; the interval
is cut to the scale, so the distribution has mass at the scale's ends,
where 31% of DEU's outcomes lie. :func:`crps` scores it.

On DEU (equal capability, leave-one-proposal-out) the 90% interval around
``compromise`` covers 90% of outcomes with a mean width of 76.3 points,
where the plain split-conformal interval ``f +- q`` needs 83.3, and its
CRPS is 16.4 against 16.6; its 50% interval is 37.3 points wide against
35.8 (see docs/validation.md for every model).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from detente.arrays import FloatArray, ScenarioArrays
from detente.errors import ParameterError, Problem, ScenarioError

#: The core runs from the forecast this share of the way to the stakeholders' median.
TOWARD_MEDIAN = 0.25
#: The least reach on each side, in shares of the scale.
FLOOR = 0.05
#: The lowest residual that matters: below it an interval is the point forecast.
LOWEST = -1.0 / FLOOR
#: The levels reported everywhere (as JSON keys "50" and "90").
REPORTED = (0.5, 0.9)
#: Equally likely quantiles that stand for the predictive distribution (CRPS, draws).
QUANTILES = 200
#: Levels at which a calibration stores its residual quantile: the two reported ones and
#: those of the predictive distribution's quantiles (|2 tau - 1| for tau on the grid).
LEVELS = tuple(sorted({*REPORTED, *((2 * k + 1) / QUANTILES for k in range(QUANTILES // 2))}))
FORMAT = "detente-forecast-intervals"
VERSION = 1
#: What every place that shows a forecast interval says about its calibration.
CALIBRATION_NOTE = (
    "calibrated on EU legislative negotiations (DEU: {issues} issues in {proposals} "
    "proposals, leave-one-proposal-out); for other kinds of negotiation it is a floor, "
    "the real uncertainty may be wider"
)


def tau_grid() -> FloatArray:
    """The quantile levels ``(k + 1/2) / QUANTILES`` that stand for a distribution."""
    return (np.arange(QUANTILES) + 0.5) / QUANTILES


def stake_weights(arrays: ScenarioArrays) -> FloatArray:
    """Capability x salience of every actor involved in each issue, seated or not.

    Shape ``(..., n_actors, n_issues)``. Where every involved actor has salience 0,
    each of them counts alike (the interval still needs somewhere to reach).
    """
    cap = np.asarray(arrays.capability)[..., :, None]
    w = np.where(arrays.involved, cap * arrays.salience, 0.0)
    total = w.sum(axis=-2, keepdims=True)
    even = np.broadcast_to(arrays.involved, w.shape).astype(float)
    return np.where(total > 0, w, even)


def weighted_median(x: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted median over the actor axis (-2), each position's weight centred on it.

    Actors at the same position count as one point with their summed weight. The
    cumulative share at a position is (weight below it + half its own) / all weight; the
    median is interpolated where that share crosses one half. Zero weights (and NaN
    positions with them) do not count; an issue with no weight gives NaN.

    >>> weighted_median(np.array([[0.0], [1.0]]), np.array([[1.0], [3.0]]))
    array([0.75])
    >>> weighted_median(np.array([[0.2], [0.4], [0.9]]), np.array([[1.0], [1.0], [1.0]]))
    array([0.4])
    """
    valid = (w > 0) & ~np.isnan(x)
    xv = np.where(valid, x, np.nan)
    wv = np.where(valid, w, 0.0)
    mine, other = xv[..., :, None, :], xv[..., None, :, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        below = (wv[..., None, :, :] * (other < mine)).sum(axis=-2)
        upto = (wv[..., None, :, :] * (other <= mine)).sum(axis=-2)
        total = wv.sum(axis=-2)
        share = np.where(valid, (below + upto) / (2 * total[..., None, :]), np.nan)
        low = valid & (share <= 0.5)
        high = valid & (share >= 0.5)
        x0 = np.where(low, xv, -np.inf).max(axis=-2)
        s0 = np.where(low, share, -np.inf).max(axis=-2)
        x1 = np.where(high, xv, np.inf).min(axis=-2)
        s1 = np.where(high, share, np.inf).min(axis=-2)
        inner = np.isfinite(x0) & (s1 > s0)
        out = np.where(inner, x0 + (0.5 - s0) / np.where(inner, s1 - s0, 1.0) * (x1 - x0), x1)
    return np.where(total > 0, out, np.nan)


@dataclass(frozen=True)
class Frame:
    """Where an issue's outcome is measured from: the core and the reach on each side.

    All in shares of the scale, shape ``(..., n_issues)``; see the module docstring.
    """

    forecast: FloatArray
    core_low: FloatArray
    core_high: FloatArray
    reach_low: FloatArray
    reach_high: FloatArray

    def bounds(self, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The interval for residual quantile(s) ``t`` (broadcast), cut to [0, 1]."""
        f = self.forecast
        lo = np.minimum(f, self.core_low - t * self.reach_low)
        hi = np.maximum(f, self.core_high + t * self.reach_high)
        return np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)

    def residual(self, outcome: FloatArray) -> FloatArray:
        """The scale-free residual of outcomes (shares of the scale); NaN where no forecast."""
        y, f = outcome, self.forecast
        with np.errstate(invalid="ignore"):
            r = np.where(
                y < f,
                (self.core_low - y) / self.reach_low,
                np.where(y > f, (y - self.core_high) / self.reach_high, LOWEST),
            )
        return np.where(np.isnan(f) | np.isnan(y), np.nan, np.maximum(r, LOWEST))


def frame(forecast: FloatArray, positions: FloatArray, weights: FloatArray) -> Frame:
    """The frame of forecasts ``(..., m)`` among stakeholders' ``positions`` and ``weights``
    ``(..., n, m)`` (positions in shares of the scale; NaN where not involved)."""
    f = np.asarray(forecast, dtype=float)
    w = np.where(np.isnan(positions), 0.0, weights)
    x = np.nan_to_num(positions, nan=0.0)
    total = w.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        below = 2 * (w * np.clip(f[..., None, :] - x, 0.0, None)).sum(axis=-2) / total
        above = 2 * (w * np.clip(x - f[..., None, :], 0.0, None)).sum(axis=-2) / total
    core = f + TOWARD_MEDIAN * (weighted_median(x, w) - f)
    return Frame(f, np.minimum(f, core), np.maximum(f, core), FLOOR + below, FLOOR + above)


def scenario_frame(arrays: ScenarioArrays, forecast: FloatArray) -> Frame:
    """The frame of a model's normalised ``forecast`` on a scenario's (or draws') arrays."""
    return frame(forecast, arrays.positions, stake_weights(arrays))


def conformal_quantiles(residuals: FloatArray, levels: Sequence[float] | FloatArray) -> FloatArray:
    """Split-conformal quantiles: the ``ceil((n + 1) c)``-th smallest of the ``n`` residuals
    (the largest when that exceeds ``n``), for each level ``c``; NaN residuals are left out.

    >>> conformal_quantiles(np.arange(1.0, 10.0), [0.5, 0.9])
    array([5., 9.])
    """
    r = np.sort(residuals[~np.isnan(residuals)])
    if r.size == 0:
        return np.full(len(levels), np.nan)
    k = np.ceil((r.size + 1) * np.asarray(levels, dtype=float)).astype(int) - 1
    return r[np.clip(k, 0, r.size - 1)]


@dataclass(frozen=True)
class Calibration:
    """One model's residual quantiles ``t`` at :data:`LEVELS`, fitted on ``issues`` issues."""

    model: str
    t: FloatArray
    issues: int
    proposals: int

    def at(self, level: float | FloatArray) -> FloatArray:
        """The residual quantile at any level in (0, 1), interpolated between stored levels."""
        return np.asarray(np.interp(level, LEVELS, self.t), dtype=float)


@dataclass(frozen=True)
class Calibrations:
    """Every calibrated model's residual quantiles, and where they come from."""

    models: dict[str, Calibration]
    source: str
    capability: str = "equal"
    command: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, model: str) -> Calibration | None:
        return self.models.get(model)

    def note(self, model: str) -> str:
        """The sentence every place that shows this model's interval prints."""
        cal = self.models[model]
        return CALIBRATION_NOTE.format(issues=cal.issues, proposals=cal.proposals)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "source": self.source,
            "capability": self.capability,
            "command": self.command,
            "method": {"toward_median": TOWARD_MEDIAN, "floor": FLOOR, "levels": list(LEVELS)},
            **self.extra,
            "models": {
                name: {
                    "issues": c.issues,
                    "proposals": c.proposals,
                    "t": [round(float(x), 6) for x in c.t],
                }
                for name, c in self.models.items()
            },
        }


def bundled_calibration() -> Path:
    """The calibration shipped with detente (regenerate: ``detente backtest deu --models all
    --draws 0 --save-intervals src/detente/datasets/data/forecast_intervals.json``)."""
    return Path(str(resources.files("detente.datasets").joinpath("data/forecast_intervals.json")))


def save_calibration(cal: Calibrations, path: str | Path) -> Path:
    """Write ``cal`` as JSON, one line per key (lists of numbers on one line each)."""
    tree = cal.to_dict()
    lines = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in tree.items() if k != "models"]
    models = [f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in tree["models"].items()]
    text = "{\n" + ",\n".join([*lines, '  "models": {\n' + ",\n".join(models) + "\n  }"])
    path = Path(path)
    path.write_text(text + "\n}\n", encoding="utf-8")
    _load.cache_clear()
    return path


def load_calibration(path: str | Path | None = None) -> Calibrations:
    """Read a calibration file (default: the one shipped with detente); read once per path."""
    return _load(str(Path(path) if path is not None else bundled_calibration()))


@lru_cache(maxsize=8)
def _load(file: str) -> Calibrations:
    def refuse(what: str) -> ScenarioError:
        fix = "regenerate it with detente backtest deu --models all --draws 0 --save-intervals"
        return ScenarioError([Problem(file, "", what, fix)])

    try:
        tree = json.loads(Path(file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise refuse(f"cannot read the forecast-interval calibration: {exc}") from None
    if tree.get("format") != FORMAT or tree.get("version") != VERSION:
        raise refuse(f"not a {FORMAT} file of version {VERSION}")
    method = tree.get("method", {})
    if (
        method.get("toward_median") != TOWARD_MEDIAN
        or method.get("floor") != FLOOR
        or method.get("levels") != list(LEVELS)
    ):
        raise refuse("made with other settings than this version of detente uses")
    models = {}
    for name, entry in tree["models"].items():
        t = np.asarray(entry["t"], dtype=float)
        if t.shape != (len(LEVELS),) or np.any(np.diff(t) < 0):
            raise refuse(f"model {name!r}: {len(LEVELS)} non-decreasing quantiles expected")
        models[name] = Calibration(name, t, int(entry["issues"]), int(entry["proposals"]))
    known = {"format", "version", "source", "capability", "command", "method", "models"}
    return Calibrations(
        models,
        str(tree.get("source", "")),
        str(tree.get("capability", "equal")),
        str(tree.get("command", "")),
        {k: v for k, v in tree.items() if k not in known},
    )


def fit(model: str, residuals: FloatArray, cluster: np.ndarray) -> Calibration:
    """A model's calibration from its residuals on every issue (``cluster``: proposal codes)."""
    ok = ~np.isnan(residuals)
    return Calibration(
        model,
        conformal_quantiles(residuals, LEVELS),
        int(ok.sum()),
        len(np.unique(cluster[ok])),
    )


def leave_one_out(residuals: FloatArray, cluster: np.ndarray) -> FloatArray:
    """Residual quantiles ``(n, len(LEVELS))`` for each issue, fitted without its proposal.

    Issues without a residual (no forecast) get NaN.
    """
    out = np.full((residuals.size, len(LEVELS)), np.nan)
    ok = ~np.isnan(residuals)
    for p in np.unique(cluster[ok]):
        mine = cluster == p
        out[mine & ok] = conformal_quantiles(np.where(mine, np.nan, residuals), LEVELS)
    return out


def level_index(level: float) -> int:
    return LEVELS.index(level)


def quantile_grid(fr: Frame, t_levels: FloatArray) -> FloatArray:
    """The predictive distribution's :data:`QUANTILES` quantiles ``(..., m, K)`` from residual
    quantiles ``t_levels`` at :data:`LEVELS` (shape ``(len(LEVELS),)`` or ``(..., m, L)``)."""
    tau = tau_grid()
    # |2 tau - 1| for each tau of the grid, written as LEVELS writes it (exact matches).
    idx = [LEVELS.index(abs(2 * k + 1 - QUANTILES) / QUANTILES) for k in range(QUANTILES)]
    t = np.asarray(t_levels, dtype=float)
    tc = t[..., idx] if t.ndim > 1 else t[idx]
    f = fr.forecast[..., None]
    lo = np.clip(np.minimum(f, fr.core_low[..., None] - tc * fr.reach_low[..., None]), 0.0, 1.0)
    hi = np.clip(np.maximum(f, fr.core_high[..., None] + tc * fr.reach_high[..., None]), 0.0, 1.0)
    return np.where(tau < 0.5, lo, hi)


def draw(fr: Frame, cal: Calibration, u: FloatArray) -> FloatArray:
    """Outcomes drawn from the predictive distribution for uniform numbers ``u`` (same shape
    as the frame): the quantile ``u`` of the distribution, in shares of the scale."""
    t = cal.at(np.abs(2 * u - 1))
    lo, hi = fr.bounds(t)
    return np.where(u < 0.5, lo, hi)


def crps(samples: FloatArray, outcome: FloatArray) -> FloatArray:
    """CRPS of equally likely samples (last axis) against outcomes: E|X - y| - E|X - X'| / 2
    (Gneiting & Raftery 2007, *JASA* 102:359, eq. 21), from the sorted samples.

    >>> float(crps(np.array([[0.0, 1.0]]), np.array([0.0]))[0])
    0.25
    """
    xs = np.sort(samples, axis=-1)
    k = xs.shape[-1]
    first = np.abs(xs - outcome[..., None]).mean(axis=-1)
    i = np.arange(1, k + 1)
    spread = (2 * (2 * i - k - 1) * xs).sum(axis=-1) / k**2
    return np.asarray(first - spread / 2, dtype=float)


@dataclass
class Scored:
    """Forecast intervals made without each issue's proposal, and how well they did."""

    low: dict[float, FloatArray]
    high: dict[float, FloatArray]
    crps: FloatArray

    def coverage(self, outcome: FloatArray, level: float) -> float:
        lo, hi = self.low[level], self.high[level]
        ok = ~np.isnan(lo)
        if not ok.any():
            return math.nan
        return float(((lo[ok] <= outcome[ok]) & (outcome[ok] <= hi[ok])).mean())

    def width(self, level: float) -> float:
        d = self.high[level] - self.low[level]
        return _mean(d)

    def summary(self, outcome: FloatArray) -> dict[str, Any]:
        """``{"coverage": {"50": x, "90": y}, "width": {...}, "crps": z}`` (widths and
        CRPS in the units of ``outcome``; None where no interval could be made)."""
        return {
            "coverage": {key(c): _r(self.coverage(outcome, c)) for c in REPORTED},
            "width": {key(c): _r(self.width(c)) for c in REPORTED},
            "crps": _r(_mean(self.crps)),
        }


def _mean(x: FloatArray) -> float:
    ok = ~np.isnan(x)
    return float(x[ok].mean()) if ok.any() else math.nan


def key(level: float) -> str:
    """A level's JSON key: 0.9 -> "90"."""
    return str(round(level * 100))


def _r(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 4)


def score_lopo(fr: Frame, outcome: FloatArray, cluster: np.ndarray, scale: float) -> Scored:
    """Leave-one-proposal-out forecast intervals on data with known outcomes (in shares of
    the scale; ``scale`` converts widths, bounds and the CRPS to the data's units)."""
    t = leave_one_out(fr.residual(outcome), cluster)
    low, high = {}, {}
    for c in REPORTED:
        lo, hi = fr.bounds(t[:, level_index(c)])
        low[c], high[c] = lo * scale, hi * scale
    q = quantile_grid(fr, t)
    score = crps(q, outcome) * scale
    return Scored(low, high, np.where(np.isnan(fr.forecast), np.nan, score))


def score_baseline(
    forecast: FloatArray, outcome: FloatArray, cluster: np.ndarray, scale: float
) -> Scored:
    """The split-conformal baseline, leave-one-proposal-out: ``f +- q_c``, ``q_c`` the
    conformal quantile of ``|y - f|`` on the other proposals, cut to the scale; its
    predictive distribution has the quantiles ``f -+ q_|2 tau - 1|``."""
    zero = np.zeros_like(forecast)
    fr = Frame(forecast, forecast, forecast, zero + 1.0, zero + 1.0)
    r = np.abs(outcome - forecast)
    t = leave_one_out(r, cluster)
    low, high = {}, {}
    for c in REPORTED:
        lo, hi = fr.bounds(t[:, level_index(c)])
        low[c], high[c] = lo * scale, hi * scale
    score = crps(quantile_grid(fr, t), outcome) * scale
    return Scored(low, high, np.where(np.isnan(forecast), np.nan, score))


def intervals_at(
    fr: Frame, cal: Calibration, levels: Sequence[float] = REPORTED
) -> dict[float, tuple[FloatArray, FloatArray]]:
    """The forecast intervals of a frame (shares of the scale) at ``levels``."""
    return {c: fr.bounds(cal.at(c)) for c in levels}


def require(cal: Calibrations, model: str) -> Calibration:
    found = cal.get(model)
    if found is None:
        raise ParameterError(
            f"no forecast-interval calibration for model {model!r}; calibrated: "
            f"{', '.join(cal.models)}"
        )
    return found


def as_pairs(
    lo: FloatArray, hi: FloatArray, ids: Sequence[str], digits: int = 4
) -> dict[str, list[float] | None]:
    """``{issue: [lo, hi]}`` for JSON (None where there is no interval)."""
    return {
        i: None
        if math.isnan(a) or math.isnan(b)
        else [round(float(a), digits), round(float(b), digits)]
        for i, a, b in zip(ids, lo, hi, strict=True)
    }


def nested(intervals: Mapping[float, tuple[FloatArray, FloatArray]], central: FloatArray) -> bool:
    """Whether ``lo90 <= lo50 <= central <= hi50 <= hi90`` wherever all are defined."""
    (l5, h5), (l9, h9) = intervals[0.5], intervals[0.9]
    ok = ~np.isnan(central) & ~np.isnan(l5) & ~np.isnan(l9)
    chain = (l9 <= l5) & (l5 <= central) & (central <= h5) & (h5 <= h9)
    return bool(chain[ok].all())
