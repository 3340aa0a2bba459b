"""The track pages: a folder of dated scenarios in the library, its chart, its changes.

A *track* is a subfolder of the library's folder holding dated versions of
one scenario (``as_of``) and, optionally, an observations file
(:mod:`detente.track`). ``/tracks/NAME`` forecasts every snapshot, draws the
track chart, lists what changed between snapshots with the analyst's notes
and the scores by kind; each snapshot opens in the editor as a new scenario
(saving it adds it to the library, never overwrites the track).

A track's name is a folder name from the library's alphabet
(:data:`detente.web.library.NAME_PATTERN`), resolved and checked to lie
directly in the library's folder, like a scenario's; a snapshot is named by
its file's stem, found among that folder's files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from detente.errors import Problem, ScenarioError
from detente.results.track import Track
from detente.track import SNAPSHOT_SUFFIXES, _files_in, track
from detente.web.i18n import request_lang
from detente.web.library import NAME_PATTERN, Library, NotFoundError, _relative
from detente.web.render import templates

router = APIRouter(include_in_schema=False)


def track_names(library: Library) -> list[str]:
    """The library's subfolders that hold scenario files, by name."""
    found = []
    for path in library.folder.iterdir():
        if (
            path.is_dir()
            and NAME_PATTERN.match(path.name)
            and path.resolve().parent == library.folder
            and _files_in(path)
        ):
            found.append(path.name)
    return sorted(found)


def track_folder(library: Library, name: str) -> Path:
    """The folder of track ``name``; :class:`NotFoundError` if there is none."""
    if not NAME_PATTERN.match(name) or ".." in name:
        raise NotFoundError(name)
    folder = library.folder / name
    if not folder.is_dir() or folder.resolve().parent != library.folder:
        raise NotFoundError(name)
    return folder


def snapshot_path(library: Library, name: str, snapshot: str) -> Path:
    """The file of one snapshot of track ``name``, named by its stem."""
    folder = track_folder(library, name)
    for path in _files_in(folder):
        if path.stem == snapshot and path.suffix.lower() in SNAPSHOT_SUFFIXES:
            return path
    raise NotFoundError(f"{name}/{snapshot}")


def _hide_folder(problems: list[Problem], folder: Path) -> list[Problem]:
    """Problems naming files relative to the library, in their place and their text alike
    (a track's problem may name a second file: no server path is shown)."""
    prefix = str(folder) + "/"
    return [
        Problem(p.file.replace(prefix, ""), p.where, p.message.replace(prefix, ""), p.fix)
        for p in problems
    ]


def run_track(library: Library, name: str) -> Track:
    """Track ``name`` forecast and scored (problems name files relative to the library)."""
    folder = track_folder(library, name)
    try:
        return track(folder)
    except ScenarioError as exc:
        raise ScenarioError(_hide_folder(exc.problems, library.folder)) from None


def track_view(result: Track, lang: str = "en") -> dict[str, Any]:
    """What the track page shows of a track, fresh or saved, in ``lang`` (the chart apart:
    :func:`track_svg`); the words are the track briefing's."""
    from detente.report.messages import text
    from detente.report.track_html import change_rows

    rows = []
    for point in result.points:
        cells = []
        for iid in result.issue_ids:
            central = point.summary["central"].get(iid)
            band = point.summary["interval"]["90"].get(iid)
            cells.append(
                {"central": central, "band": band, "status_quo": point.status_quo.get(iid)}
            )
        rows.append(
            {
                "as_of": point.snapshot.as_of.isoformat(),
                "stem": Path(point.snapshot.file).stem,
                "file": Path(point.snapshot.file).name,
                "title": point.snapshot.scenario.title,
                "cells": cells,
                "changes": change_rows(point, lang),
            }
        )
    return {
        "issues": result.issue_ids,
        "rows": rows,
        "scores": {
            text(f"report.track.kind.{k}", lang): result.accuracy(k) for k in result.kinds()
        },
        "both_kinds": len(result.kinds()) > 1,
        "not_an_outcome": text("report.track.not_outcome", lang),
        "method": result.points[-1].summary.get("method"),
        "calibration": result.points[-1].summary.get("calibration"),
        "warnings": result.warnings,
        "observed": [Path(f).name for f in result.observed_files],
    }


def track_svg(result: Track, lang: str = "en") -> str | None:
    """The track chart as inline SVG, labelled in ``lang`` (None without matplotlib)."""
    try:
        from detente.report.track_chart import track_chart
    except ImportError:
        return None
    svg = track_chart(result.chart_data(), lang=lang).to_svg()
    return svg[svg.index("<svg") :]


@router.get("/tracks/{name}")
def track_page(request: Request, name: str) -> HTMLResponse:
    """The track forecast and scored now, and saved in the run store like every run."""
    library: Library = request.app.state.library
    result = run_track(library, name)
    lang = request_lang(request)
    last = result.points[-1].snapshot
    run_id = request.app.state.store.save(
        "track",
        result,
        last.scenario,
        source=f"{name}/{Path(last.file).name}",
        model=result.model,
        options={"snapshots": [Path(p.snapshot.file).name for p in result.points]},
    )
    return templates.TemplateResponse(
        request,
        "track.html",
        {
            "page": "library",
            "name": name,
            "in_library": True,
            "run_id": run_id,
            "chart": track_svg(result, lang),
            **track_view(result, lang),
        },
    )


@router.get("/tracks/{name}/{snapshot}")
def snapshot_editor(request: Request, name: str, snapshot: str) -> HTMLResponse:
    """One snapshot in the editor, as a new scenario (saving adds it to the library)."""
    from detente import io
    from detente.web.pages import _editor

    library: Library = request.app.state.library
    path = snapshot_path(library, name, snapshot)
    try:
        tree = io.load(path).to_tree()
    except ScenarioError as exc:
        raise ScenarioError(_relative(exc.problems, library.folder)) from None
    return _editor(request, tree, None, f"{name}/{path.name}", "new")
