"""Bad spreadsheets are refused naming file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from detente import load, save
from detente.errors import ScenarioError


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def csv_scenario(tmp_path: Path) -> Path:
    write(
        tmp_path / "s.issues.csv",
        "id,name,scale_low,scale_high,label_low,label_high,status_quo\nland,Land,0,10,none,all,5\n",
    )
    write(tmp_path / "s.meta.csv", "key,value\ntitle,Test\nsource,made up\n")
    write(
        tmp_path / "s.csv",
        "id,name,capability,at_table,notes,land.position,land.salience\n"
        "A,Alpha,10,true,,3,0.5\nB,Beta,5,false,,,\n",
    )
    return tmp_path / "s.csv"


def messages(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load(path)
    return [str(p) for p in info.value.problems]


def test_valid_csv_reads(csv_scenario: Path) -> None:
    s = load(csv_scenario)
    assert s.title == "Test" and s.actor("B").positions["land"] is None
    assert not s.actor("B").at_table


def test_bad_number_names_row_and_column(csv_scenario: Path) -> None:
    text = csv_scenario.read_text(encoding="utf-8").replace("A,Alpha,10", "A,Alpha,ten")
    write(csv_scenario, text)
    (msg,) = messages(csv_scenario)
    assert "s.csv: row 2, column 'capability': 'ten' is not a number" in msg


def test_a_bad_cell_does_not_hide_the_other_problems(csv_scenario: Path) -> None:
    text = csv_scenario.read_text(encoding="utf-8").replace(",3,0.5", ",30,0.5")
    write(csv_scenario, text.replace("B,Beta,5", "B,Beta,five"))
    found = messages(csv_scenario)
    assert len(found) == 2, found  # the unreadable capability is reported once, not again
    assert "row 3, column 'capability': 'five' is not a number" in found[0]
    assert "row 2 (actor 'A') › positions.land" in found[1] and "outside [0, 10]" in found[1]


def test_range_error_names_row_and_actor(csv_scenario: Path) -> None:
    text = csv_scenario.read_text(encoding="utf-8").replace(",3,0.5", ",30,0.5")
    write(csv_scenario, text)
    (msg,) = messages(csv_scenario)
    assert "row 2 (actor 'A') › positions.land" in msg and "outside [0, 10]" in msg


def test_missing_issue_column(csv_scenario: Path) -> None:
    text = csv_scenario.read_text(encoding="utf-8")
    write(
        csv_scenario,
        text.replace(",land.salience", "").replace(",0.5\n", "\n").replace(",,\n", ",\n"),
    )
    assert any(
        "column 'land.salience'" in m and "missing column" in m for m in messages(csv_scenario)
    )


def test_unknown_column_and_bad_flag(csv_scenario: Path) -> None:
    text = csv_scenario.read_text(encoding="utf-8").replace("notes,", "notez,")
    write(csv_scenario, text.replace("true", "maybe"))
    found = messages(csv_scenario)
    assert any("unknown column" in m and "notez" in m for m in found)
    assert any("'maybe' is not true or false" in m for m in found)


def test_issue_problems_point_at_the_issues_file(csv_scenario: Path) -> None:
    issues = csv_scenario.with_name("s.issues.csv")
    write(issues, issues.read_text(encoding="utf-8").replace(",5\n", ",50\n"))
    (msg,) = messages(csv_scenario)
    assert msg.startswith(str(issues)) and "status quo 50" in msg


def test_missing_sibling_tables(tmp_path: Path) -> None:
    write(tmp_path / "x.csv", "id\n")
    found = messages(tmp_path / "x.csv")
    assert len(found) == 2 and all("missing" in m for m in found)


def test_xlsx_missing_sheet(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "actors"
    book.save(tmp_path / "s.xlsx")
    found = messages(tmp_path / "s.xlsx")
    assert any("sheet 'issues'" in m for m in found)


def test_xlsx_bad_cell(tmp_path: Path, csv_scenario: Path) -> None:
    save(load(csv_scenario), tmp_path / "s.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "s.xlsx")
    book["actors"]["C2"] = "lots"
    book.save(tmp_path / "s.xlsx")
    (msg,) = messages(tmp_path / "s.xlsx")
    assert "[actors]: row 2, column 'capability': 'lots' is not a number" in msg


def test_not_a_workbook(tmp_path: Path) -> None:
    write(tmp_path / "s.xlsx", "not a zip")
    assert "cannot read the workbook" in messages(tmp_path / "s.xlsx")[0]


@pytest.mark.parametrize("name", ["dir.yaml", "dir.csv", "dir.xlsx"])
def test_a_folder_is_not_a_scenario(tmp_path: Path, name: str) -> None:
    (tmp_path / name).mkdir()
    (msg,) = messages(tmp_path / name)
    assert "a folder, not a scenario file" in msg and "(fix: " in msg


@pytest.mark.parametrize(("sep", "word"), [(";", "semicolons"), ("\t", "tabs")])
def test_other_separators_are_read_and_named(tmp_path: Path, sep: str, word: str) -> None:
    # Issue 12, finding 17: a ';' table gave 6-10 unrelated problems and a leaked regex.
    import csv
    import warnings

    save(load("examples/ukraine-2025.yaml"), tmp_path / "s.csv")
    for path in tmp_path.glob("s*.csv"):
        rows = list(csv.reader(path.open(encoding="utf-8")))
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter=sep).writerows(rows)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scenario = load(tmp_path / "s.csv")
    assert scenario.to_tree() == load("examples/ukraine-2025.yaml").to_tree()
    said = [str(w.message) for w in caught]
    assert f"{tmp_path / 's.csv'}: columns separated by {word}, read as such" in said[0]


def test_a_decimal_comma_is_named(csv_scenario: Path) -> None:
    text = csv_scenario.read_text().replace("A,Alpha,10,true,,3,0.5", 'A,Alpha,10,true,,3,"0,5"')
    write(csv_scenario, text)
    (msg,) = messages(csv_scenario)
    assert "'0,5' is not a number (fix: write a decimal point, e.g. 0.5)" in msg


def test_xlsx_sheet_names_in_any_case(tmp_path: Path, csv_scenario: Path) -> None:
    # Issue 12, finding 17: a sheet renamed 'Actors'. Spreadsheets do not tell
    # 'Actors' from 'actors', and neither does detente; a near miss is named.
    from openpyxl import load_workbook

    save(load(csv_scenario), tmp_path / "s.xlsx")
    book = load_workbook(tmp_path / "s.xlsx")
    book["actors"].title = "x"
    book["x"].title = "Actors"
    book.save(tmp_path / "s.xlsx")
    assert load(tmp_path / "s.xlsx").actor_ids == load(csv_scenario).actor_ids
    book["issues"].title = "issue"
    book.save(tmp_path / "s.xlsx")
    (msg,) = messages(tmp_path / "s.xlsx")
    assert "sheet 'issues': missing sheet (fix: rename the sheet 'issue' to 'issues')" in msg
