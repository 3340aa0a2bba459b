"""The pages: the scenario library, the editor, run results and the run history.

Pages are drawn on the server (Jinja2); the small scripts in ``static/``
call the JSON API (:mod:`detente.web.api`) and ask for the fragments below
to redraw part of a page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import make_url

from detente.kinds import get_kind
from detente.results import Result
from detente.scenario import Scenario
from detente.store import RunStore
from detente.web import charts
from detente.web.api import REPORT_KINDS, TreeRequest, list_models, report_job, saved_run
from detente.web.i18n import request_lang
from detente.web.jobs import Jobs
from detente.web.library import Library
from detente.web.render import editor_view, headline_view, result_view, templates
from detente.web.tracks import track_names

router = APIRouter(include_in_schema=False)

#: What "New scenario" starts from: the smallest scenario that validates.
BLANK: dict[str, Any] = {
    "title": "New scenario",
    "issues": [{"id": "issue1", "name": "Issue 1", "scale": [0, 100], "status_quo": 50}],
    "actors": [
        {
            "id": "A",
            "capability": 50,
            "at_table": True,
            "positions": {"issue1": 20},
            "salience": {"issue1": 0.5},
        },
        {
            "id": "B",
            "capability": 50,
            "at_table": True,
            "positions": {"issue1": 80},
            "salience": {"issue1": 0.5},
        },
    ],
}


def _page(request: Request, template: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context)


def _library(request: Request) -> Library:
    return request.app.state.library  # type: ignore[no-any-return]


def _store(request: Request) -> RunStore:
    return request.app.state.store  # type: ignore[no-any-return]


def _size(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 100_000 else f"{n / 1000:g} kB"


@router.get("/")
def library(request: Request) -> HTMLResponse:
    lib = _library(request)
    return _page(
        request,
        "library.html",
        page="library",
        entries=lib.entries(),
        tracks=track_names(lib),
        folder=lib.folder.name or str(lib.folder),
        max_upload=_size(request.app.state.settings.max_upload),
    )


def _editor(
    request: Request, tree: dict[str, Any], name: str | None, file: str | None, page: str
) -> HTMLResponse:
    return _page(
        request,
        "editor.html",
        page=page,
        name=name,
        file=file,
        tree=tree,
        view=editor_view(tree),
        models=list_models(),
    )


@router.get("/scenarios/{name}")
def editor(request: Request, name: str) -> HTMLResponse:
    lib = _library(request)
    tree = lib.load(name).to_tree()
    return _editor(request, tree, name, lib.path(name).name, "editor")


@router.get("/new")
def new(request: Request, run: int | None = None) -> HTMLResponse:
    """A new scenario: a blank one, or the scenario a saved run was made on."""
    tree = BLANK
    if run is not None:
        tree = saved_run(request, run).scenario
    return _editor(request, tree, None, None, "new")


@router.post("/fragments/grid")
def grid(request: Request, body: TreeRequest) -> HTMLResponse:
    """The editor's grid for a tree (after an actor or issue was added or removed)."""
    return _page(request, "_grid.html", view=editor_view(body.scenario))


def _result_context(result: Result, **extra: Any) -> dict[str, Any]:
    data = result.to_dict()
    return {
        "kind": result.kind,
        "scenario_title": result.scenario.title,
        "models": result_view(result),
        "headline": headline_view(result),
        "skipped": data.get("skipped", {}),
        "notes": data.get("notes", []),
        "draws": data.get("draws"),
        "seed": data.get("seed"),
        "charts": charts.specs(result),
        **extra,
    }


@router.get("/fragments/jobs/{job_id}")
def job_result(request: Request, job_id: str) -> Response:
    """A finished run's results, to put into the editor's page."""
    jobs: Jobs = request.app.state.jobs
    job = jobs.get(job_id)
    if job is None or job.result is None:
        raise HTTPException(404, f"no finished run {job_id!r}")
    scenario = Scenario.from_tree(job.payload["scenario"], file=job.payload["file"])
    context = _result_context(
        get_kind(job.kind).from_dict(job.result, scenario),
        run_id=job.run_id,
        warnings=job.warnings,
        seconds=(job.finished or job.started) - job.started,
    )
    return _page(request, "_result.html", **context)


@router.get("/runs")
def runs(request: Request, scenario: str | None = None) -> HTMLResponse:
    store = _store(request)
    return _page(
        request,
        "runs.html",
        page="runs",
        runs=store.runs(scenario=scenario, limit=500),
        scenario=scenario,
        store_url=make_url(store.url).render_as_string(hide_password=True),
        report_kinds=REPORT_KINDS,
    )


@router.get("/runs/{run_id}")
def run(request: Request, run_id: int) -> HTMLResponse:
    saved = saved_run(request, run_id)
    if saved.kind == "track":
        from detente.web.tracks import track_svg, track_view

        # The track's folder, by name; its snapshots open in the editor only if the
        # library holds it (a run saved by `detente track` may come from anywhere).
        name = Path(saved.source or "").parent.name
        result: Any = _store(request).result(run_id)
        lang = request_lang(request)
        return _page(
            request,
            "track.html",
            page="runs",
            name=name,
            in_library=name in track_names(_library(request)),
            run_id=saved.id,
            chart=track_svg(result, lang),
            **track_view(result, lang),
        )
    context = _result_context(
        _store(request).result(run_id),
        run_id=saved.id,
        warnings=[],
        seconds=saved.seconds,
    )
    reports = saved.kind in REPORT_KINDS
    return _page(request, "run.html", page="runs", run=saved, reports=reports, **context)


@router.get("/runs/{run_id}/charts/{kind}.svg")
def chart(
    request: Request,
    run_id: int,
    kind: str,
    model: str | None = None,
    issue: str | None = None,
    lang: str = "en",
) -> Response:
    """One of the report's charts of a saved run, as SVG."""
    saved = saved_run(request, run_id)
    charts.check(kind, saved.kind, run_id)
    svg = charts.svg(run_id, kind, _store(request).result(run_id), model, issue, lang)
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=86400"}
    )


@router.get("/runs/{run_id}/report")
def report(request: Request, run_id: int, lang: Literal["en", "zh"] = "en") -> Response:
    """The run's briefing (one self-contained HTML file), made first if need be."""
    ready = request.app.state.reports.get((run_id, lang))
    if ready is not None:
        return HTMLResponse(ready)
    job = report_job(request, run_id, lang)
    return _page(request, "report_wait.html", page="runs", run_id=run_id, report_lang=lang, job=job)
