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


def test_deep_nesting_is_refused_at_once(tmp_path: Path) -> None:
    # Issue 12, finding 1: 500 nested lists raised RecursionError after 5-9 s.
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"line 1, column 51: .*nested more than 50 deep"):
        load(path)
    # Nesting at the limit is still read.
    nested: list[object] = []
    for _ in range(49):
        nested = [nested]
    assert yaml_text.loads("[" * 50 + "]" * 50) == nested


def test_deep_nesting_in_block_style_and_mappings(tmp_path: Path) -> None:
    text = "".join(f"{'  ' * k}k{k}:\n" for k in range(200)) + "  " * 200 + "v\n"
    with pytest.raises(Exception, match="nested more than 50 deep"):
        yaml_text.loads(text)


def test_an_alias_bomb_is_refused(tmp_path: Path) -> None:
    # The "billion laughs": nine lines that stand for 10^9 values.
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for k in range(1, 9):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join([*lines, "title: *a8", "actors: *a8"]) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"aliases repeat .* more than the 1,000,000 allowed"):
        load(path)


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    with pytest.raises(Exception, match="an alias refers to the list or mapping it is in"):
        yaml_text.loads("a: &a [1, *a]")


def test_a_few_aliases_are_fine() -> None:
    tree = yaml_text.loads("s: &s {a: 0.5, b: 0.2}\nt: *s\nu: [*s, *s]\n")
    assert tree["t"] == tree["u"][1] == {"a": 0.5, "b": 0.2}


def test_parameters_on_the_command_line_are_read_the_same_way() -> None:
    from detente.cli.common import parse_params

    params = parse_params(["rounds=1e1", "flag=yes", "deep=" + "[" * 100 + "]" * 100])
    assert params["rounds"] == 10.0 and params["flag"] == "yes"
    assert params["deep"] == "[" * 100 + "]" * 100  # not YAML detente reads: kept as text


def test_the_cli_refuses_deep_yaml_with_status_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from detente.cli import app

    path = tmp_path / "deep.yaml"
    path.write_text("[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "nested more than 50 deep" in result.stderr and "Traceback" not in result.output
