"""Errors a user can act on.

Every refusal of input is a :class:`Problem` naming the file, the place in it
(actor, issue, row, field) and the fix. Problems are collected before anything
is computed, so one run reports all of them at once; the CLI prints them and
exits with status 2, never with a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and how to mend it."""

    file: str
    where: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        place = f"{self.file}: {self.where}" if self.where else self.file
        text = f"{place}: {self.message}"
        return f"{text} (fix: {self.fix})" if self.fix else text


class DetenteError(Exception):
    """Base class of every error detente raises on purpose."""


class ScenarioError(DetenteError):
    """A scenario (or a file meant to be one) was refused; holds every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ParameterError(DetenteError):
    """A model name, preset or parameter value was refused."""
