"""The track chart: per issue, how the headline forecast moved between dated snapshots.

One panel per issue, dates along the bottom: the central forecast as a line
through each snapshot's date, its 50% and 90% forecast intervals as bands,
the status quo's own path (it moves too: a front line, a sanctions package),
and the later observations as marks, filled for outcomes (signed or decided)
and hollow for proposals (tabled texts), which are not outcomes. Drawn from
:meth:`detente.track.Track.chart_data`, plain data that a saved run keeps,
so the chart can be drawn again without forecasting anything.

>>> from detente.track import track
>>> data = track("examples/ukraine-2025-26", model="compromise").chart_data()
>>> track_chart(data).to_svg().startswith("<?xml")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from detente.errors import ParameterError
from detente.report.figure import Chart, grid, grid_columns
from detente.report.fonts import has_cjk
from detente.report.layout import chart_legend, chart_title, panel_title
from detente.report.messages import text

CENTRAL = "#1f77b4"
OUTCOME = "#111111"
PROPOSAL = "#d95f02"
STATUS_QUO = "#7f7f7f"


def _day(value: str) -> date:
    return date.fromisoformat(value)


def track_chart(data: Mapping[str, Any], issue: str | None = None, lang: str = "en") -> Chart:
    """The headline forecast over time, per issue (see the module docstring)."""
    issues = list(data["issues"])
    if issue is not None:
        issues = [i for i in issues if i["id"] == issue]
        if not issues:
            valid = ", ".join(i["id"] for i in data["issues"])
            raise ParameterError(f"no issue {issue!r} in the track; valid issues: {valid}")
    words = " ".join([data.get("title", ""), *(i.get("name") or i["id"] for i in issues)])
    rows = (len(issues) + 1) // 2
    chart = Chart(
        lang=lang,
        cjk=lang == "zh" or has_cjk(words),
        figsize=(10, 2.7 * rows + 1.2),
        layout="constrained",
    )
    snapshots = data["snapshots"]
    days = [_day(s["as_of"]) for s in snapshots]
    with chart.drawing():
        axes = grid(chart, len(issues))
        for ax, iss in zip(axes, issues, strict=True):
            _panel(ax, iss, snapshots, days, data.get("observations", []))
            panel_title(chart, ax, iss.get("name") or iss["id"], grid_columns(len(issues)))
        chart_legend(chart, *_keys(lang), fontsize=8)
        chart_title(chart, text("chart.track.title", lang, first=days[0], last=days[-1]))
    return chart


def _panel(
    ax: Any,
    iss: Mapping[str, Any],
    snapshots: list[Mapping[str, Any]],
    days: list[date],
    observations: list[Mapping[str, Any]],
) -> None:
    """One issue: each snapshot's forecast holds until the next one (steps), the last
    until the last observation or a month past its date."""
    iid = iss["id"]
    nan = float("nan")
    seen = [_day(o["date"]) for o in observations if o["issue"] == iid]
    end = max([days[-1] + timedelta(days=30), *(d + timedelta(days=7) for d in seen)])
    xs = [*days, end]

    def series(get: Any) -> list[float]:
        out = []
        for s in snapshots:
            value = get(s)
            out.append(nan if value is None else float(value))
        return [*out, out[-1]]

    for level, alpha in (("90", 0.15), ("50", 0.3)):
        lo = series(lambda s, lv=level: (s["interval"][lv].get(iid) or [None, None])[0])
        hi = series(lambda s, lv=level: (s["interval"][lv].get(iid) or [None, None])[1])
        ax.fill_between(xs, lo, hi, color=CENTRAL, alpha=alpha, lw=0, step="post")
    central = series(lambda s: s["central"].get(iid))
    ax.plot(xs, central, "-", color=CENTRAL, lw=1.8, zorder=4, drawstyle="steps-post")
    ax.plot(days, central[:-1], "o", color=CENTRAL, ms=4, zorder=4)
    quo = series(lambda s: s["status_quo"].get(iid))
    ax.plot(xs, quo, "--", color=STATUS_QUO, lw=1.0, zorder=3, drawstyle="steps-post")
    for o in observations:
        if o["issue"] != iid:
            continue
        outcome = o["kind"] == "outcome"
        ax.plot(
            [_day(o["date"])],
            [o["value"]],
            marker="D" if outcome else "o",
            ms=7,
            ls="none",
            zorder=6,
            markerfacecolor=OUTCOME if outcome else "white",
            markeredgecolor=OUTCOME if outcome else PROPOSAL,
            markeredgewidth=1.5,
        )
    low, high = sorted(iss["scale"])
    pad = 0.04 * (high - low)
    ax.set_ylim(low - pad, high + pad)
    locator = AutoDateLocator(maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(axis="y", lw=0.3, alpha=0.5)


def _keys(lang: str) -> tuple[list[Any], list[str]]:
    handles = [
        Line2D([], [], color=CENTRAL, marker="o", ms=4, lw=1.8),
        Patch(color=CENTRAL, alpha=0.45),
        Patch(color=CENTRAL, alpha=0.15),
        Line2D([], [], color=STATUS_QUO, ls="--", lw=1.0),
        Line2D([], [], color=OUTCOME, marker="D", ls="none", ms=7),
        Line2D(
            [],
            [],
            marker="o",
            ls="none",
            ms=7,
            markerfacecolor="white",
            markeredgecolor=PROPOSAL,
            markeredgewidth=1.5,
        ),
    ]
    labels = [
        text(key, lang)
        for key in (
            "chart.track.central",
            "chart.track.band50",
            "chart.track.band90",
            "chart.status_quo",
            "chart.track.outcome",
            "chart.track.proposal",
        )
    ]
    return handles, labels
