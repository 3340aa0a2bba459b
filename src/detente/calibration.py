"""Forecast intervals on DEU: scored leave-one-proposal-out, and the calibration shipped.

:mod:`detente.intervals` defines the forecast interval around any model's
forecast from a scale-free residual. Here that residual meets DEU's
recorded outcomes (:mod:`detente.datasets.deu`):

- :func:`score_models` makes, for every issue, the interval of each model
  from the residuals of the *other* proposals only (the issues of one law
  are negotiated together, so their errors are correlated: leaving out the
  issue alone would flatter the intervals), and scores them: coverage and
  mean width at 50% and 90%, and the CRPS of the predictive distribution.
  Beside them, the plain split-conformal interval ``f +- q`` (the baseline
  to beat), scored the same way;
- :func:`fit_models` fits each model's residual quantiles on every
  proposal: the calibration that ``forecast``, ``simulate``, the briefing
  and the web pages read (:func:`detente.intervals.load_calibration`),
  written by ``detente backtest deu --save-intervals FILE``.

The stakeholders of a DEU issue are the actors counted on it (position and
salience both given), weighted by capability (under the proxy the backtest
runs) x salience.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from detente.arrays import FloatArray
from detente.datasets.deu import SOURCE, DeuData
from detente.intervals import (
    Calibrations,
    Frame,
    Scored,
    fit,
    frame,
    score_baseline,
    score_lopo,
)

#: DEU's scale: positions and outcomes run from 0 to 100.
DEU_SCALE = 100.0


@dataclass(frozen=True)
class Stakes:
    """Every DEU actor's position (shares of the scale; NaN where not counted) and weight
    on every issue, shape ``(actors, issues)``."""

    positions: FloatArray
    weights: FloatArray


def stakes(data: DeuData, capability: Mapping[str, float] | None = None) -> Stakes:
    """The stakeholders of every issue of ``data`` (capability 1 for all by default)."""
    actors = sorted({a for i in data.issues for a in i.actors})
    row = {a: k for k, a in enumerate(actors)}
    positions = np.full((len(actors), len(data.issues)), np.nan)
    weights = np.zeros_like(positions)
    cap = capability or {}
    for k, issue in enumerate(data.issues):
        rows = [row[a] for a in issue.actors]
        positions[rows, k] = issue.positions / DEU_SCALE
        weights[rows, k] = issue.salience * np.array([float(cap.get(a, 1.0)) for a in issue.actors])
    total = weights.sum(axis=0)
    counted = ~np.isnan(positions)
    weights = np.where(total > 0, weights, counted.astype(float))
    return Stakes(positions, weights)


def clusters(data: DeuData) -> np.ndarray:
    """Each issue's proposal, as an integer code."""
    codes = {p: k for k, p in enumerate(data.proposals)}
    return np.array([codes[i.proposal] for i in data.issues])


def deu_frame(forecast: FloatArray, st: Stakes) -> Frame:
    """The frame of forecasts on DEU's 0-100 scale among the issues' stakeholders."""
    return frame(np.asarray(forecast, dtype=float) / DEU_SCALE, st.positions, st.weights)


@dataclass
class IntervalScores:
    """One model's leave-one-proposal-out forecast intervals and the baseline's."""

    model: Scored
    baseline: Scored


def score_model(
    forecast: FloatArray, data: DeuData, st: Stakes, cluster: np.ndarray | None = None
) -> IntervalScores:
    """Score the forecast intervals of one model's DEU forecasts (0-100), and the baseline's."""
    cl = clusters(data) if cluster is None else cluster
    y = data.outcomes / DEU_SCALE
    f = np.asarray(forecast, dtype=float) / DEU_SCALE
    return IntervalScores(
        score_lopo(deu_frame(forecast, st), y, cl, DEU_SCALE),
        score_baseline(f, y, cl, DEU_SCALE),
    )


def rows(
    data: DeuData, forecast: FloatArray, scored: Scored, digits: int = 2
) -> list[dict[str, object]]:
    """One object per issue forecast: proposal, issue, outcome, forecast, the intervals."""
    out: list[dict[str, object]] = []
    for k, issue in enumerate(data.issues):
        if np.isnan(forecast[k]):
            continue
        out.append(
            {
                "proposal": issue.proposal,
                "issue": issue.id,
                "outcome": float(issue.outcome),
                "forecast": round(float(forecast[k]), digits),
                "interval": {
                    str(round(c * 100)): [
                        round(float(scored.low[c][k]), digits),
                        round(float(scored.high[c][k]), digits),
                    ]
                    for c in sorted(scored.low)
                },
            }
        )
    return out


def fit_models(
    forecasts: Mapping[str, FloatArray],
    data: DeuData,
    st: Stakes,
    capability: str = "equal",
    command: str = "",
    extra: Mapping[str, object] | None = None,
) -> Calibrations:
    """Each model's residual quantiles fitted on every DEU issue it forecasts."""
    cl = clusters(data)
    y = data.outcomes / DEU_SCALE
    models = {
        name: fit(name, deu_frame(f, st).residual(y), cl)
        for name, f in forecasts.items()
        if not np.isnan(f).all()
    }
    return Calibrations(
        models,
        source=f"{SOURCE}: {len(data.issues)} usable issues of {data.file.split('/')[-1]}",
        capability=capability,
        command=command,
        extra=dict(extra or {}),
    )


def calibrated_models(names: Sequence[str], cal: Calibrations) -> list[str]:
    return [n for n in names if cal.get(n) is not None]


def score_all(
    data: DeuData,
    forecasts: Mapping[tuple[str, str], FloatArray],
    capabilities: Mapping[str, Mapping[str, float]],
) -> dict[tuple[str, str], IntervalScores]:
    """:func:`score_model` for every ``(model, proxy)`` forecast, each proxy's capability
    weighting the stakeholders."""
    cl = clusters(data)
    st = {p: stakes(data, cap) for p, cap in capabilities.items()}
    return {
        (name, proxy): score_model(f, data, st[proxy], cl)
        for (name, proxy), f in forecasts.items()
        if not np.isnan(f).all()
    }
