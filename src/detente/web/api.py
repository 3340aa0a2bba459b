"""The JSON API under ``/api/``: everything the pages do, for scripts as well.

The library does the work: :mod:`detente.io` reads and writes scenarios,
:meth:`detente.scenario.Scenario.from_tree` validates them,
:func:`detente.forecast` runs the models (in a worker process, see
:mod:`detente.web.jobs`) and :class:`detente.store.RunStore` keeps every
finished run. Refusals are ``{"error": ..., "problems": [...]}`` with status
4xx (see :mod:`detente.web.app`).
"""

from __future__ import annotations

import io as bytes_io
import tempfile
import zipfile
from collections import OrderedDict
from datetime import UTC, datetime
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, File, HTTPException, Path, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

import detente
from detente import io
from detente.errors import ParameterError, ScenarioError
from detente.forecast import model_names
from detente.io import yaml as yaml_io
from detente.kinds import KINDS
from detente.scenario import Scenario
from detente.store import Run, RunNotFoundError, RunStore
from detente.web.jobs import Job, Jobs, problem_dicts
from detente.web.library import NAME_PATTERN, Library, strip_suffix
from detente.web.render import locate
from detente.web.schema import (
    ALWAYS,
    CHANGES,
    FILE_RESPONSE,
    FILE_TYPES,
    OPTIONAL_FILE,
    ScenarioTree,
    answer,
    refusals,
)
from detente.web.work import restore

# Operation ids are the functions' names (get_run, start_job...): links refer to them.
router = APIRouter(
    prefix="/api",
    responses=refusals(*ALWAYS),
    generate_unique_id_function=lambda route: route.name,
)
#: The flagship example, which `detente serve --scenarios examples` has (schema examples).
EXAMPLE = "ukraine-2025"
NamePath = Annotated[str, Path(description="a scenario's name", examples=[EXAMPLE])]

ScenarioName = Annotated[
    str,
    Field(
        pattern=NAME_PATTERN.pattern,
        description="a scenario's name in the library: its file's name without the extension",
    ),
]
ScenarioRef = Annotated[
    ScenarioName | ScenarioTree,
    Field(description="a scenario's name in the library, or a scenario"),
]
#: One model, several joined by commas, or ``all`` (unknown names: 400 naming the valid ones).
ModelChoice = Annotated[
    str,
    Field(
        pattern=r"^\s*[A-Za-z0-9_]+(\s*,\s*[A-Za-z0-9_]+)*\s*$",
        description="a model (GET /api/models), several joined by commas, or all",
    ),
]
#: The largest id a run store can hold (SQLite's and PostgreSQL's 64-bit integers).
MAX_RUN_ID = 2**63 - 1
#: The run kinds a briefing is made from (declared per kind in :data:`detente.kinds.KINDS`).
REPORT_KINDS = tuple(name for name, kind in KINDS.items() if kind.briefing)
#: Most Monte Carlo draws one run may ask for (the time limit bounds the rest).
MAX_DRAWS = 200_000
DEFAULT_DRAWS = {"simulate": 10_000, "sensitivity": 1_000}


class _Request(BaseModel):
    # Strict: a seed of false or a draws of "200" is refused, not taken for 0 or 200.
    model_config = ConfigDict(extra="forbid", strict=True)


