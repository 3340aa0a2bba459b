"""Tracks: loading in date order, what changed and why, scoring against later observations."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from detente import forecast
from detente.errors import ScenarioError
from detente.io import yaml as yaml_text
from detente.io.observations import Observation
from detente.limits import SizeWarning
from detente.scenario import Scenario
from detente.track import (
    InputChange,
    Snapshot,
    TrackPoint,
    diff,
    load_snapshots,
    score,
    track,
    unused_revisions,
)
from tests.conftest import EXAMPLES

TRACK = EXAMPLES / "ukraine-2025-26"


def tree(**extra: Any) -> dict[str, Any]:
    """A two-actor, two-issue scenario tree; ``extra`` overrides top-level keys."""
    base: dict[str, Any] = {
        "title": "Toy talks",
        "issues": [
            {"id": "land", "scale": [0, 100], "status_quo": 50},
            {"id": "money", "scale": [0, 10], "status_quo": 2},
        ],
        "actors": [
            {
                "id": "A",
                "capability": 60,
                "positions": {"land": 0, "money": 8},
                "salience": {"land": 1.0, "money": 0.5},
            },
            {
                "id": "B",
                "capability": 40,
                "positions": {"land": 100, "money": 0},
                "salience": {"land": 0.5, "money": 1.0},
            },
        ],
    }
    base.update(extra)
    return base


def write(folder: Path, name: str, content: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(yaml_text.dump(content, sort_keys=False), encoding="utf-8")
    return path


# --- the example track -------------------------------------------------------------


def test_flagship_is_the_first_snapshot_to_the_letter() -> None:
    """The February 2025 snapshot is examples/ukraine-2025.yaml itself (issue 16): the two
    texts are identical apart from the `as_of` line, which both carry with the same date."""

    def without_as_of(path: Path) -> list[str]:
        return [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("as_of:")
        ]

    flagship, first = EXAMPLES / "ukraine-2025.yaml", TRACK / "2025-02-19.yaml"
    assert without_as_of(flagship) == without_as_of(first), (
        "examples/ukraine-2025-26/2025-02-19.yaml must be the flagship itself: after revising "
        "examples/ukraine-2025.yaml, copy it there (cp examples/ukraine-2025.yaml "
        "examples/ukraine-2025-26/2025-02-19.yaml) and carry its new keys into the later "
        "snapshots with their reasons"
    )
    assert Scenario.from_tree(yaml_text.loads(flagship.read_text())).as_of == date(2025, 2, 19)


def test_example_track_runs_in_date_order_and_every_change_has_its_note() -> None:
    result = track(TRACK, model="median")
    days = [p.snapshot.as_of for p in result.points]
    assert days == sorted(days) and len(days) >= 5
    assert days[0] == date(2025, 2, 19) and days[-1] >= date(2026, 1, 1)
    assert result.observed_files == [str(TRACK / "observed.yaml")]
    assert result.warnings == []
    assert result.points[0].changes == []
    for point in result.points[1:]:
        assert point.changes, point.snapshot.file
        assert all(c.note for c in point.changes), point.snapshot.file
    kinds = {o.kind for o in result.observations}
    assert kinds == {"outcome", "proposal"}
    minerals = [o for o in result.observations if o.kind == "outcome" and o.issue == "economic"]
    assert [o.date for o in minerals] == [date(2025, 4, 30)]


def test_paths_in_any_order_come_out_by_date(tmp_path: Path) -> None:
    late = write(tmp_path, "a-late.yaml", tree(as_of="2025-06-01"))
    early = write(tmp_path, "z-early.yaml", tree(as_of="2025-01-01"))
    snapshots, observed = load_snapshots([late, early])
    assert [s.file for s in snapshots] == [str(early), str(late)]
    assert observed == []


def test_same_date_twice_is_refused_naming_both_files(tmp_path: Path) -> None:
    one = write(tmp_path, "one.yaml", tree(as_of="2025-03-01"))
    two = write(tmp_path, "two.yaml", tree(as_of="2025-03-01"))
    with pytest.raises(ScenarioError) as caught:
        load_snapshots([tmp_path])
    [problem] = caught.value.problems
    assert problem.file == str(two) and problem.where == "as_of"
    assert str(one) in problem.message and "2025-03-01" in problem.message
    assert "own date" in problem.fix


def test_snapshot_without_date_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "dated.yaml", tree(as_of="2025-03-01"))
    undated = write(tmp_path, "undated.yaml", tree())
    with pytest.raises(ScenarioError) as caught:
        load_snapshots([tmp_path])
    [problem] = caught.value.problems
    assert (problem.file, problem.where) == (str(undated), "as_of")
    assert "YYYY-MM-DD" in problem.fix


def test_a_large_yaml_snapshot_is_refused_unless_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # YAML snapshots pass the size guard every scenario file passes (limits.check_file).
    monkeypatch.setattr("detente.limits.MAX_FILE_MB", 0.0001)
    big = write(tmp_path, "big.yaml", tree(as_of="2025-03-01"))
    with pytest.raises(ScenarioError) as caught:
        load_snapshots([big])
    [problem] = caught.value.problems
    assert problem.file == str(big) and "over the limit of 0.0001 MB" in problem.message
    assert "--force" in problem.fix
    with pytest.warns(SizeWarning, match="a large scenario file"):
        [snapshot], _ = load_snapshots([big], force=True)
    assert snapshot.as_of == date(2025, 3, 1)


def test_a_date_with_a_time_or_no_date_at_all_is_refused(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", tree(as_of="next spring"))
    with pytest.raises(ScenarioError) as caught:
        load_snapshots([bad])
    assert any("as_of" in p.where and "YYYY-MM-DD" in str(p) for p in caught.value.problems)


def test_observations_file_in_the_folder_is_not_a_snapshot(tmp_path: Path) -> None:
    write(tmp_path, "s1.yaml", tree(as_of="2025-01-01"))
    write(tmp_path, "s2.yaml", tree(as_of="2025-02-01"))
    found = write(
        tmp_path,
        "seen.yaml",
        {
            "observations": [
                {
                    "date": "2025-03-01",
                    "issue": "land",
                    "value": 60,
                    "kind": "outcome",
                    "source": "a signed text",
                }
            ]
        },
    )
    result = track(tmp_path, model="median")
    assert len(result.points) == 2
    assert result.observed_files == [str(found)]
    assert [s.observed for s in result.scores] == [60.0, 60.0]


def test_an_empty_folder_and_a_missing_path_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_snapshots([tmp_path, tmp_path / "nowhere"])
    messages = [p.message for p in caught.value.problems]
    assert messages == ["a folder with no scenario files", "no such file or folder"]


# --- what changed --------------------------------------------------------------------


def test_diff_names_each_moved_input_with_the_most_specific_note() -> None:
    before = Scenario.from_tree(tree(as_of="2025-01-01"))
    changed = tree(
        as_of="2025-02-01",
        revisions={
            "A.positions.land": "A softened on land.",
            "A": "Anything else about A.",
            "money.status_quo": "A payment was made.",
        },
    )
    changed["issues"][1]["status_quo"] = 4
    changed["actors"][0]["positions"]["land"] = {"value": 20, "low": 10, "high": 30}
    changed["actors"][0]["capability"] = 70
    changed["actors"][1]["at_table"] = False
    changed["actors"].append(
        {
            "id": "C",
            "name": "Newcomer",
            "capability": 5,
            "positions": {"land": 50, "money": None},
            "salience": {"land": 0.2, "money": None},
        }
    )
    after = Scenario.from_tree(changed)
    found = {(c.actor, c.issue, c.field): c for c in diff(before, after)}
    assert set(found) == {
        (None, "money", "status_quo"),
        ("A", None, "capability"),
        ("A", "land", "positions"),
        ("B", None, "at_table"),
        ("C", None, "actor"),
    }
    assert found[(None, "money", "status_quo")] == InputChange(
        None, "money", "status_quo", 2, 4, "A payment was made."
    )
    assert found[("A", "land", "positions")].before == 0
    assert found[("A", "land", "positions")].after == {"value": 20, "low": 10, "high": 30}
    assert found[("A", "land", "positions")].note == "A softened on land."
    assert found[("A", None, "capability")].note == "Anything else about A."
    assert found[("B", None, "at_table")].to_dict() == {
        "actor": "B",
        "issue": None,
        "field": "at_table",
        "from": True,
        "to": False,
        "note": None,
    }
    assert found[("C", None, "actor")].after == "Newcomer"


def test_same_number_written_two_ways_is_no_change() -> None:
    before = Scenario.from_tree(tree())
    same = tree()
    same["actors"][0]["capability"] = {"value": 60}
    same["actors"][0]["notes"] = "words only"
    assert diff(before, Scenario.from_tree(same)) == []


def test_a_note_for_a_number_that_did_not_move_is_reported() -> None:
    before = Scenario.from_tree(tree())
    after_tree = tree(revisions={"B.capability": "B lost clout.", "A.salience.money": "x"})
    after_tree["actors"][0]["salience"]["money"] = 0.9
    after = Scenario.from_tree(after_tree)
    assert unused_revisions(after, diff(before, after)) == ["B.capability"]


# --- scores ------------------------------------------------------------------------


def point(day: str, central: dict[str, float], band: dict[str, list[float]]) -> TrackPoint:
    scenario = Scenario.from_tree(tree(as_of=day))
    summary = {"central": central, "interval": {"50": band, "90": band}}
    snap = Snapshot(date.fromisoformat(day), f"{day}.yaml", scenario)
    quo = {i.id: i.status_quo for i in scenario.issues}
    return TrackPoint(snap, forecast(scenario, model="median"), summary, [], quo)


def test_each_forecast_is_scored_only_against_what_came_after_it() -> None:
    """Hand-worked: two snapshots, three observations (one on the first snapshot's date)."""
    points = [
        point("2025-01-01", {"land": 70.0, "money": 5.0}, {"land": [60, 90], "money": [4, 6]}),
        point("2025-03-01", {"land": 55.0, "money": 3.0}, {"land": [50, 58], "money": [2, 4]}),
    ]
    seen = [
        Observation(date(2025, 1, 1), "land", 10.0, "outcome", "same day: not scored"),
        Observation(date(2025, 2, 1), "money", 7.0, "proposal", "a draft"),
        Observation(date(2025, 4, 1), "land", 59.0, "outcome", "a treaty"),
    ]
    got = [
        (s.as_of.isoformat(), s.issue, s.kind, s.error, s.inside_90) for s in score(points, seen)
    ]
    assert got == [
        ("2025-01-01", "money", "proposal", 2.0, False),  # |7 - 5|, outside [4, 6]
        ("2025-01-01", "land", "outcome", 11.0, False),  # |59 - 70|, outside [60, 90]
        ("2025-03-01", "land", "outcome", 4.0, False),  # |59 - 55|, outside [50, 58]
    ]


def test_accuracy_never_pools_outcomes_and_proposals(tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", tree(as_of="2025-01-01"))
    seen = write(
        tmp_path,
        "seen.yaml",
        {
            "observations": [
                {
                    "date": "2025-02-01",
                    "issue": "land",
                    "value": 100,
                    "kind": "proposal",
                    "source": "a draft",
                },
                {
                    "date": "2025-03-01",
                    "issue": "land",
                    "value": 0,
                    "kind": "outcome",
                    "source": "a treaty",
                },
            ]
        },
    )
    result = track(tmp_path / "s.yaml", observed=seen, model="median")
    central = result.points[0].summary["central"]["land"]
    day = date(2025, 1, 1)
    assert result.accuracy("proposal")[day]["mae"] == pytest.approx(100 - central)
    assert result.accuracy("outcome")[day]["mae"] == pytest.approx(central)
    assert result.kinds() == ["outcome", "proposal"]


def test_json_has_exactly_the_interface_keys() -> None:
    """The issue's interface, plus what the chart needs beyond it: each snapshot's
    status quo and the observations (its marks)."""
    result = track(TRACK, model="median")
    data = result.to_dict()
    assert set(data) == {"snapshots", "scores", "observations"}
    assert data["observations"] == [o.to_dict() for o in result.observations]
    written = yaml_text.loads((TRACK / "observed.yaml").read_text(encoding="utf-8"))
    assert len(data["observations"]) == len(written["observations"])
    for snap, point in zip(data["snapshots"], result.points, strict=True):
        assert set(snap) == {"as_of", "file", "summary", "changes", "status_quo"}
        assert snap["status_quo"] == {i.id: i.status_quo for i in point.snapshot.scenario.issues}
        assert {"central", "interval"} <= set(snap["summary"])
        for change in snap["changes"]:
            assert set(change) == {"actor", "issue", "field", "from", "to", "note"}
    for s in data["scores"]:
        assert set(s) == {
            "as_of",
            "issue",
            "observed_on",
            "kind",
            "observed",
            "forecast",
            "error",
            "inside_90",
        }
        assert s["kind"] in ("outcome", "proposal") and isinstance(s["inside_90"], bool)
        assert s["error"] == pytest.approx(abs(s["observed"] - s["forecast"]))
        assert s["observed_on"] > s["as_of"]
