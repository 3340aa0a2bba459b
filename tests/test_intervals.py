"""Forecast intervals: the residual, nesting, scale freedom, conformal coverage, CRPS."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special, stats

from detente.errors import ScenarioError
from detente.intervals import (
    FLOOR,
    LEVELS,
    LOWEST,
    REPORTED,
    Calibration,
    conformal_quantiles,
    crps,
    draw,
    frame,
    leave_one_out,
    load_calibration,
    quantile_grid,
    weighted_median,
)


def _reference_median(x: np.ndarray, w: np.ndarray) -> float:
    """np.interp on the midpoints of the cumulative weights of the distinct positions."""
    keep = w > 0
    points, where = np.unique(x[keep], return_inverse=True)
    weight = np.bincount(where, weights=w[keep])
    share = (np.cumsum(weight) - weight / 2) / weight.sum()
    return float(np.interp(0.5, share, points))


@given(
    st.lists(
        # Weights are 0 or of a real size (denormal ones tie the cumulative shares).
        st.tuples(st.floats(0, 1), st.one_of(st.just(0.0), st.floats(0.01, 5))),
        min_size=1,
        max_size=9,
    ).filter(lambda rows: sum(w for _, w in rows) > 0.01)
)
def test_weighted_median_matches_the_definition(rows: list[tuple[float, float]]) -> None:
    x = np.array([[p] for p, _ in rows])
    w = np.array([[v] for _, v in rows])
    got = weighted_median(x, w)[0]
    want = _reference_median(x[:, 0], w[:, 0])
    assert got == pytest.approx(want, abs=1e-9)


def test_actors_at_one_position_count_as_one_point() -> None:
    # 0.3 holds weights 1 and 3 (share (0 + 4/2) / 6 = 1/3), 1.0 holds 2 (share 5/6):
    # the median lies (1/2 - 1/3) / (5/6 - 1/3) = 1/3 of the way from 0.3 to 1.0.
    x = np.array([[0.3], [1.0], [0.3]])
    for w in ([[1.0], [2.0], [3.0]], [[3.0], [2.0], [1.0]]):
        assert weighted_median(x, np.array(w))[0] == pytest.approx(0.3 + 0.7 / 3)


def test_weighted_median_ignores_actors_without_weight() -> None:
    x = np.array([[0.0, np.nan], [0.5, 0.2], [1.0, 0.9], [np.nan, 0.4]])
    w = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    assert weighted_median(x, w) == pytest.approx([0.5, 0.3])


def test_the_residual_by_hand() -> None:
    # Positions 0, 0.5, 0.8, 1 with weights 0.8, 0.6, 0.4, 0.5 (DEU issue d1i1 of the test
    # sample): forecast the weighted mean 1.12 / 2.3; the weighted median 0.53 (shares at
    # the middle of each weight: 0.174, 0.478, 0.696, 0.891; one tenth of the way from 0.5
    # to 0.8); core from f a quarter of the way to 0.53; reach 0.05 + 2 x 0.8 f / 2.3 on
    # both sides (the weighted mean balances the two).
    x = np.array([[0.0], [0.5], [0.8], [1.0]])
    w = np.array([[0.8], [0.6], [0.4], [0.5]])
    f = 1.12 / 2.3
    fr = frame(np.array([f]), x, w)
    core_high = f + 0.25 * (0.53 - f)
    reach = FLOOR + 2 * 0.8 * f / 2.3
    assert fr.core_low[0] == pytest.approx(f)
    assert fr.core_high[0] == pytest.approx(core_high)
    assert fr.reach_low[0] == pytest.approx(reach) and fr.reach_high[0] == pytest.approx(reach)
    assert fr.residual(np.array([0.6]))[0] == pytest.approx((0.6 - core_high) / reach)
    assert fr.residual(np.array([0.1]))[0] == pytest.approx((f - 0.1) / reach)
    assert fr.residual(np.array([f]))[0] == LOWEST
    lo, hi = fr.bounds(np.array([0.5]))
    assert lo[0] == pytest.approx(f - 0.5 * reach) and hi[0] == pytest.approx(
        core_high + 0.5 * reach
    )


def test_conformal_quantiles_follow_the_finite_sample_rule() -> None:
    r = np.arange(1.0, 20.0)  # n = 19: level c takes the ceil(20 c)-th smallest
    assert conformal_quantiles(r, [0.5, 0.9, 0.95, 0.99]).tolist() == [10.0, 18.0, 19.0, 19.0]
    assert conformal_quantiles(np.array([np.nan, 3.0]), [0.5]).tolist() == [3.0]
    assert np.isnan(conformal_quantiles(np.array([np.nan]), [0.5])).all()


@st.composite
def frames(draw_: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw_(st.integers(2, 6))
    m = draw_(st.integers(1, 4))
    x = np.array(draw_(st.lists(st.floats(0, 1), min_size=n * m, max_size=n * m))).reshape(n, m)
    w = np.array(draw_(st.lists(st.floats(0.01, 3), min_size=n * m, max_size=n * m)))
    f = np.array(draw_(st.lists(st.floats(0, 1), min_size=m, max_size=m)))
    return x, w.reshape(n, m), f


@given(frames(), st.lists(st.floats(-20, 5), min_size=len(LEVELS), max_size=len(LEVELS)))
def test_intervals_are_nested_around_the_forecast_and_on_the_scale(
    made: tuple[np.ndarray, np.ndarray, np.ndarray], t: list[float]
) -> None:
    x, w, f = made
    fr = frame(f, x, w)
    cal = Calibration("m", np.sort(np.array(t)), 10, 5)
    (l5, h5), (l9, h9) = (fr.bounds(cal.at(c)) for c in REPORTED)
    assert np.all((l9 >= 0) & (l9 <= l5) & (l5 <= f) & (f <= h5) & (h5 <= h9) & (h9 <= 1))
    q = quantile_grid(fr, cal.t)
    assert np.all(np.diff(q, axis=-1) >= -1e-12)


def test_the_residual_is_free_of_the_scale_and_its_direction() -> None:
    rng = np.random.default_rng(3)
    x, w = rng.random((6, 4)), rng.random((6, 4)) + 0.1
    f, y = rng.random(4), rng.random(4)
    fr = frame(f, x, w)
    mirrored = frame(1 - f, 1 - x, w)
    assert mirrored.residual(1 - y) == pytest.approx(fr.residual(y))
    t = np.linspace(-1, 2, len(LEVELS))
    lo, hi = fr.bounds(t[50])
    mlo, mhi = mirrored.bounds(t[50])
    assert mlo == pytest.approx(1 - hi) and mhi == pytest.approx(1 - lo)


def test_leave_one_out_never_uses_the_issues_own_proposal() -> None:
    r = np.array([0.1, 0.2, 5.0, 6.0, 0.3])
    cluster = np.array([0, 0, 1, 1, 2])
    t = leave_one_out(r, cluster)
    top = LEVELS.index(0.9)
    # Proposal 1 (residuals 5 and 6) is judged by 0.1, 0.2, 0.3 only: at most 0.3.
    assert t[2, top] == t[3, top] == 0.3
    # The others see 5 or 6 among theirs: with four or three residuals the 90% one is the max.
    assert t[0, top] == 6.0 and t[4, top] == 6.0


def test_split_conformal_intervals_cover_exchangeable_outcomes() -> None:
    # Outcomes drawn around the forecast with a noise that grows with the stakeholders'
    # reach: the intervals made leave-one-out hold close to 50% and 90% of them.
    rng = np.random.default_rng(0)
    n, a = 2000, 5
    x, w = rng.random((a, n)), rng.random((a, n)) + 0.1
    f = (x * w).sum(0) / w.sum(0)
    fr = frame(f, x, w)
    y = np.clip(f + rng.normal(0, 1, n) * (fr.reach_low + fr.reach_high) / 4, 0, 1)
    t = leave_one_out(fr.residual(y), np.arange(n))
    for c, (low, high) in zip(REPORTED, ((0.47, 0.53), (0.88, 0.92)), strict=True):
        lo, hi = fr.bounds(t[:, LEVELS.index(c)])
        assert low < np.mean((lo <= y) & (y <= hi)) < high


def test_crps_matches_the_normal_closed_form() -> None:
    # CRPS of N(0, 1) at y: y (2 Phi(y) - 1) + 2 phi(y) - 1 / sqrt(pi) (Gneiting, Raftery,
    # Westveld & Goldman 2005, Monthly Weather Review 133:1098); 4000 equally likely
    # quantiles stand for the distribution.
    q = special.ndtri((np.arange(4000) + 0.5) / 4000)
    for y in (0.0, 0.7, -2.0):
        exact = y * (2 * stats.norm.cdf(y) - 1) + 2 * stats.norm.pdf(y) - 1 / np.sqrt(np.pi)
        assert crps(q[None, :], np.array([y]))[0] == pytest.approx(exact, abs=2e-4)


def test_crps_is_the_integral_of_the_squared_cdf_difference() -> None:
    rng = np.random.default_rng(1)
    sample, y = rng.random(7), 0.42
    grid = np.linspace(0, 1, 200_001)
    cdf = (sample[:, None] <= grid[None, :]).mean(0)
    integral = np.trapezoid((cdf - (grid >= y)) ** 2, grid)
    assert crps(sample[None, :], np.array([y]))[0] == pytest.approx(integral, abs=1e-4)


def test_draws_follow_the_predictive_distribution() -> None:
    rng = np.random.default_rng(2)
    x, w = rng.random((5, 1)), rng.random((5, 1)) + 0.1
    fr = frame(np.array([0.4]), x, w)
    cal = Calibration("m", np.linspace(-1, 1.5, len(LEVELS)), 100, 50)
    u = rng.random((20_000, 1))
    y = draw(fr, cal, u)
    lo, hi = fr.bounds(cal.at(0.9))
    assert np.mean((lo <= y) & (y <= hi)) == pytest.approx(0.9, abs=0.01)
    assert np.median(y) == pytest.approx(0.4, abs=0.02)


def test_a_broken_calibration_file_is_refused_with_its_name(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.json.*regenerate"):
        load_calibration(bad)
    (tmp_path / "junk.json").write_text("{", encoding="utf-8")
    with pytest.raises(ScenarioError, match="cannot read"):
        load_calibration(tmp_path / "junk.json")


def test_the_shipped_calibration_covers_the_models() -> None:
    # A model added later has no interval until the calibration is regenerated
    # (detente backtest deu --models all --draws 0 --save-intervals FILE).
    cal = load_calibration()
    assert {"median", "compromise", "headline", "nbs", "eu", "exchange", "smp", "ensemble"} <= set(
        cal.models
    )
    for c in cal.models.values():
        assert c.t.shape == (len(LEVELS),) and np.all(np.diff(c.t) >= 0)
    assert "EU legislative negotiations" in cal.note("headline")
    assert "floor" in cal.note("headline")
