"""The CLI's guard: refusals become exit 2 and messages, warnings pass through once;
a group of options declared once and spread into a command's signature."""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from detente.cli.common import grouped_options, guarded
from detente.errors import DetenteError


@dataclass(frozen=True)
class Pair:
    count: Annotated[int, typer.Option(help="how many")] = 1
    name: Annotated[str, typer.Option("--name", "-n")] = "x"


def test_a_group_of_options_stands_where_its_parameter_does() -> None:
    seen: list[tuple[int, Pair, bool]] = []

    def command(first: int = 0, *, pair: Pair, last: bool = False) -> None:
        seen.append((first, pair, last))

    spread = grouped_options(command)
    assert list(inspect.signature(spread).parameters) == ["first", "count", "name", "last"]
    spread(first=2, count=3, name="y", last=True)
    assert seen == [(2, Pair(3, "y"), True)]
    # Through Typer: the fields are options, with their defaults, gathered back.
    app = typer.Typer()
    app.command()(spread)
    assert CliRunner().invoke(app, ["--first", "5", "-n", "z"]).exit_code == 0
    assert seen[-1] == (5, Pair(1, "z"), False)
    assert grouped_options(test_a_refusal_exits_2_with_its_message) is (
        test_a_refusal_exits_2_with_its_message
    )  # no group: the command itself


def test_warnings_are_passed_on_once_and_the_result_returned(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def action() -> int:
        warnings.warn("numbers overflowed", RuntimeWarning, stacklevel=1)
        warnings.warn("an unusual file", UserWarning, stacklevel=1)
        return 7

    # A non-UserWarning re-issued while still recording was recorded again, without end.
    with pytest.warns(RuntimeWarning, match="numbers overflowed") as caught:
        assert guarded(action) == 7
    assert len([w for w in caught if w.category is RuntimeWarning]) == 1
    assert capsys.readouterr().err.count("warning: an unusual file") == 1


def test_a_refusal_exits_2_with_its_message(capsys: pytest.CaptureFixture[str]) -> None:
    def action() -> None:
        raise DetenteError("no such model 'x'")

    with pytest.raises(typer.Exit) as info:
        guarded(action)
    assert info.value.exit_code == 2
    assert "error: no such model 'x'" in capsys.readouterr().err
