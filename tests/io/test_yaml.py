"""The YAML format: YAML 1.2's booleans and numbers, duplicate keys refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente import load, save
from detente.errors import ScenarioError
from detente.io import yaml as yaml_text

SCENARIO = """\
title: T
issues:
  - {{id: a}}
actors:
  - id: X
    capability: {capability}
    at_table: {at_table}
    positions: {{a: 10}}
    salience: {{a: 1}}
"""


def write(tmp_path: Path, capability: str = "1", at_table: str = "true") -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(capability=capability, at_table=at_table), encoding="utf-8")
    return path


def test_only_true_and_false_are_booleans() -> None:
    assert yaml_text.loads("[true, False, yes, no, on, off, y]") == [
        True,
        False,
        "yes",
        "no",
        "on",
        "off",
        "y",
    ]


@pytest.mark.parametrize("word", ["yes", "no", "on", "off"])
def test_a_yes_for_a_boolean_is_refused(tmp_path: Path, word: str) -> None:
    with pytest.raises(ScenarioError, match="at_table: Input should be a valid boolean"):
        load(write(tmp_path, at_table=word))


def test_exponents_are_numbers(tmp_path: Path) -> None:
    assert yaml_text.loads("[1e3, 2.5E-2, 10, .5, -1e+2]") == [1000.0, 0.025, 10, 0.5, -100.0]
    assert load(write(tmp_path, capability="1e3")).actor("X").capability.value == 1000.0


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(write(tmp_path).read_text() + "    positions: {a: 20}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"line 10.*'positions' appears twice"):
        load(path)


def test_text_that_looks_like_a_number_or_boolean_round_trips(tmp_path: Path) -> None:
    scenario = load(write(tmp_path))
    tree = scenario.to_tree()
    tree["title"], tree["actors"][0]["name"], tree["actors"][0]["notes"] = "1e3", "yes", "on"
    path = tmp_path / "back.yaml"
    save(type(scenario).from_tree(tree), path)
    again = load(path)
    assert (again.title, again.actor("X").name, again.actor("X").notes) == ("1e3", "yes", "on")