class ForecastRequest(_Request):
    """``detente forecast SCENARIO --model M --preset P --param NAME=VALUE ...``."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"scenario": EXAMPLE, "model": "median"}]}
    )

    scenario: ScenarioRef
    model: ModelChoice = "all"
    preset: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class JobRequest(ForecastRequest):
    """A run started in the background (see ``GET /api/jobs/{id}``).

    ``simulate`` and ``sensitivity`` take ``draws`` (defaults as on the
    command line: 10,000 and 1,000) and ``seed`` (default 0); ``compare``
    takes ``variants`` and ``what_ifs``, as ``detente compare`` does.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"kind": "simulate", "scenario": EXAMPLE, "model": "compromise", "draws": 200}
            ]
        },
    )

    kind: Literal["forecast", "simulate", "sensitivity", "compare"] = "forecast"
    draws: Annotated[int | None, Field(ge=2, le=MAX_DRAWS)] = None
    seed: Annotated[int, Field(ge=0)] = 0
    variants: Annotated[
        list[str] | None,
        Field(description="compare: the scenario's variants to run (none given: all of them)"),
    ] = None
    what_ifs: Annotated[
        list[str],
        Field(description="compare: what-if texts, e.g. 'RU.capability*=0.7'", max_length=50),
    ] = Field(default_factory=list)


class TreeRequest(_Request):
    """A scenario tree as the editor holds it: valid or not yet."""

    scenario: dict[str, Any]


class ScenarioRequest(_Request):
    """A scenario to store or convert (refused with its problems unless it is valid)."""

    scenario: ScenarioTree


class ExportRequest(ScenarioRequest):
    format: Literal["yaml", "csv", "xlsx"] = "yaml"
    name: Annotated[str, Field(description="the file's name, without the extension")] = "scenario"


class Saved(BaseModel):
    name: str
    file: str


def _library(request: Request) -> Library:
    return request.app.state.library  # type: ignore[no-any-return]


def _jobs(request: Request) -> Jobs:
    return request.app.state.jobs  # type: ignore[no-any-return]


def _store(request: Request) -> RunStore:
    return request.app.state.store  # type: ignore[no-any-return]


def resolve(request: Request, ref: str | dict[str, Any]) -> tuple[Scenario, str]:
    """A scenario named in the library or given as a tree, validated; and what to call it."""
    if isinstance(ref, str):
        return _library(request).load(ref), ref
    return Scenario.from_tree(ref, file="scenario"), ""


def _payload(request: Request, body: ForecastRequest) -> dict[str, Any]:
    scenario, name = resolve(request, body.scenario)
    model_names(body.model)
    payload: dict[str, Any] = {
        "scenario": scenario.to_tree(),
        "file": name or "scenario",
        "name": name,
        "model": body.model,
        "preset": body.preset,
        "params": body.params,
    }
    if isinstance(body, JobRequest) and body.kind in DEFAULT_DRAWS:
        payload["draws"] = body.draws or DEFAULT_DRAWS[body.kind]
        payload["seed"] = body.seed
    if isinstance(body, JobRequest) and body.kind == "compare":
        payload["variants"] = body.variants
        payload["what_ifs"] = body.what_ifs
    return payload


#: Briefings kept in memory, by (run, language).
KEEP_REPORTS = 32
REPORT_DRAWS = 1000


def save_run(app: FastAPI, job: Job) -> None:
    """Keep a finished run in the store (its id goes into the job)."""
    if job.kind == "report":
        _keep_report(app, job)
        return
    payload = job.payload
    store: RunStore = app.state.store
    scenario = Scenario.from_tree(payload["scenario"], file=payload["file"])
    # The result object, read back from its JSON and what the worker kept beside it
    # (which leaves the job's result as the JSON answer).
    result = restore(job.kind, job.result or {}, scenario)
    job.run_id = store.save(
        job.kind,
        result,
        scenario,
        model=",".join(result.models) or payload["model"],
        preset=payload.get("preset"),
        params=payload.get("params"),
        seed=payload.get("seed"),
        options={k: payload[k] for k in ("draws", "variants", "what_ifs") if k in payload},
        source=payload.get("name") or None,
        started_at=datetime.fromtimestamp(job.started, UTC),
    )


