"""Two-stage influence (Stokman & Van den Bos 1992): hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest

from detente.influence import influenced_positions


def test_an_unseated_actor_pulls_a_seated_one() -> None:
    # j seated: w = 100 x 0.5 = 50 at 0.8; i unseated: w = 40 x 1 = 40 at 0,
    # tie 0.5: (50 x 0.8 + 0.5 x 40 x 0) / (50 + 20) = 4/7; i stays at 0.
    p = np.array([[0.8], [0.0]])
    s = np.array([[0.5], [1.0]])
    ties = np.array([[0.0, 0.0], [0.5, 0.0]])
    out = influenced_positions(p, s, np.array([100.0, 40.0]), np.array([True, False]), ties)
    assert out[0, 0] == pytest.approx(4 / 7)
    assert out[1, 0] == 0.0


def test_two_influencers_and_one_stage_only() -> None:
    # a (seated, w 10 at 1) receives ties from b (w 20 at 0, tie 1) and c (w 10 at 0.5,
    # tie 0.4); b (seated) receives a tie from a (0.5). One stage, from starting positions:
    # a: (10 + 0 + 0.4 x 10 x 0.5) / (10 + 20 + 4) = 12 / 34;
    # b: (20 x 0 + 0.5 x 10 x 1) / (20 + 5) = 5 / 25.
    p = np.array([[1.0], [0.0], [0.5]])
    s = np.ones((3, 1))
    cap = np.array([10.0, 20.0, 10.0])
    ties = np.zeros((3, 3))
    ties[1, 0], ties[2, 0], ties[0, 1] = 1.0, 0.4, 0.5
    out = influenced_positions(p, s, cap, np.array([True, True, False]), ties)
    np.testing.assert_allclose(out[:, 0], [12 / 34, 5 / 25, 0.5])


def test_uninvolved_actors_neither_pull_nor_move() -> None:
    # i has no position on issue 2: it pulls j on issue 1 only; k, seated but not
    # involved in issue 1, stays NaN there though i is tied to it.
    p = np.array([[0.6, 0.6], [0.0, np.nan], [np.nan, 0.2]])
    s = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    ties = np.zeros((3, 3))
    ties[1, 0], ties[1, 2] = 1.0, 1.0
    out = influenced_positions(p, s, np.ones(3), np.array([True, False, True]), ties)
    assert out[0, 0] == pytest.approx(0.3)
    assert out[0, 1] == 0.6
    assert np.isnan(out[2, 0]) and out[2, 1] == 0.2


def test_no_ties_change_nothing() -> None:
    rng = np.random.default_rng(1)
    p = rng.uniform(size=(4, 3))
    out = influenced_positions(
        p, rng.uniform(size=(4, 3)), rng.uniform(size=4), np.ones(4, bool), np.zeros((4, 4))
    )
    np.testing.assert_array_equal(out, p)


def test_draws_equal_one_draw_at_a_time() -> None:
    rng = np.random.default_rng(2)
    d_, n, m = 20, 4, 3
    p = rng.uniform(size=(d_, n, m))
    s = rng.uniform(size=(d_, n, m))
    cap = rng.uniform(1, 100, size=(d_, n))
    seated = np.array([True, True, False, False])
    ties = rng.uniform(size=(n, n))
    batched = influenced_positions(p, s, cap, seated, ties)
    looped = np.stack([influenced_positions(p[i], s[i], cap[i], seated, ties) for i in range(d_)])
    np.testing.assert_allclose(batched, looped)
    # The shifted position lies between the smallest and the largest starting one.
    assert np.all(batched >= p.min(axis=1, keepdims=True) - 1e-12)
    assert np.all(batched <= p.max(axis=1, keepdims=True) + 1e-12)
