"""The track briefing: how a scenario's forecast moved between dated snapshots, and how it fared.

:func:`render` turns a :class:`detente.track.Track` into one self-contained
HTML file (``detente report TRACK_FOLDER -o briefing.html``), in English or
Chinese: the headline forecast and its 90% forecast interval per snapshot
and issue, the track chart (:mod:`.track_chart`, inline SVG), what changed
in the inputs between snapshots with the analyst's note for each change,
the scores against later observations, outcomes and proposals apart, the
observations themselves and each snapshot's provenance. Words come from
:mod:`.messages`; what the analyst wrote is shown as written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from detente.report.html import TEMPLATES, _date, _inline_svg
from detente.report.messages import number, text
from detente.results.track import InputChange, Track, TrackPoint
from detente.track import input_text


def _field(change: InputChange, lang: str, names: dict[str, str]) -> str:
    key = f"report.track.field.{change.field}"
    issue = names.get(change.issue or "", change.issue or "")
    try:
        return text(key, lang, issue=issue)
    except KeyError:
        return change.field if change.issue is None else f"{change.field} · {issue}"


def _value(value: Any, lang: str) -> str:
    def write(x: float) -> str:
        return number(x, lang, 0 if x.is_integer() else 1)

    return input_text(value, write, "✓", "✗")


def change_rows(point: TrackPoint, lang: str) -> list[dict[str, Any]]:
    """What moved since the snapshot before ``point``, a row per change in ``lang``: who
    (an actor's or issue's name), what (the field, on which issue), the values before and
    after, and the analyst's note (None if none); the briefing's and the web page's."""
    scenario = point.snapshot.scenario
    names = {a.id: a.display_name for a in scenario.actors}
    names |= {i.id: i.display_name for i in scenario.issues}
    return [
        {
            "who": names.get(c.actor, c.actor) if c.actor else names.get(c.issue or ""),
            "what": _field(c, lang, names),
            "before": _value(c.before, lang),
            "after": _value(c.after, lang),
            "note": c.note,
        }
        for c in point.changes
    ]


def render(result: Track, lang: str = "en", now: datetime | None = None) -> str:
    """The track briefing as one HTML document (see the module docstring)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    from detente import __version__
    from detente.report.track_chart import track_chart

    text("report.track.title", lang, title="")  # refuses an unknown language first
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )

    def t(key: str, **values: Any) -> str:
        return text(key, lang, **values)

    def fmt(x: float | None, digits: int = 0) -> str:
        return number(x, lang, digits)

    last = result.points[-1]
    chart = Markup(_inline_svg(track_chart(result.chart_data(), lang=lang).to_svg(), "track-"))
    rows = _forecast_rows(result, lang)
    changes = _changes(result, lang)
    scores = _scores(result, lang)
    template = env.get_template("track.html.j2")
    return template.render(
        lang=lang,
        t=t,
        title=t("report.track.title", title=last.snapshot.scenario.title),
        generated=t(
            "report.generated", version=__version__, date=_date(now or datetime.now(UTC), lang)
        ),
        span=t(
            "report.track.span",
            count=len(result.points),
            first=result.points[0].snapshot.as_of.isoformat(),
            last=last.snapshot.as_of.isoformat(),
        ),
        method=last.summary.get("method"),
        calibration=last.summary.get("calibration"),
        issues=[
            next(i for p in result.points for i in p.snapshot.scenario.issues if i.id == iid)
            for iid in result.issue_ids
        ],
        rows=rows,
        chart=chart,
        changes=changes,
        scores=scores,
        both_kinds=len({o.kind for o in result.observations}) > 1,
        observations=[
            {
                "date": o.date.isoformat(),
                "issue": o.issue,
                "value": fmt(o.value, 0 if float(o.value).is_integer() else 1),
                "kind": t(f"report.track.kind.{o.kind}"),
                "source": o.source,
                "note": o.extra.get("note"),
                "url": o.extra.get("url"),
            }
            for o in result.observations
        ],
        sources=[
            {
                "as_of": p.snapshot.as_of.isoformat(),
                "title": p.snapshot.scenario.title,
                "source": p.snapshot.scenario.source,
            }
            for p in result.points
        ],
    )


def _forecast_rows(result: Track, lang: str) -> list[dict[str, Any]]:
    """One table row per snapshot: central forecast, 90% band and status quo per issue.

    Kept apart from the page assembly so the table's formatting reads on its own.
    """

    def fmt(x: float | None, digits: int = 0) -> str:
        return number(x, lang, digits)

    rows = []
    for point in result.points:
        cells = []
        for iid in result.issue_ids:
            central = point.summary["central"].get(iid)
            issue = next((i for i in point.snapshot.scenario.issues if i.id == iid), None)
            band = point.summary["interval"]["90"].get(iid) or [None, None]
            cells.append(
                {
                    "central": fmt(central),
                    "band": f"[{fmt(band[0])}–{fmt(band[1])}]" if central is not None else "",
                    "status_quo": fmt(None if issue is None else issue.status_quo, 1),
                }
            )
        rows.append({"as_of": point.snapshot.as_of.isoformat(), "cells": cells})
    return rows


def _changes(result: Track, lang: str) -> list[dict[str, Any]]:
    """What moved between consecutive snapshots, one section per later snapshot.

    The page explains each shift of the forecast by the edits that caused it.
    """

    def t(key: str, **values: Any) -> str:
        return text(key, lang, **values)

    changes = []
    for before, point in zip(result.points, result.points[1:], strict=False):
        changes.append(
            {
                "heading": t(
                    "report.track.since",
                    day=point.snapshot.as_of.isoformat(),
                    file=Path(point.snapshot.file).name,
                    before=before.snapshot.as_of.isoformat(),
                ),
                "rows": [
                    {
                        "who": row["who"],
                        "what": row["what"],
                        "from_to": f"{row['before']} → {row['after']}",
                        "note": row["note"] or "—",
                    }
                    for row in change_rows(point, lang)
                ],
            }
        )
    return changes


def _scores(result: Track, lang: str) -> list[dict[str, Any]]:
    """How each snapshot's forecast scored against each kind of observation.

    One table per kind (e.g. outcome, poll), so readers see accuracy over time.
    """

    def t(key: str, **values: Any) -> str:
        return text(key, lang, **values)

    def fmt(x: float | None, digits: int = 0) -> str:
        return number(x, lang, digits)

    scores = [
        {
            "title": t("report.track.against", kind=t(f"report.track.kind.{kind}")),
            "rows": [
                {
                    "as_of": day.isoformat(),
                    "n": fmt(acc["n"]),
                    "mae": fmt(acc["mae"], 1),
                    "inside": t(
                        "report.track.of", k=fmt(acc["inside_90"] * acc["n"]), n=fmt(acc["n"])
                    ),
                }
                for day, acc in result.accuracy(kind).items()
            ],
        }
        for kind in result.kinds()
    ]
    return scores