def _keep_report(app: FastAPI, job: Job) -> None:
    """Keep the briefing for its page, and save the runs made for it, as the command does."""
    payload, result = job.payload, job.result or {}
    run = payload["run"]
    store: RunStore = app.state.store
    scenario = Scenario.from_tree(run["scenario"], file=f"run {run['id']}")
    made = [
        store.save(
            m["kind"],
            restore(m["kind"], m["result"], scenario),
            scenario,
            model=run["model"],
            preset=run["preset"],
            params=run["params"],
            seed=payload["seed"],
            options={"draws": payload["draws"], "report": f"run {run['id']}"},
            source=run["source"],
            started_at=datetime.fromtimestamp(job.started, UTC),
        )
        for m in result.get("made", [])
    ]
    reports: OrderedDict[tuple[int, str], str] = app.state.reports
    reports[(run["id"], payload["lang"])] = result["html"]
    while len(reports) > KEEP_REPORTS:
        reports.popitem(last=False)
    job.result = {"report": report_url(run["id"], payload["lang"]), "runs": made}


def report_url(run_id: int, lang: str) -> str:
    return f"/runs/{run_id}/report?lang={lang}"


def report_job(request: Request, run_id: int, lang: str) -> Job:
    """The run making run ``run_id``'s briefing in ``lang``: the one under way, or a new one."""
    jobs = _jobs(request)
    making: dict[tuple[int, str], str] = request.app.state.report_jobs
    under_way = jobs.get(making.get((run_id, lang), ""))
    if under_way is not None and under_way.state == "running":
        return under_way
    run = saved_run(request, run_id)
    if run.kind not in REPORT_KINDS:
        raise ParameterError(
            "a briefing is made from a forecast, comparison or simulation; "
            f"run {run_id} is a {run.kind} run"
        )
    payload = {
        "run": run.to_dict(),
        "detail": run.detail,
        "lang": lang,
        "draws": REPORT_DRAWS,
        "seed": 0,
        "scenario": run.scenario,
        "file": f"run {run_id}",
    }
    job = jobs.submit("report", payload)
    making[(run_id, lang)] = job.id
    return job


def saved_run(request: Request, run_id: int) -> Run:
    """Run ``run_id`` from the store, or 404 "no run N".

    Not the store's own message: that names the database file (or server)
    and a command to run, neither of which is a visitor's business. An id
    no store can hold (0, negative, past 64 bits) is as missing as any.
    """
    if not 0 < run_id <= MAX_RUN_ID:
        raise HTTPException(404, f"no run {run_id}")
    try:
        return _store(request).get(run_id)
    except RunNotFoundError as exc:
        raise HTTPException(404, exc.brief) from None


def _job_response(job: Job, status: int = 200) -> JSONResponse:
    return JSONResponse(jsonable_encoder(job.to_dict()), status_code=status)


def _refused(job: Job) -> JSONResponse:
    body: dict[str, Any] = {"error": job.error or job.state}
    if job.problems:
        body["problems"] = job.problems
    return JSONResponse(body, status_code=job.status)


# --- models ------------------------------------------------------------------


@router.get("/models")
def list_models() -> list[dict[str, Any]]:
    """Every model: its title, presets and parameters (with defaults)."""
    out = []
    for name, model in detente.MODELS.items():
        params = {
            key: {"default": jsonable_encoder(field.default), "description": field.description}
            for key, field in model.Params.model_fields.items()
        }
        out.append(
            {
                "name": name,
                "title": model.title,
                "presets": jsonable_encoder(model.presets),
                "default_preset": model.default_preset,
                "params": params,
            }
        )
    return out


# --- scenarios ---------------------------------------------------------------


@router.get("/scenarios")
def list_scenarios(request: Request) -> list[dict[str, Any]]:
    """The library: every scenario file in the folder, with its title or its problems."""
    return [e.to_dict() for e in _library(request).entries()]


