"""Achen's compromise model: hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest

from detente.models.compromise import weighted_mean


def test_weighted_mean_by_hand() -> None:
    # (1*0.2 + 3*0.6) / 4 = 0.5
    x = np.array([[0.2], [0.6]])
    w = np.array([[1.0], [3.0]])
    assert weighted_mean(x, w)[0] == pytest.approx(0.5)


def test_emission_standards_first_round_mean() -> None:
    # Bueno de Mesquita (1994, p. 78); Scholz et al. (2011, Table 1): mean 7.390.
    c = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
    x = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7], dtype=float)
    s = np.array([80, 40, 20, 80, 60, 60, 90, 10, 100, 70]) / 100
    assert weighted_mean(x[:, None], (c * s)[:, None])[0] == pytest.approx(7.390, abs=5e-4)


def test_uninvolved_nan_positions_do_not_poison() -> None:
    x = np.array([[np.nan], [0.4], [0.8]])
    w = np.array([[0.0], [1.0], [1.0]])
    assert weighted_mean(x, w)[0] == pytest.approx(0.6)
