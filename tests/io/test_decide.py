"""The Decide exchange-model input format: reading, sniffing, refusing."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente import forecast, load
from detente.errors import ScenarioError
from detente.io import decide
from tests.conftest import DATA

HARBOUR = DATA / "decide" / "harbour.txt"


def test_reads_actors_issues_scales_and_labels() -> None:
    s = load(HARBOUR)
    assert s.title.startswith("Harbour expansion")
    assert s.issue_ids == ["size", "fee", "night-work"]
    assert s.actor_ids == ["council", "port", "greens", "shippers", "residents"]
    size, fee, night = s.issues
    assert size.scale == (0, 100)
    assert size.labels is not None and size.labels.high == "Three new quays"
    # The #M rows of "fee" mean "euro" at both ends: the ends are named by value.
    assert fee.scale == (0.5, 7)
    assert fee.labels is not None and (fee.labels.low, fee.labels.high) == ("0.5 euro", "7 euro")
    assert night.scale == (0, 100) and night.labels is None
    port = s.actor("port")
    assert port.name == "Port authority" and port.capability.value == 0.8
    assert port.positions["fee"].value == 5 and port.salience["fee"].value == 0.7
    # No #D row: not involved.
    assert s.actor("greens").positions["fee"] is None
    # Power 0: off the table, still listed.
    residents = s.actor("residents")
    assert residents.at_table is False and "power 0" in (residents.notes or "")


def test_compromise_by_hand() -> None:
    # size: weights c x s = 0.8 (council, 50), 0.72 (port, 100), 0.36 (greens, 0),
    # 0.3 (shippers, 100); residents have power 0. (40 + 72 + 30) / 2.18 = 65.1376.
    # fee: 0.5 (council, 3), 0.56 (port, 5), 0.45 (shippers, 1):
    # (1.5 + 2.8 + 0.45) / 1.51 = 3.1457 euro.
    result = forecast(HARBOUR, model="compromise")["compromise"]
    assert result.forecasts["size"] == pytest.approx(142 / 2.18)
    assert result.forecasts["fee"] == pytest.approx(4.75 / 1.51)


def test_csv_with_decide_rows_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "case.csv"
    path.write_text(
        "#A;a;Actor A\n#A;b;Actor B\n#P;i 1;Issue one\n#D;a;i 1;20;0,5;1\n#D;b;i 1;80;1;0.5\n",
        encoding="utf-8",
    )
    assert decide.sniff(path)
    s = load(path)
    # "i 1" is no valid id: rewritten, the original kept as the name.
    assert s.issue_ids == ["i_1"] and s.issues[0].name == "Issue one"
    assert s.actor("a").salience["i_1"].value == 0.5


def test_problems_name_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(
        "#A\ta\tA\n#A\tb\tB\n#A\tc\tC\n#P\tx\tX\n#P\ty\tY\n"
        "#D\ta\tx\t10\t0.5\t1\n#D\ta\ty\t10\t0.5\t0.5\n"
        "#D\tb\tx\t10\t1.5\t1\n#D\tz\tx\t10\t0.5\t1\n#Q\tnonsense\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as exc:
        load(path)
    text = str(exc.value)
    assert "line 1: actor 'a' has a different power on different issues (0.5, 1)" in text
    assert "line 8: salience 1.5 lies outside [0, 1]" in text
    assert "line 9: unknown actor 'z'" in text
    assert "line 10: unknown row type '#Q'" in text
    assert "line 3: actor 'c' has no #D row" in text


def test_actor_and_issue_rows_need_a_new_id(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text(
        "#A\ta\tA\n#A\ta\tAgain\n#A\n#P\tx\tX\n#P\tx\tAgain\n#P\n#D\ta\tx\t10\t0.5\t1\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as exc:
        load(path)
    text = str(exc.value)
    assert "line 2: actor 'a' listed twice" in text and "keep one #A row" in text
    assert "line 3: #A row without an actor id" in text and "write #A, id, name" in text
    assert "line 5: issue 'x' listed twice" in text and "keep one #P row" in text
    assert "line 6: #P row without an issue id" in text and "write #P, id, description" in text


def test_plain_table_csv_is_not_sniffed_as_decide(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("id,name,capability\n", encoding="utf-8")
    assert not decide.sniff(path)
