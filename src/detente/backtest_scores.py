"""How :func:`detente.backtest.backtest` scores one model's forecasts on DEU.

The per-model scoring (mean absolute error with its proposal-bootstrap interval, the
breakdowns by procedure and voting rule, the share of issues beating the baseline and the
simulated calibration) lives apart from the loop that runs the models, so each reads on its
own. The method is described in :mod:`detente.backtest`'s docstring.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.arrays import FloatArray
from detente.datasets.deu import DeuData


@dataclass
class Scores:
    """One model's scores under one proxy (see the module docstring)."""

    model: str
    capability: str
    n: int
    mae: float
    mae_ci: tuple[float, float]
    by_procedure: dict[str, dict[str, Any]]
    by_voting_rule: dict[str, dict[str, Any]]
    beats_mean_share: float | None
    calibration: dict[str, float] | None
    not_scored: dict[str, int] = field(default_factory=dict)
    #: Forecast intervals made leave-one-proposal-out: coverage, width, CRPS (and the
    #: same for the split-conformal baseline), and each issue's interval.
    forecast_interval: dict[str, Any] | None = None
    conformal_baseline: dict[str, Any] | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mae": _round(self.mae),
            "mae_ci": [_round(x) for x in self.mae_ci],
            "by_procedure": self.by_procedure,
            "by_voting_rule": self.by_voting_rule,
            "beats_mean_share": _round(self.beats_mean_share),
            "calibration": self.calibration,
        } | (
            {}
            if self.forecast_interval is None
            else {
                "forecast_interval": self.forecast_interval,
                "conformal_baseline": self.conformal_baseline,
                "rows": self.rows,
            }
        )


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), digits)


def proposal_weights(data: DeuData, bootstrap: int, seed: int) -> np.ndarray:
    """How often each proposal is drawn in each bootstrap replicate ``(B, P)``."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xB007]))
    p = len(data.proposals)
    return rng.multinomial(p, np.full(p, 1.0 / p), size=bootstrap)


def _cluster_sums(values: FloatArray, data: DeuData) -> tuple[FloatArray, FloatArray]:
    """Per proposal: the sum of the non-NaN ``values`` and their count."""
    codes = {p: k for k, p in enumerate(data.proposals)}
    cluster = np.array([codes[i.proposal] for i in data.issues])
    ok = ~np.isnan(values)
    sums = np.bincount(cluster[ok], weights=values[ok], minlength=len(codes)).astype(float)
    counts = np.bincount(cluster[ok], minlength=len(codes)).astype(float)
    return sums, counts


def _mae_with_ci(
    values: FloatArray, data: DeuData, weights: np.ndarray
) -> tuple[float, tuple[float, float]]:
    """Mean of the non-NaN ``values`` and its 95% proposal-bootstrap interval."""
    sums, counts = _cluster_sums(values, data)
    if counts.sum() == 0:
        return math.nan, (math.nan, math.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        replicates = (weights @ sums) / (weights @ counts)
    lo, hi = np.nanpercentile(replicates, [2.5, 97.5])
    return float(sums.sum() / counts.sum()), (float(lo), float(hi))


def _group_scores(
    errors: FloatArray, data: DeuData, weights: np.ndarray, labels: Sequence[str]
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for label in sorted(set(labels)):
        mask = np.array([x == label for x in labels])
        part = np.where(mask, errors, np.nan)
        mae, ci = _mae_with_ci(part, data, weights)
        out[label] = {
            "n": int((~np.isnan(part)).sum()),
            "mae": _round(mae),
            "mae_ci": [_round(ci[0]), _round(ci[1])],
        }
    return out


def score(
    model: str,
    capability: str,
    forecast: FloatArray,
    baseline: FloatArray,
    data: DeuData,
    weights: np.ndarray,
    bands: FloatArray | None,
    not_scored: dict[str, int],
) -> Scores:
    """Score one model's forecasts (see the module docstring)."""
    outcome = data.outcomes
    errors = np.abs(forecast - outcome)
    mae, ci = _mae_with_ci(errors, data, weights)
    base_errors = np.abs(baseline - outcome)
    both = ~np.isnan(errors) & ~np.isnan(base_errors)
    beats = float((errors[both] < base_errors[both]).mean()) if both.any() else None
    calibration = None
    if bands is not None:
        ok = ~np.isnan(bands).any(axis=0)
        if ok.any():
            p5, p25, p75, p95 = bands[:, ok]
            y = outcome[ok]
            calibration = {
                "p50": _round(float(((p25 <= y) & (y <= p75)).mean())),
                "p90": _round(float(((p5 <= y) & (y <= p95)).mean())),
            }
    return Scores(
        model=model,
        capability=capability,
        n=int((~np.isnan(errors)).sum()),
        mae=mae,
        mae_ci=ci,
        by_procedure=_group_scores(errors, data, weights, [i.procedure_group for i in data.issues]),
        by_voting_rule=_group_scores(errors, data, weights, [i.voting_group for i in data.issues]),
        beats_mean_share=beats,
        calibration=calibration,  # type: ignore[arg-type]
        not_scored=not_scored,
    )
