"""What every command shares: the Typer app, options, and refusing bad input.

Refused input (a bad scenario, an unknown model or parameter) prints one line
per problem on stderr and exits with status 2, never with a traceback.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeVar, get_type_hints

import typer
import yaml
from rich.console import Console
from rich.markup import escape

from detente.errors import DetenteError, ParameterError, ScenarioError
from detente.io import yaml as yaml_text
from detente.limits import MAX_FILE_MB

out = Console()
err = Console(stderr=True)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def guarded(action: Callable[[], T]) -> T:
    """Run ``action``; refused input becomes messages and exit status 2.

    Python warnings raised on the way (a KTAB file with an unusual number of
    actors, a missing CJK font) are printed like every other warning.
    """
    try:
        caught: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as recorded:
                warnings.simplefilter("always", UserWarning)
                try:
                    return action()
                finally:
                    caught = list(recorded)
        finally:
            # Outside the recording block: a warning re-issued inside it would be recorded
            # again, and this loop would never end.
            for item in caught:
                if issubclass(item.category, UserWarning):
                    warn(str(item.message))
                else:
                    warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
    except ScenarioError as exc:
        for problem in exc.problems:
            err.print(f"[red]error:[/red] {escape(str(problem))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except DetenteError as exc:
        # Escaped: messages quote user input and commands such as 'detente[dask]'.
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except MemoryError:
        # Past the limits with --force, or on a machine with less memory than they allow.
        err.print(
            "[red]error:[/red] out of memory (fix: a smaller scenario, fewer draws, or a "
            "machine with more memory)",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None


def grouped_options(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with each parameter typed as a dataclass of options spread into them.

    Typer reads a command's options off its signature, one parameter each. Options that
    several commands take alike are declared once, as the fields of a dataclass (for
    instance :class:`detente.cli.runs.RunOptions`), and each command takes them as one
    parameter: its ``--help`` lists the fields where that parameter stands, and it is
    called with them gathered back into the dataclass.
    """
    signature = inspect.signature(command, eval_str=True)
    groups: dict[str, Any] = {
        p.name: p.annotation
        for p in signature.parameters.values()
        if dataclasses.is_dataclass(p.annotation)
    }
    if not groups:
        return command
    spread: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        group = groups.get(parameter.name)
        if group is None:
            spread.append(parameter)
            continue
        hints = get_type_hints(group, include_extras=True)
        spread += [
            inspect.Parameter(
                field.name, parameter.kind, default=field.default, annotation=hints[field.name]
            )
            for field in dataclasses.fields(group)
        ]

    @functools.wraps(command)
    def spread_command(**values: Any) -> None:
        for name, group in groups.items():
            fields = dataclasses.fields(group)
            values[name] = group(**{field.name: values.pop(field.name) for field in fields})
        command(**values)

    spread_command.__signature__ = signature.replace(parameters=spread)  # type: ignore[attr-defined]
    spread_command.__annotations__ = {p.name: p.annotation for p in spread}
    return spread_command


class App(typer.Typer):
    """A Typer app whose commands may take a group of options as one parameter
    (:func:`grouped_options`)."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        register = super().command(*args, **kwargs)

        def decorator(function: F) -> F:
            register(grouped_options(function))
            return function

        return decorator


app = App(
    help="Forecast how multi-party negotiations end.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class JsonResult(Protocol):
    def to_json(self) -> str: ...


def emit(result: JsonResult, as_json: bool, show: Callable[[], None]) -> None:
    """Print a command's result: its JSON alone on stdout, or the tables ``show`` draws."""
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
    else:
        show()


def show_progress(json: bool, stdout: Console, stderr: Console) -> bool:
    """A bar only for a person watching: not with --json, not when output is piped."""
    return not json and stdout.is_terminal and stderr.is_terminal


@contextmanager
def progress_bar(enabled: bool, total: int, what: str) -> Iterator[Callable[[int], object] | None]:
    """``advance(n)`` for a Rich bar on stderr, or None when disabled."""
    if not enabled:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda n: bar.advance(task, n)


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/yellow] {escape(message)}", highlight=False, soft_wrap=True)


def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``["rounds=10", "eu.q=0.5"]`` -> ``{"rounds": 10, "eu.q": 0.5}`` (values as YAML)."""
    params: dict[str, Any] = {}
    for item in items or []:
        name, eq, text = item.partition("=")
        if not eq or not name.strip():
            raise ParameterError(f"--param {item!r}: write NAME=VALUE (or MODEL.NAME=VALUE)")
        try:
            params[name.strip()] = yaml_text.loads(text)
        except yaml.YAMLError:
            params[name.strip()] = text
    return params


ScenarioArg = Annotated[Path, typer.Argument(help="scenario file: .yaml, .csv or .xlsx")]
ModelOpt = Annotated[str, typer.Option("--model", "-m", help="median, compromise, nbs, ... or all")]
PresetOpt = Annotated[str | None, typer.Option(help="named parameter set of the model")]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="NAME=VALUE (MODEL.NAME=VALUE with several models)"),
]
RoundsOpt = Annotated[int | None, typer.Option(min=1, help="run exactly N rounds")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help=f"read a scenario file over {MAX_FILE_MB:g} MB, and run models past the memory "
        "and time limits (see docs/scenarios.md)",
    ),
]
