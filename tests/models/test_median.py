"""Black's weighted median: hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest

from detente.models.median import weighted_median


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)[:, None]


def test_majority_of_weight_decides() -> None:
    # Weights 1, 1, 3 at 0, 0.5, 1: cumulative 1, 2, 5 against half 2.5 -> 1.
    assert weighted_median(col(0, 0.5, 1), col(1, 1, 3))[0] == 1.0


def test_unsorted_input_is_sorted_first() -> None:
    # Sorted: 0.2 (w 2), 0.4 (w 1), 0.9 (w 2); half of 5 is 2.5 -> reached at 0.4.
    assert weighted_median(col(0.9, 0.2, 0.4), col(2, 2, 1))[0] == 0.4


def test_exactly_half_takes_midpoint_with_next_position() -> None:
    # Weights 1, 1, 2 at 0.1, 0.3, 0.9: cumulative 1, 2, 4; half = 2 reached exactly
    # at 0.3, so the median is (0.3 + 0.9) / 2 = 0.6.
    assert weighted_median(col(0.1, 0.3, 0.9), col(1, 1, 2))[0] == pytest.approx(0.6)


def test_exact_half_with_floating_point_sums() -> None:
    # 0.1 + 0.2 is not 0.3 in binary; the rule still sees an exact half.
    assert weighted_median(col(0, 1, 2), col(0.1, 0.2, 0.3))[0] == pytest.approx(1.5)


def test_zero_weight_actors_are_ignored_even_if_nan() -> None:
    # The NaN actor (not involved) and the zero-weight one never become the median.
    x = col(np.nan, 0.2, 0.0, 0.8)
    w = col(0.0, 1.0, 0.0, 1.0)
    # Two equal weights: exact half at 0.2 -> midpoint with 0.8.
    assert weighted_median(x, w)[0] == pytest.approx(0.5)


def test_emission_standards_first_round_median() -> None:
    # Bueno de Mesquita (1994, p. 78), reprinted by Scholz et al. (2011, Table 1):
    # the weighted median of the EC emission-standards case is 7 (cumulative 50.4%).
    c = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
    x = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7], dtype=float)
    s = np.array([80, 40, 20, 80, 60, 60, 90, 10, 100, 70]) / 100
    assert weighted_median(x[:, None], (c * s)[:, None])[0] == 7.0


def test_leading_draw_axis() -> None:
    x = np.stack([col(0, 1, 2), col(2, 1, 0)])
    w = np.stack([col(1, 1, 5), col(1, 1, 5)])
    np.testing.assert_array_equal(weighted_median(x, w), [[2.0], [0.0]])
