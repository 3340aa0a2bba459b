"""Scenario names: what an upload is called, and which names can never be files."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import ScenarioError
from detente.web.library import ExistsError, Library, NotFoundError, check_name, safe_name
from detente.web.render import locate
from tests.web.conftest import FLAGSHIP


@pytest.mark.parametrize(
    ("filename", "name"),
    [
        ("ukraine-2025.yaml", "ukraine-2025"),
        ("ukraine-2025.zh.yaml", "ukraine-2025.zh"),
        ("My Talks (v2).xlsx", "My-Talks-v2"),
        ("../../etc/passwd.yaml", "passwd"),
        ("..\\..\\windows\\x.csv", "x"),
        ("...yaml", "scenario"),
        (".hidden.yaml", "hidden"),
        ("俄乌.yaml", "scenario"),
        ("a" * 300 + ".yaml", "a" * 100),
    ],
)
def test_safe_name(filename: str, name: str) -> None:
    assert safe_name(filename) == name
    assert check_name(name) == name


@pytest.mark.parametrize(
    "name", ["", ".", "..", "../x", "a/b", "a\\b", "a..b", ".x", "x.", "x\x00", "a" * 101, "é"]
)
def test_names_that_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ScenarioError, match="is not a valid scenario name"):
        check_name(name)
    with pytest.raises(NotFoundError):
        Library(tmp_path).path(name)


def test_yaml_wins_over_other_formats(tmp_path: Path) -> None:
    from detente import load, save

    scenario = load(FLAGSHIP)
    save(scenario, tmp_path / "x.csv")
    library = Library(tmp_path)
    assert library.path("x").name == "x.csv"
    assert library.names() == ["x"]  # its issues and meta tables are not scenarios
    edited = scenario.model_copy(update={"title": "edited"})
    with pytest.raises(ExistsError, match=r"a scenario named 'x' exists already \(x.csv\)"):
        library.save("x", edited)
    assert library.path("x").name == "x.csv"
    library.save("x", edited, replace=True)
    assert library.path("x").name == "x.yaml"
    assert (tmp_path / "x.csv").is_file()  # superseded, not deleted
    assert library.load("x").title == "edited"
    assert library.free_name("x") == "x-2"


def test_a_broken_file_is_listed_with_its_problems(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("title: t\nissues: []\nactors: []\n", encoding="utf-8")
    (entry,) = Library(tmp_path).entries()
    assert entry.title is None
    assert entry.problems[0].startswith("broken.yaml: issues: ")  # no server path shown


TREE = {
    "issues": [{"id": "territory"}, {"id": "nato"}],
    "actors": [{"id": "US"}, {"id": "RU"}],
}


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ("title", "title"),
        ("issue 'nato' › status_quo", "i1-status_quo"),
        ("issue 'nato' › scale", "i1-scale"),
        ("issue 'nato'", "i1"),
        ("issues[1] › labels.low", "i1-labels"),
        ("actor 'RU' › capability", "a1-capability"),
        ("actor 'RU' › capability.value", "a1-capability"),
        ("actor 'RU' › positions.nato", "a1-pos-1"),
        ("actor 'RU' › salience.territory", "a1-sal-0"),
        ("actor 'RU' › nato", "a1-pos-1"),
        ("actor 'RU' › positions", "a1"),
        ("actor 'RU' › positions.ghost", "a1"),
        ("actors[0] › at_table", "a0-at_table"),
        ("actor 'RU' › veto", "a1-veto"),
        ("actor 'RU' › no_deal_cost", "a1-no_deal_cost"),
        ("actor 'RU' › influence.US", "a1-influence"),
        ("issue 'nato' › no_deal", "i1-no_deal"),
        ("actor 'XX' › capability", ""),
        ("variants.x", ""),
    ],
)
def test_locate_points_problems_at_cells(where: str, key: str) -> None:
    assert locate(where, TREE) == key
