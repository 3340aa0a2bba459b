"""Reading DEU: both layouts, missing codes, skip reasons, scenarios."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.datasets import deu
from detente.errors import ScenarioError
from tests.conftest import DATA

SHARED = DATA / "deu" / "deu3.tsv"

# The original CORA layout: semicolons, decimal commas, 999 (also as 999,00) and blanks missing.
CORA = """\
prnr;prname;isnr;type;proc;counvte;intro;finact;pcom;pep;pde;pfr;pnl;scom;sep;sde;sfr;snl;rp;out
d1;widgets;d1i1;Reg;COD;QMV;01-01-05;;100;80;0;50;;50;40;80;60;;0;60
d1;widgets;d1i2;Reg;COD;QMV;01-01-05;;0;999;100;;20;30;50;0;;70;100;40
d2;gadgets;d2i1;Dir;CNS;Unan;;;10,5;;;20;30;90;;;0;50;;33,5
d2;gadgets;d2i2;Dir;CNS;QMV(10);;;100;;0;;40;50;;20;;10;;60
d3;tools;d3i1;Dec;CNS;Unan;;;0;;;;50;100;;;;40;;50
d3;tools;d3i2;Dec;CNS;Unan;;;0;;;;50;100;;;;40;;999,00
"""


@pytest.fixture
def cora(tmp_path: Path) -> Path:
    path = tmp_path / "deu_cora.csv"
    path.write_text(CORA, encoding="utf-8")
    return path


def test_shared_copy_usable_issues_and_skips() -> None:
    data = deu.read(SHARED)
    # 364 issues: 11 without a valid outcome, 2 with fewer than 3 actors.
    assert len(data.issues) == 351
    assert data.skipped == {"no_outcome": 11, "fewer_than_3_actors": 2}
    assert data.layout == "replication" and data.gdp is not None and len(data.gdp) == 30
    assert len(data.proposals) == 137
    assert sum(i.procedure == "COD" for i in data.issues) == 205
    assert sum(i.procedure == "CNS" for i in data.issues) == 146
    rules = {i.voting_rule for i in data.issues}
    assert rules == {"QMV", "QMV(10)", "Unan"}
    assert sum(i.voting_group == "QMV" for i in data.issues) == 280


def test_bundled_copy_is_the_tested_one() -> None:
    assert deu.bundled_file().read_bytes() == SHARED.read_bytes()


def test_first_issue_as_in_the_file() -> None:
    # Row 3 of deu3.tsv: d00032i1, COD, QMV, rp 0, out 100; pcom 100 scom 50,
    # pep 100 sep 50, pat 40 sat 40; Bulgaria's blank position with salience 0
    # does not count, nor Croatia's blanks: 17 actors count.
    issue = deu.read(SHARED).issues[0]
    assert (issue.id, issue.proposal, issue.procedure, issue.voting_rule) == (
        "d00032i1",
        "d00032",
        "COD",
        "QMV",
    )
    assert issue.reference_point == 0 and issue.outcome == 100
    assert issue.actors[:3] == ("com", "ep", "at")
    assert "bu" not in issue.actors
    assert issue.positions[:3].tolist() == [100, 100, 40]
    assert issue.salience[:3].tolist() == [0.5, 0.5, 0.4]
    assert len(issue.actors) == 17


def test_cora_layout_missing_codes_and_skips(cora: Path) -> None:
    data = deu.read(cora)
    assert data.layout == "cora" and data.gdp is None
    assert [i.id for i in data.issues] == ["d1i1", "d1i2", "d2i1", "d2i2"]
    # d3i2 lacks both an outcome and a third actor: the outcome reason comes first.
    assert data.skipped == {"no_outcome": 1, "fewer_than_3_actors": 1}
    d1i2 = data.issues[1]
    # ep's position is 999 (missing), so ep does not count; de counts with salience 0.
    assert d1i2.actors == ("com", "de", "nl")
    assert d1i2.salience.tolist() == [0.3, 0.0, 0.7]
    d2i1 = data.issues[2]
    assert d2i1.positions.tolist() == [10.5, 20, 30]  # decimal commas
    assert d2i1.reference_point is None and d2i1.outcome == 33.5
    assert data.issues[3].voting_rule == "QMV(10)"
    assert data.issues[3].voting_group == "QMV"


def test_proposal_scenario_marks_uninvolved_actors(cora: Path) -> None:
    data = deu.read(cora)
    scenario = data.scenario(data.proposals["d1"], capability={"de": 2.0})
    assert scenario.issue_ids == ["d1i1", "d1i2"]
    assert scenario.actor_ids == ["com", "ep", "de", "fr", "nl"]
    assert scenario.issue("d1i1").status_quo == 0
    nl, ep = scenario.actor("nl"), scenario.actor("ep")
    assert nl.positions["d1i1"] is None and nl.salience["d1i1"] is None
    assert ep.positions["d1i2"] is None
    assert scenario.actor("de").capability.value == 2.0
    arrays = scenario.to_arrays()
    assert np.isnan(arrays.positions[4, 0]) and arrays.weight[4, 0] == 0


def test_bad_cells_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "prnr;isnr;pcom;pep;pde;scom;sep;sde;rp;out\n"
        "d1;d1i1;abc;50;0;50;50;50;0;150\n"
        "d1;d1i1;10;50;0;50;50;50;0;10\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as exc:
        deu.read(path)
    text = str(exc.value)
    assert "row 2, column 'pcom': 'abc' is not a number" in text
    assert "row 2, column 'out': 150 lies outside DEU's 0-100 scale" in text
    assert "row 3: issue 'd1i1' already appears in row 2" in text


def test_not_a_deu_file(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not a DEU file"):
        deu.read(path)
    with pytest.raises(ScenarioError, match="no such file"):
        deu.read(tmp_path / "missing.csv")
