"""Veto players' acceptance and the nearest acceptable package: hand-worked cases.

Every array is normalised (scales [0, 1]), so each case can be checked with
pencil and paper from the rule
``margin_v(x) = sum_k s_vk (|d_k - p_vk| - |x_k - p_vk|) + c_v >= 0``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.ratification import (
    Terms,
    _LinearProgramme,
    accepts,
    margins,
    nearest_package,
    ratify,
)
from tests.reference.ratification_slsqp import slsqp_tie_break

ONE = np.ones((1, 1))
VETO = np.array([[True]])


def test_a_loss_against_no_deal_is_rejected() -> None:
    # p = 0, d = 0.3, f = 0.8: margin = 0.3 - 0.8 = -0.5; the acceptable set is
    # |x - 0| <= 0.3, whose point nearest 0.8 is 0.3, the no-deal point.
    r = ratify(
        Terms(np.zeros((1, 1)), ONE, VETO, np.array([0.3]), np.zeros(1)), np.array([0.8]), ONE[0]
    )
    assert r.margins[0] == pytest.approx(-0.5)
    assert not r.accepted and r.accepts.tolist() == [False]
    assert r.nearest[0] == pytest.approx(0.3, abs=1e-9)
    assert r.binding.tolist() == [True]


def test_a_cost_of_no_deal_lets_a_veto_player_accept_a_loss() -> None:
    # Same loss of 0.5 against the no-deal point, but failing costs 0.6:
    # margin = 0.3 - 0.8 + 0.6 = 0.1 >= 0, so the table's deal stands.
    r = ratify(
        Terms(np.zeros((1, 1)), ONE, VETO, np.array([0.3]), np.array([0.6])),
        np.array([0.8]),
        ONE[0],
    )
    assert r.margins[0] == pytest.approx(0.1)
    assert r.accepted and r.accepts.tolist() == [True]
    assert r.nearest.tolist() == [0.8]
    assert r.binding.tolist() == [False]


def test_a_smaller_cost_buys_part_of_the_way() -> None:
    # Cost 0.4: acceptable iff |x| <= 0.3 + 0.4 = 0.7; nearest to 0.8 is 0.7.
    r = ratify(
        Terms(np.zeros((1, 1)), ONE, VETO, np.array([0.3]), np.array([0.4])),
        np.array([0.8]),
        ONE[0],
    )
    assert r.margins[0] == pytest.approx(-0.1)
    assert r.nearest[0] == pytest.approx(0.7, abs=1e-9)
    assert r.binding.tolist() == [True]


def test_two_opposed_veto_players_leave_only_the_no_deal_point() -> None:
    # v1 at 0 accepts x <= 0.5, v2 at 1 accepts x >= 0.5 (d = 0.5, no costs):
    # the only acceptable package is the no-deal point itself, and both bind.
    p = np.array([[0.0], [1.0]])
    veto = np.array([[True], [True]])
    r = ratify(
        Terms(p, np.ones((2, 1)), veto, np.array([0.5]), np.zeros(2)), np.array([0.9]), ONE[0]
    )
    assert r.accepts.tolist() == [False, True]
    assert r.nearest[0] == pytest.approx(0.5, abs=1e-9)
    assert r.binding.tolist() == [True, True]


def test_concessions_go_where_the_table_cares_least() -> None:
    # v at (0, 0), salience (1, 1), d = (0.5, 0.5): acceptable iff x1 + x2 <= 1.
    # f = (1, 1); the table weighs issue 2 three times issue 1, so it pays v
    # wholly on issue 1: loss 1 x |x1 - 1| is cheaper than 3 x |x2 - 1|.
    p = np.zeros((1, 2))
    veto = np.array([[True, True]])
    x = nearest_package(
        Terms(p, np.ones((1, 2)), veto, np.array([0.5, 0.5]), np.zeros(1)),
        np.ones(2),
        np.array([1, 3]),
    )
    np.testing.assert_allclose(x, [0.0, 1.0], atol=1e-9)


def test_ties_are_broken_by_least_squared_distance() -> None:
    # As above with equal table weights: every x with x1 + x2 = 1 costs the
    # table 1; the least squared distance from (1, 1) splits it evenly.
    p = np.zeros((1, 2))
    veto = np.array([[True, True]])
    x = nearest_package(
        Terms(p, np.ones((1, 2)), veto, np.array([0.5, 0.5]), np.zeros(1)), np.ones(2), np.ones(2)
    )
    np.testing.assert_allclose(x, [0.5, 0.5], atol=1e-6)


def test_veto_on_some_issues_only() -> None:
    # v vetoes issue 1 only: issue 2 (where v would lose) does not count.
    p = np.array([[0.0, 0.0]])
    veto = np.array([[True, False]])
    r = ratify(
        Terms(p, np.ones((1, 2)), veto, np.array([0.5, 0.0]), np.zeros(1)),
        np.array([0.4, 1.0]),
        np.ones(2),
    )
    assert r.margins[0] == pytest.approx(0.1)
    assert r.accepted


def test_actors_without_a_veto_always_accept_and_never_bind() -> None:
    p = np.array([[0.0], [1.0]])
    veto = np.array([[True], [False]])
    r = ratify(
        Terms(p, np.ones((2, 1)), veto, np.array([0.3]), np.zeros(2)), np.array([0.8]), ONE[0]
    )
    assert r.accepts.tolist() == [False, True]
    assert r.binding.tolist() == [True, False]


def test_issues_without_a_forecast_stay_out() -> None:
    p = np.zeros((1, 2))
    veto = np.array([[True, True]])
    f = np.array([0.8, np.nan])
    x = nearest_package(
        Terms(p, np.ones((1, 2)), veto, np.array([0.3, 0.3]), np.zeros(1)), f, np.ones(2)
    )
    assert x[0] == pytest.approx(0.3, abs=1e-9)
    assert np.isnan(x[1])


def test_acceptance_over_draws_equals_one_draw_at_a_time() -> None:
    rng = np.random.default_rng(0)
    d_, n, m = 50, 4, 3
    p = rng.uniform(size=(d_, n, m))
    s = rng.uniform(size=(d_, n, m))
    veto = rng.uniform(size=(n, m)) < 0.6
    nd = rng.uniform(size=(d_, m))
    c = rng.uniform(0, 0.3, size=(d_, n))
    f = rng.uniform(size=(d_, m))
    batched = accepts(Terms(p, s, veto, nd, c), f)
    looped = np.stack([accepts(Terms(p[i], s[i], veto, nd[i], c[i]), f[i]) for i in range(d_)])
    np.testing.assert_array_equal(batched, looped)
    np.testing.assert_allclose(
        margins(Terms(p, s, veto, nd, c), f),
        np.stack([margins(Terms(p[i], s[i], veto, nd[i], c[i]), f[i]) for i in range(d_)]),
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 4), m=st.integers(1, 4))
def test_nearest_is_acceptable_and_no_costlier_than_the_no_deal_point(
    seed: int, n: int, m: int
) -> None:
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=(n, m))
    s = rng.uniform(size=(n, m))
    veto = rng.uniform(size=(n, m)) < 0.7
    nd = rng.uniform(size=m)
    c = rng.uniform(0, 0.2, size=n)
    f = rng.uniform(size=m)
    w = rng.uniform(0.1, 1, size=m)
    r = ratify(Terms(p, s, veto, nd, c), f, w)
    at_x = margins(Terms(p, s, veto, nd, c), r.nearest)
    assert np.all(at_x[veto.any(axis=1)] >= -1e-9)
    assert np.all((r.nearest >= -1e-12) & (r.nearest <= 1 + 1e-12))
    # The no-deal point is always acceptable, so the nearest package costs no more.
    assert w @ np.abs(r.nearest - f) <= w @ np.abs(nd - f) + 1e-9
    if r.accepted:
        np.testing.assert_array_equal(r.nearest, f)
    else:
        assert r.binding.any()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 4), m=st.integers(1, 5))
def test_the_tie_break_is_at_least_as_close_as_slsqp(seed: int, n: int, m: int) -> None:
    # The quadratic programme and the SLSQP it replaced (tests/reference) solve the same
    # problem: among the packages within 1e-9 of the least loss, the closest in squares.
    # Equal table weights on a grid of positions make ties common.
    rng = np.random.default_rng(seed)
    p = rng.integers(0, 5, size=(n, m)) / 4
    terms = Terms(
        p,
        rng.uniform(size=(n, m)),
        rng.uniform(size=(n, m)) < 0.7,
        rng.integers(0, 5, size=m) / 4,
        rng.uniform(0, 0.2, size=n),
    )
    f = rng.uniform(size=m)
    w = np.ones(m) if seed % 2 else rng.uniform(0.1, 1, size=m)
    lp = _LinearProgramme.build(terms, f, w)
    z0, best = lp.first_stage()
    x, reference = lp.tie_break(z0, best), slsqp_tie_break(lp, z0, best)
    assert w @ np.abs(x - f) <= best + 1e-9 * max(1.0, best) + 1e-9
    assert np.all(margins(terms, x)[terms.players] >= -1e-9)
    assert lp.squares(x) <= lp.squares(reference) + 1e-9
