"""Scenario validation: every bad input is refused with a message naming where and how to fix."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from detente import load
from detente.errors import ScenarioError
from detente.scenario import Scenario

BASE: dict[str, Any] = {
    "title": "t",
    "issues": [
        {"id": "land", "scale": [0, 10], "status_quo": 5},
        {"id": "nato", "labels": {"low": "join", "high": "neutral"}},
    ],
    "actors": [
        {
            "id": "A",
            "capability": 2,
            "positions": {"land": 1, "nato": 10},
            "salience": {"land": 0.5, "nato": 1},
        },
        {
            "id": "B",
            "name": "俄罗斯",
            "capability": {"value": 3, "low": 2, "high": 4},
            "at_table": False,
            "positions": {"land": None, "nato": 90},
            "salience": {"land": None, "nato": 0.2},
        },
    ],
}


def refused(tree: Any) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_tree(tree, file="s.yaml")
    messages = [str(p) for p in info.value.problems]
    assert all(m.startswith("s.yaml") for m in messages)
    return messages


def mutate(path: str, value: Any) -> dict[str, Any]:
    tree = copy.deepcopy(BASE)
    *head, last = path.split("/")
    node: Any = tree
    for part in head:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is _DELETE:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return tree


_DELETE = object()


def test_valid_base() -> None:
    s = Scenario.from_tree(BASE)
    assert s.actor("B").display_name == "俄罗斯"
    assert s.issue("nato").scale == (0.0, 100.0)
    assert s.actor("B").capability.bounds() == (2.0, 4.0)


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("actors/0/positions/ghost", 3, ["actor 'A' › positions.ghost", "unknown issue id"]),
        ("actors/0/salience/land", _DELETE, ["actor 'A' › salience", "no entry for issue 'land'"]),
        ("actors/1/id", "A", ["actor 'A'", "used more than once"]),
        ("issues/1/id", "land", ["issue 'land'", "used more than once"]),
        ("actors/0/capability", -1, ["capability", "must be greater than 0"]),
        ("actors/0/capability", 0, ["capability", "must be greater than 0"]),
        # Beyond these the models' sums overflow or underflow (found hanging the CLI).
        ("actors/0/capability", 1e308, ["capability", "outside [1e-100, 1e+100]", "rescale"]),
        ("actors/0/capability", 1e-300, ["capability", "outside [1e-100, 1e+100]"]),
        ("actors/0/salience/nato", 1e-300, ["salience.nato", "below 1e-100", "write 0"]),
        ("actors/0/salience/nato", 1.5, ["salience.nato", "outside [0, 1]"]),
        ("actors/0/positions/land", 11, ["positions.land", "outside [0, 10]"]),
        (
            "actors/0/positions/land",
            {"value": 5, "low": 4, "high": 12},
            ["positions.land", "high 12 lies outside"],
        ),
        (
            "actors/0/positions/land",
            {"value": 5, "low": 6, "high": 8},
            ["positions.land", "value 5 lies outside its own range 6 to 8", "widen the range"],
        ),
        (
            "actors/0/positions/land",
            {"value": 5, "low": 8, "high": 4},
            ["positions.land", "upside down: low 8 is above high 4", "swap low and high"],
        ),
        ("actors/0/positions/land", {"value": 5, "low": 4}, ["both low and high"]),
        (
            "actors/0/positions/land",
            {"value": 5, "low": 4, "high": 6, "dist": "cauchy"},
            ["positions.land", "triangular"],
        ),
        ("issues/0/status_quo", 11, ["issue 'land' › status_quo", "outside the scale"]),
        ("issues/0/scale", [10, 0], ["issue 'land' › scale", "low < high"]),
        ("issues/0/scale", "0-10", ["issue 'land' › scale", "fix: write [low, high]"]),
        ("issues/0/scale", [0, 5, 10], ["issue 'land' › scale", "fix: write [low, high]"]),
        ("actors/0/capability", "80", ["actor 'A' › capability", "number"]),
        ("actors/0/at_table", "yes", ["actor 'A' › at_table", "boolean"]),
        ("actors/0/positions/land", None, ["both be null"]),
        ("actors/0/colour", "red", ["unknown field 'colour'"]),
        ("issues/0/id", "land use", ["issue", "'land use' is not a valid id", "letters A-Z"]),
        # Issue 12, finding 17: the fix said "only letters, digits..." for actor ids too,
        # which may be any text without '.', Chinese included; no regex is shown.
        ("actors/0/id", "A.1", ["'A.1' is not a valid id", "any text without '.' (中文 too)"]),
        # Issue 12, finding 4: spans that overflow or underflow once squared.
        ("issues/0/scale", [-1e308, 1e308], ["issue 'land' › scale", "spans inf, outside"]),
        ("issues/0/scale", [0, 1e-300], ["issue 'land' › scale", "spans 1e-300, outside"]),
        ("actors/0/salience/land", 0, ["issue 'land'", "no actor at the table has a positive"]),
        ("title", _DELETE, ["title", "Field required"]),
        ("as_of", "spring 2025", ["as_of", "'spring 2025' is not a calendar date", "YYYY-MM-DD"]),
        ("as_of", "2025-02-19T10:30", ["as_of", "not a calendar date"]),
        ("revisions", {"A.positions.ghost": "x"}, ["revisions › A.positions.ghost", "no input"]),
        ("revisions", {"Z": "x"}, ["revisions › Z", "US.positions.territory"]),
        ("revisions", {"land.notes": "x"}, ["revisions › land.notes", "names no input"]),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    path: str, value: Any, expected: list[str]
) -> None:
    messages = refused(mutate(path, value))
    assert any(all(e in m for e in expected) for m in messages), messages
    assert all("fix:" in m for m in messages), messages


def test_a_date_and_revisions_are_kept() -> None:
    """``as_of`` reads from YAML's date, ISO text or a spreadsheet's midnight; the tree
    writes it as text, so JSON (the run store) and every format can hold it."""
    import datetime as dt

    for given in (dt.date(2025, 2, 19), "2025-02-19", dt.datetime(2025, 2, 19)):
        tree = mutate("as_of", given)
        tree["revisions"] = {"A.positions.land": "moved", "land.status_quo": "a new line", "A": "x"}
        s = Scenario.from_tree(tree)
        assert s.as_of == dt.date(2025, 2, 19)
        assert s.to_tree()["as_of"] == "2025-02-19"
        assert Scenario.from_tree(s.to_tree()) == s


def test_several_problems_are_reported_together() -> None:
    tree = mutate("actors/0/capability", -1)
    tree["actors"][1]["salience"]["nato"] = 2
    assert len(refused(tree)) == 2


def test_not_a_mapping() -> None:
    assert "does not hold a scenario" in refused([1, 2])[0]


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nissues: [\n  - id: a\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load(bad)
    assert "malformed YAML" in str(info.value) and "line" in str(info.value)


def test_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="unknown scenario format"):
        load(tmp_path / "s.docx")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load(tmp_path / "none.yaml")


def test_examples_are_valid_and_agree(flagship: Path) -> None:
    en = load(flagship)
    zh = load(flagship.with_name("ukraine-2025.zh.yaml"))
    assert en.issue_ids == zh.issue_ids and en.actor_ids == zh.actor_ids
    for a, b in zip(en.actors, zh.actors, strict=True):
        assert (a.capability, a.at_table, a.positions, a.salience) == (
            b.capability,
            b.at_table,
            b.positions,
            b.salience,
        )
    assert [i.status_quo for i in en.issues] == [i.status_quo for i in zh.issues]
    assert not en.actor("UA").at_table and not en.actor("EU").at_table
    yaml.safe_dump(en.to_tree(), allow_unicode=True)


def test_every_problem_is_reported_at_once() -> None:
    # A wrong type stops pydantic; the rest of the file is still checked.
    tree = copy.deepcopy(BASE)
    tree["actors"][0]["capability"] = "ten"
    tree["actors"][1]["capability"] = -3
    tree["actors"][1]["salience"]["nato"] = 7
    tree["issues"][0]["status_quo"] = 50
    messages = refused(tree)
    for expected in (
        "actor 'A' › capability: expected a number",
        "actor 'B' › capability: value -3 must be greater than 0",
        "actor 'B' › salience.nato: salience value 7 lies outside [0, 1]",
        "issue 'land' › status_quo: status quo 50 lies outside the scale",
    ):
        assert sum(expected in m for m in messages) == 1, (expected, messages)
    assert len(messages) == 4


def test_a_duplicate_issue_id_is_reported_once() -> None:
    tree = copy.deepcopy(BASE)
    tree["issues"][1]["id"] = "land"
    tree["actors"][0]["salience"]["land"] = 1.5
    messages = refused(tree)
    assert sum("used more than once" in m for m in messages) == 1
    assert sum("salience value 1.5" in m for m in messages) == 1


def test_no_message_shows_a_regular_expression() -> None:
    messages = refused(mutate("actors/0/id", " A"))
    assert not any("pattern" in m or "^[" in m for m in messages), messages


def test_the_extreme_scales_that_still_work() -> None:
    from detente import forecast

    for scale in ([0, 1e-150], [-1e150, 1e150]):
        tree = mutate("issues/0/scale", scale)
        lo, hi = scale
        for actor in tree["actors"]:
            if actor["positions"].get("land") is not None:
                actor["positions"]["land"] = lo + (hi - lo) * 0.3
        tree["issues"][0].pop("status_quo", None)
        result = forecast(Scenario.from_tree(tree), model="compromise")
        assert result["compromise"].forecasts["land"] == pytest.approx(lo + (hi - lo) * 0.3)
