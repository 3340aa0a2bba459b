"""Voting power under size-and-weight rules: hand-worked games and brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from detente.datasets.capability import figures
from detente.datasets.power import lisbon_threshold, power_index, swing_counts


def brute_force(weights: list[int], threshold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shapley-Shubik by walking every ordering, Banzhaf by every coalition."""
    n = len(weights)
    pivots = np.zeros(n)
    for order in itertools.permutations(range(n)):
        total = 0
        for k, player in enumerate(order):
            total += weights[player]
            if total >= threshold[k + 1]:
                pivots[player] += 1
                break
    swings = np.zeros(n)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for k in range(n):
            for coalition in itertools.combinations(others, k):
                w = sum(weights[j] for j in coalition)
                swings[i] += w < threshold[k] and w + weights[i] >= threshold[k + 1]
    return pivots / pivots.sum(), swings / swings.sum()


def test_three_player_game_by_hand() -> None:
    # Weights 2, 1, 1; a coalition needs 2+ members and weight 3.
    # Player 0 swings {1}, {2} (size 1) and {1, 2} (size 2, weight 2 < 3);
    # players 1 and 2 swing only {0}. Shapley-Shubik weights 1!1!/3! = 1/6 for
    # size 1 and 2!0!/3! = 1/3 for size 2: 2/6 + 1/3 = 2/3 and 1/6 each.
    t = np.array([math.inf, math.inf, 3, 3])
    assert swing_counts([2, 1, 1], t).tolist() == [[0, 2, 1], [0, 1, 0], [0, 1, 0]]
    assert power_index([2, 1, 1], t) == pytest.approx([2 / 3, 1 / 6, 1 / 6])
    assert power_index([2, 1, 1], t, "banzhaf") == pytest.approx([0.6, 0.2, 0.2])


@pytest.mark.parametrize("seed", range(4))
def test_matches_brute_force_on_double_majorities(seed: int) -> None:
    rng = np.random.default_rng(seed)
    weights = rng.integers(1, 30, size=7).tolist()
    t = lisbon_threshold(weights, member_share=0.55, min_members=3, blocking_members=2)
    ss, bz = brute_force(weights, t)
    assert power_index(weights, t) == pytest.approx(ss, abs=1e-12)
    assert power_index(weights, t, "banzhaf") == pytest.approx(bz, abs=1e-12)


def test_lisbon_threshold_for_28_members() -> None:
    # Article 16(4) TEU: 55% of 28 is 15.4, so 16 members; 65% of
    # 507,416,607 is 329,820,794.55, so 329,820,795 people; with 25 or more
    # members in favour fewer than 4 remain to block.
    population = [int(r["population"]) for a, r in figures().items() if r["population"]]
    assert sum(population) == 507_416_607
    t = lisbon_threshold(population)
    assert np.isinf(t[:16]).all() and (t[:16] > 0).all()
    assert (t[16:25] == 329_820_795).all()
    assert (t[25:] == -math.inf).all()


def test_eu28_power_is_efficient_and_ordered() -> None:
    table = figures()
    states = [a for a, r in table.items() if r["population"]]
    population = np.array([int(table[a]["population"]) for a in states])
    t = lisbon_threshold(population.tolist())
    for index in ("shapley", "banzhaf"):
        power = power_index(population.tolist(), t, index)  # type: ignore[arg-type]
        assert power.sum() == pytest.approx(1.0)
        # More people never means less power in this game.
        order = np.argsort(population)
        assert np.all(np.diff(power[order]) >= -1e-15)
    ss = dict(zip(states, power_index(population.tolist(), t), strict=True))
    # Germany holds 15.9% of the population; its pivot share is lower.
    assert 0.13 < ss["de"] < 0.16


def test_thresholds_must_not_increase() -> None:
    with pytest.raises(ValueError, match="must not increase"):
        swing_counts([1, 1], [0, 2, 1])