@router.post("/scenarios", status_code=201, responses=refusals(*CHANGES))
async def upload_scenario(
    request: Request,
    file: Annotated[UploadFile, File(description="YAML, xlsx or CSV scenario")],
    issues: Annotated[
        UploadFile | None, File(description="a CSV scenario's issues table"), OPTIONAL_FILE
    ] = None,
    meta: Annotated[
        UploadFile | None, File(description="a CSV scenario's meta table"), OPTIONAL_FILE
    ] = None,
    variants: Annotated[
        UploadFile | None, File(description="a CSV scenario's variants table"), OPTIONAL_FILE
    ] = None,
) -> dict[str, str]:
    """Store an uploaded scenario (validated first) and return its name in the library."""
    given = {"issues": issues, "meta": meta, "variants": variants}
    tables = {part: await f.read() for part, f in given.items() if f is not None}
    name = _library(request).upload(file.filename or "scenario", await file.read(), tables)
    return {"name": name}


@router.get("/scenarios/{name}", responses=refusals(404, 422))
def get_scenario(request: Request, name: NamePath) -> dict[str, Any]:
    """The scenario as JSON: the tree its YAML file holds."""
    return _library(request).load(name).to_tree()


@router.put("/scenarios/{name}", responses=refusals(*CHANGES, 404, 409))
def save_scenario(
    request: Request,
    name: NamePath,
    body: ScenarioRequest,
    replace: Annotated[
        bool, Query(description="replace the scenario of that name if there is one")
    ] = False,
) -> Saved:
    """Validate a scenario and save it as ``NAME.yaml`` (``NAME`` may end in ``.yaml``).

    A scenario of that name exists already: 409, unless ``replace=true``; its
    YAML file is then written over, its comments kept.
    """
    stem = strip_suffix(name, (".yaml", ".yml"))
    scenario = Scenario.from_tree(body.scenario, file=f"{stem}.yaml")
    path = _library(request).save(stem, scenario, replace=replace)
    return Saved(name=path.stem, file=path.name)


@router.get(
    "/scenarios/{name}/download",
    response_class=Response,
    responses={**FILE_RESPONSE, **refusals(404, 422)},
)
def download_scenario(
    request: Request, name: NamePath, format: Literal["yaml", "csv", "xlsx"] = "yaml"
) -> Response:
    """The scenario as a YAML file, an xlsx workbook, or its three CSV tables zipped."""
    return export(_library(request).load(name), name, format)


@router.post("/export", response_class=Response, responses={**FILE_RESPONSE, **refusals(*CHANGES)})
def export_tree(body: ExportRequest) -> Response:
    """A scenario tree (the editor's, saved or not) as a file, like ``download``."""
    scenario = Scenario.from_tree(body.scenario, file="scenario")
    name = body.name if NAME_PATTERN.match(body.name) else "scenario"
    return export(scenario, name, body.format)


def export(scenario: Scenario, name: str, fmt: str) -> Response:
    """Write with :func:`detente.io.save` into a temporary folder and send the bytes."""
    media, suffix = FILE_TYPES[fmt]
    if fmt == "yaml":
        data = yaml_io.dumps(scenario).encode()
    else:
        with tempfile.TemporaryDirectory(prefix="detente-export-") as tmp:
            written = io.save(scenario, FilePath(tmp) / f"{name}.{fmt}")
            if fmt == "xlsx":
                data = written[0].read_bytes()
            else:
                buffer = bytes_io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                    for path in written:
                        archive.write(path, path.name)
                data = buffer.getvalue()
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}{suffix}"'},
    )


