"""YAML, wide CSV and xlsx hold the same scenario: write, read back, nothing lost."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente import load, save
from detente.errors import ScenarioError
from detente.scenario import Scenario
from tests.conftest import EXAMPLES
from tests.strategies import scenario_trees

FORMATS = [".yaml", ".csv", ".xlsx"]


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("name", ["ukraine-2025.yaml", "ukraine-2025.zh.yaml"])
def test_examples_round_trip(tmp_path: Path, suffix: str, name: str, flagship: Path) -> None:
    original = load(flagship.with_name(name))
    save(original, tmp_path / f"s{suffix}")
    assert load(tmp_path / f"s{suffix}") == original


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_dated_snapshot_with_revisions_round_trips(tmp_path: Path, suffix: str) -> None:
    original = load(EXAMPLES / "ukraine-2025-26" / "2025-08-19.yaml")
    assert original.as_of is not None and original.revisions
    save(original, tmp_path / f"s{suffix}")
    assert load(tmp_path / f"s{suffix}") == original


@pytest.mark.parametrize("chain", [(".csv", ".xlsx", ".yaml"), (".xlsx", ".csv", ".yaml")])
def test_conversion_chain_is_lossless(
    tmp_path: Path, chain: tuple[str, ...], flagship: Path
) -> None:
    scenario = load(flagship)
    current = scenario
    for step, suffix in enumerate(chain):
        save(current, tmp_path / f"s{step}{suffix}")
        current = load(tmp_path / f"s{step}{suffix}")
    assert current == scenario


@settings(max_examples=15, deadline=None)
@given(
    tree=scenario_trees(),
    suffix=st.sampled_from(FORMATS),
    title=st.text(st.characters(categories=("L", "N", "P", "Zs")), min_size=1, max_size=20),
)
def test_generated_scenarios_round_trip(tree: dict, suffix: str, title: str) -> None:
    tree["title"] = title  # spaces at either end included: free text is kept as written
    tree["actors"][0]["notes"] = ' переговоры, 谈判, "quoted", comma, new\nline '
    tree["actors"][0]["name"] = "  padded  "
    # Text that a spreadsheet would take for a formula stays text.
    tree["issues"][0]["labels"] = {"low": "=SUM(1)", "high": " +1 "}
    tree["actors"][0]["capability"] = {"value": 2.5, "low": 1.0, "high": 3.0, "dist": "normal"}
    scenario = Scenario.from_tree(tree)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"s{suffix}"
        save(scenario, path)
        if suffix == ".xlsx":
            # Spreadsheets keep 16 significant digits (openpyxl writes %.16g; Excel 15).
            assert_close(load(path).to_tree(), scenario.to_tree())
        else:
            assert load(path) == scenario


def assert_close(got: Any, want: Any) -> None:
    if isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-15, abs=1e-300)
    elif isinstance(want, dict):
        assert got.keys() == want.keys()
        for key in want:
            assert_close(got[key], want[key])
    elif isinstance(want, list):
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert_close(g, w)
    else:
        assert got == want


def test_csv_layout_is_what_spreadsheet_users_expect(tmp_path: Path, flagship: Path) -> None:
    written = save(load(flagship).variant("table-only"), tmp_path / "s.csv")
    assert [p.name for p in written] == ["s.csv", "s.issues.csv", "s.meta.csv"]
    header = (tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:3] == ["id", "name", "capability"]
    assert "territory.position" in header and "territory.salience" in header
    assert "territory.position.low" in header and "capability.high" in header
    issues = (tmp_path / "s.issues.csv").read_text(encoding="utf-8").splitlines()[0]
    # The no-deal points stay in the table-only variant (nobody judges against them).
    assert issues == (
        "id,name,scale_low,scale_high,label_low,label_high,status_quo,"
        "no_deal,no_deal.low,no_deal.high"
    )
    # The vetoes, costs and ties have columns of their own.
    revised = tmp_path / "r.csv"
    save(load(flagship), revised)
    head = revised.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert {"veto", "no_deal_cost", "no_deal_cost.low", "influence"} <= set(head)


@pytest.mark.parametrize("suffix", [".yaml", ".csv", ".xlsx"])
def test_unwritable_targets_are_refused_not_raised(
    tmp_path: Path, suffix: str, flagship: Path
) -> None:
    scenario = load(flagship)
    for target in (tmp_path / "missing" / f"s{suffix}", tmp_path / f"folder{suffix}"):
        (tmp_path / f"folder{suffix}").mkdir(exist_ok=True)
        with pytest.raises(ScenarioError, match="cannot write the file"):
            save(scenario, target)
