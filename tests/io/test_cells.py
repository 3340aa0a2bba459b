"""CSV text cells: no formula reaches a spreadsheet, and a round trip loses nothing."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from detente import load, save
from detente.io.cells import FORMULA_START, protect, unprotect

# Issue 12, finding 15: texts that spreadsheets ran as formulas.
ATTACKS = ['=HYPERLINK("http://x","click")', "=1+1", "@SUM(A1:A2)", "+cmd|' /C calc'!A0"]


@given(st.text())
def test_unprotect_inverts_protect(text: str) -> None:
    assert unprotect(protect(text)) == text
    assert not protect(text)[:1] or protect(text)[0] not in FORMULA_START


def test_a_scenario_with_formula_texts_round_trips_through_csv(tmp_path: Path) -> None:
    scenario = load("examples/ukraine-2025.yaml")
    tree = scenario.to_tree()
    tree["title"] = ATTACKS[0]
    for actor, text in zip(tree["actors"], [*ATTACKS[1:], "'=already quoted"], strict=False):
        actor["name"] = text
    tree["issues"][0]["labels"]["low"] = "-all of it"
    original = type(scenario).from_tree(tree)
    written = save(original, tmp_path / "s.csv")
    cells = [c for path in written for row in csv.reader(path.open()) for c in row]
    assert not [c for c in cells if c[:1] in tuple("=+@\t\r")]
    # Numbers are written as numbers: a negative one is no formula to guard.
    assert all(c == "'-all of it" or not c.startswith("'-") for c in cells)
    assert load(tmp_path / "s.csv").to_tree() == original.to_tree()
    save(original, tmp_path / "s.xlsx")
    assert load(tmp_path / "s.xlsx").to_tree() == original.to_tree()


def test_negative_numbers_are_not_guarded(tmp_path: Path) -> None:
    scenario = load("examples/ukraine-2025.yaml")
    tree = scenario.to_tree()
    tree["issues"][0]["scale"] = [-100, 100]
    tree["issues"][0]["status_quo"] = -50
    save(type(scenario).from_tree(tree), tmp_path / "s.csv")
    rows = list(csv.reader((tmp_path / "s.issues.csv").open()))
    assert rows[1][2:4] == ["-100", "100"] and rows[1][6] == "-50"
