"""What every result shares: its JSON, a short repr, and an HTML table for notebooks.

A result is made once, by the function that runs the models
(:func:`detente.forecast`, :func:`detente.simulate`, ...), or read back
from its JSON (``from_dict``, which is how the run store hands a saved run
back): either way it is the same object, and every renderer (the terminal,
the briefing, the web pages, the charts) reads it and nothing else.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

if TYPE_CHECKING:
    from detente.results.draws import Draws
    from detente.scenario import Scenario
    from detente.uncertainty import Input

#: What a result holds per model (:class:`~detente.results.ModelResult`, ...).
M = TypeVar("M")

#: Rows a notebook's HTML view shows before it says how many more there are.
HTML_ROWS = 30


def json_number(x: float | None) -> float | None:
    """A float for JSON: NaN (no value) becomes null."""
    return None if x is None or math.isnan(x) else float(x)


def model_title(name: str) -> str:
    """A model's title as the registry gives it (its name, for a model no longer there)."""
    from detente.models import REGISTRY

    found = REGISTRY.get(name)
    return found.title if found is not None else name


@dataclass(frozen=True)
class Kept:
    """What the run store keeps of a run beside its JSON: :meth:`Result.detail` and
    :meth:`Result.draw_arrays`."""

    detail: Mapping[str, Any]
    draws: Sequence[Draws] = ()


class Result(Generic[M]):
    """The part of a result every kind of run shares (see the module docstring).

    Subclasses hold ``scenario`` and ``models`` (one entry per model that
    ran) and define :meth:`to_dict` (exactly the command's ``--json``) and
    ``_read`` (what :meth:`from_dict` does). :meth:`detail` and
    :meth:`draw_arrays` are what a result keeps beyond its JSON (the run store
    keeps them too).
    """

    kind: ClassVar[str]
    scenario: Scenario
    models: Mapping[str, M]

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        scenario: Scenario,
        detail: Mapping[str, Any] | None = None,
        draws: Sequence[Draws] = (),
    ) -> Self:
        """The result whose JSON (:meth:`to_dict`) is ``data``, on ``scenario``, with what
        the run store keeps beside it: its :meth:`detail` and :meth:`draw_arrays`
        (``draws``). Without them it still has everything its JSON holds."""
        return cls._read(data, scenario, Kept(detail or {}, draws))

    @classmethod
    def _read(cls, data: Mapping[str, Any], scenario: Scenario, kept: Kept) -> Self:
        raise NotImplementedError

    def to_json(self, indent: int | None = 2) -> str:
        """The command's ``--json`` output."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def detail(self) -> dict[str, Any] | None:
        """JSON-ready data the tables and charts show beyond the JSON (None: none)."""
        return None

    def draw_arrays(self) -> list[Draws]:
        """Every draw the result holds (a simulation's; none for other kinds)."""
        return []

    def __contains__(self, model: object) -> bool:
        return model in self.models

    def __getitem__(self, model: str) -> M:
        """One model's part of the result (``result["median"]``)."""
        return self.models[model]

    def __iter__(self) -> Iterator[str]:
        """The names of the models that ran (``for name in result``)."""
        return iter(self.models)

    def _facts(self) -> list[str]:
        """What the short repr says beyond the kind, title and models."""
        return [f"{len(self.scenario.issues)} issues", f"{len(self.scenario.actors)} actors"]

    def __repr__(self) -> str:
        title = self.scenario.title
        shown = title if len(title) <= 40 else title[:39] + "…"
        facts = ", ".join([f"models: {', '.join(self.models) or 'none'}", *self._facts()])
        return f"<{type(self).__name__} of {shown!r}: {facts}>"

    def _html_table(self) -> tuple[list[str], list[list[Any]]]:
        """The header and rows a notebook shows (subclasses: issues by models)."""
        raise NotImplementedError

    def _repr_html_(self) -> str:
        """A table for Jupyter: what the terminal's first table shows, every name escaped."""
        header, rows = self._html_table()
        return html_table(f"{type(self).__name__}: {self.scenario.title}", header, rows)


@dataclass(repr=False)
class DrawnResult(Result[M]):
    """A result over seeded draws of the scenario's uncertain inputs (simulate,
    sensitivity): how many, the seed, the inputs drawn, and what a model could not run."""

    #: What :attr:`draws` counts, as the short repr says it.
    draws_are: ClassVar[str] = "draws"

    scenario: Scenario
    draws: int
    seed: int
    inputs: list[Input]
    models: dict[str, M] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def _remarks(self) -> dict[str, Any]:
        """The JSON's closing ``skipped`` and ``notes``, each where there is one."""
        return {k: v for k, v in (("skipped", self.skipped), ("notes", self.notes)) if v}

    @staticmethod
    def _read_drawn(data: Mapping[str, Any]) -> dict[str, Any]:
        """The fields every such result reads from its JSON alike."""
        return {
            "draws": int(data.get("draws") or 0),
            "seed": int(data.get("seed") or 0),
            "skipped": dict(data.get("skipped") or {}),
            "notes": list(data.get("notes") or []),
        }

    def _facts(self) -> list[str]:
        return [f"{self.draws} {self.draws_are}", f"seed {self.seed}", f"{len(self.inputs)} inputs"]


def html_table(caption: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A small HTML table (numbers to 3 digits, NaN/None as a dash), at most
    :data:`HTML_ROWS` rows."""

    def cell(x: Any) -> str:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "—"
        if isinstance(x, float):
            return f"{x:.3f}"
        return html.escape(str(x))

    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(x)}</td>" for x in row) + "</tr>" for row in rows[:HTML_ROWS]
    )
    more = (
        f"<p>… {len(rows) - HTML_ROWS} more rows (to_pandas() has them all)</p>"
        if len(rows) > HTML_ROWS
        else ""
    )
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{more}"
    )


def ordered_extras(data: Mapping[str, Any], known: Sequence[str]) -> dict[str, Any]:
    """The keys of ``data`` that are not ``known``, in their order."""
    return {k: v for k, v in data.items() if k not in known}
