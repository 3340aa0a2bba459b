"""Ratification under the Council's unanimity on DEU-shaped data: hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest

from detente.datasets.deu import DeuData, DeuIssue
from detente.unanimity import ratified, unanimity_backtest


def _issue(name: str, positions: list[float], salience: list[float], rp: float | None) -> DeuIssue:
    return DeuIssue(
        id=name,
        proposal="P1",
        proposal_name="",
        procedure="CNS",
        voting_rule="Unan",
        intro="",
        actors=("com", "de", "fr"),
        positions=np.array(positions, dtype=float),
        salience=np.array(salience, dtype=float),
        reference_point=rp,
        outcome=50.0,
        row=2,
    )


# Issue A: de at 0 accepts x <= 40 (rp 40), fr at 60 accepts 40 <= x <= 80: only 40.
# Issue B: de at 100 and fr at 100 (salience 0.5), rp 0: both accept any x there.
# As a package with f = (70, 80): de gains (40 - 70) + (100 - 20) = 50 points,
# fr (20 - 10) + 0.5 x (100 - 20) = 50: both accept, so the package stands.
DATA = DeuData(
    file="<test>",
    issues=(
        _issue("A", [100, 0, 60], [1, 1, 1], 40.0),
        _issue("B", [0, 100, 100], [1, 1, 0.5], 0.0),
    ),
    skipped={},
)
CAPABILITY = {"com": 1.0, "de": 1.0, "fr": 1.0}


def test_issue_by_issue_the_council_holds_issue_a_at_its_reference_point() -> None:
    out, accepted = ratified(DATA, np.array([70.0, 80.0]), CAPABILITY, "issue")
    np.testing.assert_allclose(out, [40.0, 80.0], atol=1e-6)
    assert accepted.tolist() == [False, True]


def test_as_a_package_the_gain_on_b_buys_the_loss_on_a() -> None:
    out, accepted = ratified(DATA, np.array([70.0, 80.0]), CAPABILITY, "package")
    np.testing.assert_array_equal(out, [70.0, 80.0])
    assert accepted.tolist() == [True, True]


def test_no_reference_point_no_judgement() -> None:
    data = DeuData("<test>", (_issue("A", [100, 0, 60], [1, 1, 1], None),), {})
    out, accepted = ratified(data, np.array([70.0]), CAPABILITY, "issue")
    assert out.tolist() == [70.0] and accepted.tolist() == [True]


def test_unanimity_issues_of_the_bundled_data() -> None:
    u = unanimity_backtest(models="compromise", bootstrap=200)
    assert len(u.data.issues) == 71 and len(u.data.proposals) == 31 and u.with_rp == 43
    s = u.scores["compromise", "issue", "all"]
    # Without ratification, the weighted mean's MAE on the unanimity issues
    # (docs/validation.md, by voting rule: Unan 22.3).
    assert s.mae_without == pytest.approx(22.32, abs=0.01)
    assert s.difference == pytest.approx(s.mae_with - s.mae_without)
    assert s.difference_ci[0] <= s.difference <= s.difference_ci[1]