@router.post("/validate", responses=refusals(*CHANGES))
def validate(body: TreeRequest) -> dict[str, Any]:
    """Check a scenario tree with the CLI's validators; each problem says which cell it is."""
    try:
        scenario = Scenario.from_tree(body.scenario, file="scenario")
    except ScenarioError as exc:
        problems = problem_dicts(exc)
        for p in problems:
            p["key"] = locate(p["where"], body.scenario)
        return {"ok": False, "problems": problems}
    return {
        "ok": True,
        "problems": [],
        "summary": f"{_count(len(scenario.actors), 'actor')}, "
        f"{_count(len(scenario.issues), 'issue')}",
        "counts": {"actors": len(scenario.actors), "issues": len(scenario.issues)},
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# --- runs --------------------------------------------------------------------


@router.post(
    "/forecast",
    responses={
        200: answer(
            "the forecast, as detente forecast --json prints it",
            links={"GetRun": ("get_run", {"run_id": "$response.header.X-Detente-Run"})},
            headers={"X-Detente-Run": "the id of the run saved in the run store"},
        ),
        **refusals(*CHANGES, 400, 404, 409, 429, 504),
    },
)
def run_forecast(request: Request, body: ForecastRequest) -> Response:
    """Run models and answer with exactly ``detente forecast --json``'s output.

    The run is saved in the run store; its id is in the ``X-Detente-Run`` header.
    """
    job = _jobs(request).run("forecast", _payload(request, body))
    if job.state != "done" or job.result is None:
        return _refused(job)
    headers = {"X-Detente-Run": str(job.run_id)} if job.run_id is not None else {}
    return JSONResponse(job.result, headers=headers)


@router.post(
    "/jobs",
    status_code=202,
    responses={
        202: answer(
            "the run, started",
            links={
                "GetJob": ("get_job", {"job_id": "$response.body#/id"}),
                "CancelJob": ("cancel_job", {"job_id": "$response.body#/id"}),
            },
        ),
        **refusals(*CHANGES, 400, 404, 429),
    },
)
def start_job(request: Request, body: JobRequest) -> Response:
    """Start a run in the background; poll ``GET /api/jobs/{id}``, cancel with ``DELETE``."""
    job = _jobs(request).submit(body.kind, _payload(request, body))
    return _job_response(job, 202)


@router.get(
    "/jobs/{job_id}",
    responses={
        200: answer(
            "the run's state; once done, its result and the id it was saved under",
            links={"GetRun": ("get_run", {"run_id": "$response.body#/run_id"})},
        ),
        **refusals(404),
    },
)
def get_job(request: Request, job_id: str) -> Response:
    """A run's state (running, done, failed, cancelled, timed out), progress and result."""
    job = _jobs(request).get(job_id)
    if job is None:
        return JSONResponse({"error": f"no run {job_id!r} (finished runs: /api/runs)"}, 404)
    return _job_response(job)


@router.delete("/jobs/{job_id}", responses=refusals(403, 404))
def cancel_job(request: Request, job_id: str) -> Response:
    """Stop a run; answers once it has stopped."""
    jobs = _jobs(request)
    job = jobs.cancel(job_id)
    if job is None:
        return JSONResponse({"error": f"no run {job_id!r}"}, 404)
    jobs.wait(job, timeout=5)
    return _job_response(job)


@router.get(
    "/runs",
    responses={
        200: answer(
            "the runs, newest first",
            links={
                "GetRun": ("get_run", {"run_id": "$response.body#/0/id"}),
                "StartReport": ("start_report", {"run_id": "$response.body#/0/id"}),
            },
        ),
        **refusals(422),
    },
)
def list_runs(
    request: Request,
    scenario: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Saved runs, newest first (``scenario``: part of a title, or a hash prefix)."""
    return [
        {**jsonable_encoder(vars(r)), "seconds": r.seconds}
        for r in _store(request).runs(scenario=scenario, limit=limit)
    ]


@router.post("/runs/{run_id}/report", status_code=202, responses=refusals(*CHANGES, 400, 404, 429))
def start_report(request: Request, run_id: int, lang: Literal["en", "zh"] = "en") -> Response:
    """Make the briefing of a saved run (``detente report RUN_ID``) in the background.

    Once the run is done the briefing is at ``/runs/{run_id}/report?lang=...``.
    """
    return _job_response(report_job(request, run_id, lang), 202)


@router.get("/runs/{run_id}", responses=refusals(404))
def get_run(request: Request, run_id: int) -> dict[str, Any]:
    """Everything stored about a run (as ``detente runs show ID --json``)."""
    return saved_run(request, run_id).to_dict()
