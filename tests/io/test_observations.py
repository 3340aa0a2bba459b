"""Observations files: what a track is scored against, checked entry by entry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from detente.errors import ScenarioError
from detente.io import observations

SCALES = {"land": (0.0, 100.0), "money": (0.0, 10.0)}


def read(tmp_path: Path, text: str) -> list[observations.Observation]:
    path = tmp_path / "seen.yaml"
    path.write_text(text, encoding="utf-8")
    return observations.read(path, SCALES)


def problems(tmp_path: Path, text: str) -> list[tuple[str, str, str]]:
    with pytest.raises(ScenarioError) as caught:
        read(tmp_path, text)
    return [(p.where, p.message, p.fix) for p in caught.value.problems]


def test_entries_are_read_in_date_order_with_their_extra_keys(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        "observations:\n"
        "  - {date: 2025-05-01, issue: land, value: 40, kind: outcome, source: a treaty,"
        " url: 'https://example.org/t'}\n"
        "  - {date: '2025-02-01', issue: money, value: 2.5, kind: proposal, source: a draft}\n",
    )
    assert [(o.date, o.issue, o.value, o.kind) for o in found] == [
        (date(2025, 2, 1), "money", 2.5, "proposal"),
        (date(2025, 5, 1), "land", 40.0, "outcome"),
    ]
    assert found[1].extra == {"url": "https://example.org/t"}
    assert found[1].to_dict()["date"] == "2025-05-01"


def test_every_bad_entry_is_named_with_its_fix(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "observations:\n"
        "  - {date: 2025-05-01, issue: borders, value: 40, kind: outcome, source: s}\n"
        "  - {date: 2025-05-02, issue: money, value: 12, kind: outcome, source: s}\n"
        "  - {date: 2025-05-03, issue: land, value: 40, kind: rumour, source: s}\n"
        "  - {date: May 2025, issue: land, value: 40, kind: outcome, source: s}\n"
        "  - {date: 2025-05-05, issue: land, kind: outcome}\n",
    )
    assert found[0] == (
        "observation 1 (2025-05-01, borders)",
        "unknown issue 'borders'",
        "use an issue of the track's snapshots: land, money",
    )
    assert found[1][0] == "observation 2 (2025-05-02, money)"
    assert found[1][1] == "value 12 is outside the issue's scale 0-10"
    assert found[2][0] == "observation 3 (2025-05-03, land)"
    assert found[2][1] == "kind 'rumour' is neither outcome nor proposal"
    assert "outcome (signed or decided) or proposal (a tabled text)" in found[2][2]
    assert found[3][1] == "date 'May 2025' is not a calendar date"
    assert found[3][2] == "write it as YYYY-MM-DD"
    assert [f[1] for f in found[4:]] == ["no value", "no source"]


def test_a_file_without_observations_is_refused(tmp_path: Path) -> None:
    [(where, message, fix)] = problems(tmp_path, "title: a scenario\n")
    assert (where, message) == ("", "not an observations file")
    assert "observations:" in fix


def test_a_value_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    [(_, message, _)] = problems(
        tmp_path,
        "observations:\n"
        "  - {date: 2025-05-01, issue: land, value: high, kind: outcome, source: s}\n",
    )
    assert message == "value 'high' is not a number"
