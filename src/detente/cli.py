"""The ``detente`` command: argument handling and printing, nothing else.

Each command is one function of the Python API. Refused input (a bad
scenario, an unknown model or parameter) prints one line per problem on
stderr and exits with status 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import yaml
from rich.console import Console

from detente import io
from detente.console import print_forecast
from detente.errors import DetenteError, ParameterError, ScenarioError
from detente.forecast import forecast as run_forecast

app = typer.Typer(
    help="Forecast how multi-party negotiations end.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

T = TypeVar("T")


def _guarded(action: Callable[[], T]) -> T:
    """Run ``action``; refused input becomes messages and exit status 2."""
    try:
        return action()
    except ScenarioError as exc:
        for problem in exc.problems:
            err.print(f"[red]error:[/red] {problem}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except DetenteError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``["rounds=10", "eu.q=0.5"]`` -> ``{"rounds": 10, "eu.q": 0.5}`` (values as YAML)."""
    params: dict[str, Any] = {}
    for item in items or []:
        name, eq, text = item.partition("=")
        if not eq or not name.strip():
            raise ParameterError(f"--param {item!r}: write NAME=VALUE (or MODEL.NAME=VALUE)")
        try:
            params[name.strip()] = yaml.safe_load(text)
        except yaml.YAMLError:
            params[name.strip()] = text
    return params


ModelOpt = Annotated[str, typer.Option("--model", "-m", help="median, compromise, nbs, ... or all")]
PresetOpt = Annotated[str | None, typer.Option(help="named parameter set of the model")]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="NAME=VALUE (MODEL.NAME=VALUE with several models)"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")]


@app.command()
def forecast(
    scenario: Annotated[Path, typer.Argument(help="scenario file: .yaml, .csv or .xlsx")],
    model: ModelOpt = "all",
    preset: PresetOpt = None,
    rounds: Annotated[int | None, typer.Option(min=1, help="run exactly N rounds")] = None,
    param: ParamOpt = None,
    json: JsonOpt = False,
) -> None:
    """Forecast where each issue lands and who gains what."""

    def act() -> None:
        result = run_forecast(
            scenario, model=model, preset=preset, params=parse_params(param), rounds=rounds
        )
        for warning in result.warnings:
            err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)
        if json:
            sys.stdout.write(result.to_json() + "\n")
        else:
            print_forecast(result, out)

    _guarded(act)


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="scenario file: .yaml, .csv or .xlsx")],
) -> None:
    """Check a scenario file and say what is wrong, or that it is OK."""
    loaded = _guarded(lambda: io.load(scenario))
    out.print(
        f"[green]OK[/green] {scenario}: {len(loaded.actors)} actors, "
        f"{len(loaded.issues)} issues ({loaded.title})",
        highlight=False,
    )


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="scenario to read")],
    target: Annotated[Path, typer.Argument(help="file to write (.yaml, .csv or .xlsx)")],
) -> None:
    """Convert a scenario between YAML, CSV and xlsx, without loss."""
    written = _guarded(lambda: io.save(io.load(source), target))
    for path in written:
        out.print(f"wrote {path}", highlight=False)


def main() -> None:  # pragma: no cover - console-script entry point
    app()
