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
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from detente.results.draws import Draws
    from detente.scenario import Scenario

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


class Result:
    """The part of a result every kind of run shares (see the module docstring).

    Subclasses hold ``scenario`` and ``models`` (one entry per model that
    ran) and define :meth:`to_dict` (exactly the command's ``--json``) and
    ``from_dict``. :meth:`detail` and :meth:`draw_arrays` are what a result keeps
    beyond its JSON (the run store keeps them too).
    """

    kind: ClassVar[str]
    scenario: Scenario
    models: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
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
