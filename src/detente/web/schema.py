"""What ``/openapi.json`` promises: request bodies typed as they are read, every refusal listed.

Each operation lists the statuses it may answer besides success
(:func:`refusals`), all with the one refusal body of :mod:`detente.web.app`
(:class:`Refusal`); a scenario in a request is typed with the scenario
file's own schema (:data:`ScenarioTree`) while the scenario's checks, which
no JSON schema can state (an actor's position on an issue that does not
exist, a status quo off its scale), still answer 422 with their problems.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, Field, SkipValidation, WithJsonSchema

from detente.scenario import Scenario

if TYPE_CHECKING:
    #: A scenario tree as sent: a plain mapping, validated by Scenario.from_tree.
    ScenarioTree = dict[str, Any]
else:
    # Documented with the scenario's schema, received as sent: the scenario's own checks
    # refuse it with problems that point at cells, as `detente validate` does.
    ScenarioTree = Annotated[
        SkipValidation[Scenario],
        Field(description="a scenario, as its YAML file holds it (see examples/)"),
    ]


#: An optional file of a multipart upload: absent, or a file (never the text "null").
OPTIONAL_FILE = WithJsonSchema({"type": "string", "format": "binary"})


class ProblemOut(BaseModel):
    """One problem: where it is and how to fix it (``text`` says it all in one line)."""

    file: str
    where: str
    message: str
    fix: str
    text: str
    key: str | None = Field(None, description="/api/validate: the editor's cell it is about")


class Refusal(BaseModel):
    """Every refusal: what was refused, and for a scenario or a request each problem."""

    error: str
    problems: list[ProblemOut] = Field(default_factory=list)


#: Why each status may be answered (the same for every operation that answers it).
REASONS: dict[int, str] = {
    400: "refused: a model, preset or parameter that does not exist, or a run that cannot "
    "do what was asked (e.g. a briefing of a sensitivity run)",
    401: "the server has a token (detente serve --token) and the request did not send it",
    403: "a request from another site that would change something",
    404: "no such scenario, run or job",
    409: "a scenario of that name exists already (send replace=true to replace it), "
    "or the run was cancelled",
    413: "the body is larger than the server's limit (detente serve --max-upload)",
    421: "the request names a host this server does not answer for",
    422: "the request, or the scenario it holds, was refused: `problems` says where and how "
    "to fix each",
    429: "every run slot is taken (detente serve --max-runs): ask again after Retry-After seconds",
    504: "the run was stopped at the server's time limit (detente serve --max-seconds)",
}

#: What every operation may answer: the guard's refusals (see detente.web.app).
ALWAYS = (401, 421)
#: What every operation that sends a body or changes something may answer.
CHANGES = (403, 413, 422)


def refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of an operation answering ``codes`` (each with :class:`Refusal`)."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in sorted(set(codes)):
        entry: dict[str, Any] = {"model": Refusal, "description": REASONS[code]}
        if code == 429:
            entry["headers"] = {
                "Retry-After": {
                    "description": "seconds to wait before asking again",
                    "schema": {"type": "integer"},
                }
            }
        out[code] = entry
    return out


def answer(
    description: str,
    links: dict[str, tuple[str, dict[str, str]]] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A success's documentation: ``links`` name the operations its answer leads to
    (``{"GetRun": ("get_run", {"run_id": "$response.body#/run_id"})}``), ``headers`` the
    headers it carries."""
    out: dict[str, Any] = {"description": description}
    if links:
        out["links"] = {
            name: {"operationId": operation, "parameters": parameters}
            for name, (operation, parameters) in links.items()
        }
    if headers:
        out["headers"] = {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in headers.items()
        }
    return out


#: A scenario as a file: ``download`` and ``export`` (media type by ``format``).
FILE_TYPES = {
    "yaml": ("application/yaml", ".yaml"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "csv": ("application/zip", ".csv.zip"),
}
BINARY = {"type": "string", "format": "binary"}
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the file (format=yaml: YAML text; xlsx: a workbook; csv: its tables "
        "zipped), as an attachment",
        "content": {
            media: {
                "schema": {"$ref": "#/components/schemas/Scenario"} if fmt == "yaml" else BINARY
            }
            for fmt, (media, _) in FILE_TYPES.items()
        },
        "headers": {
            "Content-Disposition": {
                "description": 'attachment; filename="NAME.yaml" (or .xlsx, .csv.zip)',
                "schema": {"type": "string"},
            }
        },
    }
}


def finish_openapi(document: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's OpenAPI ``document`` made to say what the workbench answers.

    It gains the scenario's schema among its components (what a YAML download
    holds refers to it; the models it is made of, Actor, Estimate..., are the
    request bodies' own); and FastAPI's own 422 body, which the workbench never
    sends (see detente.web.app), goes: an operation whose only parameters are
    in its path answers 404 for a malformed one, any other a :class:`Refusal`.
    """
    scenario = Scenario.model_json_schema(ref_template="#/components/schemas/{model}")
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in {**scenario.pop("$defs", {}), "Scenario": scenario}.items():
        components.setdefault(name, definition)
    fastapi_422 = "#/components/schemas/HTTPValidationError"
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            if fastapi_422 not in str(responses.get("422")):
                continue
            del responses["422"]
            parameters = operation.get("parameters", [])
            if "requestBody" in operation or any(p.get("in") != "path" for p in parameters):
                responses["422"] = {
                    "description": REASONS[422],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}
                    },
                }
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    return document
