"""The Nash bargaining solution (Achen 2006): hand-worked cases and degenerate ones."""

from __future__ import annotations

import numpy as np
import pytest

from detente.models.nbs import nash_bargaining


def solve(x: list[float], w: list[float], q: float) -> tuple[float, bool]:
    sol, deg = nash_bargaining(np.array(x)[:, None], np.array(w)[:, None], np.array([q]))
    return float(sol[0]), bool(deg[0])


def test_two_actors_by_hand() -> None:
    # x = 0.6, 0.8, w = 1, 1, q = 0.2. First-order condition
    #   (0.6 - O) / (0.16 - (0.6 - O)^2) + (0.8 - O) / (0.36 - (0.8 - O)^2) = 0.
    # At O = 0.662772: -0.062772 / 0.156060 = -0.40223 and
    #                   0.137228 / 0.341168 = +0.40223, so the sum vanishes.
    sol, deg = solve([0.6, 0.8], [1, 1], 0.2)
    assert not deg
    assert sol == pytest.approx(0.662772, abs=1e-6)


def test_equal_gaps_give_weighted_mean() -> None:
    # With q far away, (x_i - q)^2 - (x_i - O)^2 ~ (x_i - q)^2 is nearly the same for
    # all i, and the condition reduces to the weighted mean (Achen's derivation).
    sol, _ = solve([0.50, 0.52, 0.54], [1, 2, 3], -1000.0)
    mean = (0.50 * 1 + 0.52 * 2 + 0.54 * 3) / 6
    assert sol == pytest.approx(mean, abs=1e-4)


def test_close_status_quo_pulls_toward_nearer_actor() -> None:
    # The actor nearer the status quo gains more per unit of movement, so it holds
    # more sway than its weight suggests: the solution lies below the mean 0.7.
    sol, _ = solve([0.6, 0.8], [1, 1], 0.2)
    assert sol < 0.7


def test_mirror_symmetry() -> None:
    a, _ = solve([0.6, 0.8], [1, 2], 0.2)
    b, _ = solve([0.4, 0.2], [1, 2], 0.8)
    assert b == pytest.approx(1 - a, abs=1e-12)


def test_status_quo_between_actors_is_degenerate() -> None:
    sol, deg = solve([0.2, 0.9], [1, 1], 0.5)
    assert deg and sol == 0.5


def test_status_quo_on_an_actor_is_degenerate() -> None:
    sol, deg = solve([0.2, 0.9], [1, 1], 0.2)
    assert deg and sol == 0.2


def test_no_status_quo_gives_nan() -> None:
    sol, deg = solve([0.2, 0.9], [1, 1], float("nan"))
    assert np.isnan(sol) and not deg


def test_identical_actors_get_their_position() -> None:
    sol, deg = solve([0.7, 0.7], [1, 3], 0.1)
    assert not deg and sol == pytest.approx(0.7)


def test_feasibility_bound_binds() -> None:
    # q = 0, actors at 0.1 and 1.0: the actor at 0.1 only accepts O < 0.2, so the
    # solution stays inside (0.1, 0.2) however heavy the far actor is.
    sol, _ = solve([0.1, 1.0], [1, 1000], 0.0)
    assert 0.1 < sol < 0.2
