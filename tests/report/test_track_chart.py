"""The track chart: one panel per issue, bands, the status quo's path, marks by kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")

from matplotlib.lines import Line2D

from detente.errors import ParameterError
from detente.report.track_chart import OUTCOME, PROPOSAL, track_chart
from detente.track import track
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return track(EXAMPLES / "ukraine-2025-26", model="compromise").chart_data()


def marks(ax: Any, color: str) -> list[tuple[Any, float]]:
    """The (date, value) of each observation mark of one kind."""
    return [
        (line.get_xdata()[0], float(line.get_ydata()[0]))
        for line in ax.get_lines()
        if isinstance(line, Line2D)
        and line.get_linestyle() == "None"
        and line.get_markeredgecolor() == color
    ]


def test_one_panel_per_issue_with_each_observation_marked_by_kind(data: dict[str, Any]) -> None:
    chart = track_chart(data)
    panels = [ax for ax in chart.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == [i["name"] for i in data["issues"]]
    economic = panels[[i["id"] for i in data["issues"]].index("economic")]
    outcomes = [v for _, v in marks(economic, OUTCOME)]
    proposals = [v for _, v in marks(economic, PROPOSAL)]
    seen = [o for o in data["observations"] if o["issue"] == "economic"]
    assert sorted(outcomes) == sorted(o["value"] for o in seen if o["kind"] == "outcome")
    assert sorted(proposals) == sorted(o["value"] for o in seen if o["kind"] == "proposal")
    legend = [t.get_text() for t in chart.legends[0].get_texts()]
    assert "outcome (signed or decided)" in legend
    assert "proposal (a tabled text, not an outcome)" in legend


def test_the_central_forecast_steps_through_each_snapshot(data: dict[str, Any]) -> None:
    chart = track_chart(data, issue="territory")
    [ax] = [a for a in chart.axes if a.get_visible()]
    dots = next(
        line
        for line in ax.get_lines()
        if line.get_marker() == "o"
        and line.get_linestyle() == "None"
        and line.get_markeredgecolor() != PROPOSAL
    )
    expected = [s["central"]["territory"] for s in data["snapshots"]]
    assert list(dots.get_ydata()) == pytest.approx(expected)


def test_writes_png_and_svg_and_refuses_an_unknown_issue(
    data: dict[str, Any], tmp_path: Path
) -> None:
    assert track_chart(data).write(tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"
    assert track_chart(data, lang="zh").write(tmp_path / "t.svg").read_text().startswith("<?xml")
    with pytest.raises(ParameterError, match="no issue 'borders'"):
        track_chart(data, issue="borders")
