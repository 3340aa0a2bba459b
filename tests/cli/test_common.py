"""The CLI's guard: refusals become exit 2 and messages, warnings pass through once."""

from __future__ import annotations

import warnings

import pytest
import typer

from detente.cli.common import guarded
from detente.errors import DetenteError


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
