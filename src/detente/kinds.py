"""The kinds of run, each declared once: how it is made, what it gives, how it is shown.

A kind of run is a verb of the command line and of the Python API
(``forecast``, ``simulate``, ``sensitivity``, ``compare``, ``track``). Everything that
differs by kind is read from :data:`KINDS`: the function that makes the run,
the class of its result, the charts drawn from it, the rows the run store
writes, and the printer of the terminal and the view of the web pages. Names
are dotted paths, imported when used, so that reading this registry costs
nothing at start-up.

>>> KINDS["simulate"].result_class().__name__
'Simulation'
>>> chart_source("tornado")
'sensitivity'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from detente.errors import ParameterError

if TYPE_CHECKING:
    from detente.results import Result


def _load(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


@dataclass(frozen=True)
class RunKind:
    """One kind of run (see the module docstring); each field a ``module:name``."""

    name: str
    #: The API function that makes the run (``detente.forecast``, ...).
    api: str
    #: Its result class (:mod:`detente.results`).
    result: str
    #: The charts drawn from it (:mod:`detente.report.charts`; a track's,
    #: :mod:`detente.report.track_chart`), in the order shown.
    charts: tuple[str, ...]
    #: Every number of its JSON as rows of the store's long table.
    rows: str
    #: What the terminal prints of it (``detente KIND`` and ``detente runs show``).
    printer: str
    #: What the web pages show of it, per model (:mod:`detente.web.render`).
    view: str
    #: Whether a briefing can be made from a saved run of this kind.
    briefing: bool

    def function(self) -> Callable[..., Result]:
        return _load(self.api)  # type: ignore[no-any-return]

    def result_class(self) -> type[Result]:
        return _load(self.result)  # type: ignore[no-any-return]

    def value_rows(self, data: Mapping[str, Any]) -> list[dict[str, Any]]:
        return _load(self.rows)(data)  # type: ignore[no-any-return]

    def printer_function(self) -> Callable[..., None]:
        return _load(self.printer)  # type: ignore[no-any-return]

    def view_function(self) -> Callable[..., list[dict[str, Any]]]:
        return _load(self.view)  # type: ignore[no-any-return]

    @property
    def from_dict(self) -> Callable[..., Result]:
        """The result of this kind whose JSON is ``data``: its class's
        :meth:`~detente.results.Result.from_dict` (``data, scenario, detail, draws``)."""
        return self.result_class().from_dict


def _result_kind(name: str, result: str, charts: tuple[str, ...], briefing: bool = True) -> RunKind:
    """A kind of the result layer, whose parts stand where their layers keep them.

    ``result`` is ``module:Class`` in :mod:`detente.results`; the API function
    is ``detente.<name>``, the store's rows ``store.rows.<name>_rows``, the
    printer ``render.terminal.print_<module>`` and the web view
    ``web.render.<name>_view``.
    """
    module = result.partition(":")[0]
    return RunKind(
        name=name,
        api=f"detente:{name}",
        result=f"detente.results.{result}",
        charts=charts,
        rows=f"detente.store.rows:{name}_rows",
        printer=f"detente.render.terminal:print_{module}",
        view=f"detente.web.render:{name}_view",
        briefing=briefing,
    )


KINDS: dict[str, RunKind] = {
    kind.name: kind
    for kind in (
        _result_kind("forecast", "forecast:Forecast", ("rounds", "gains", "challenges")),
        _result_kind("simulate", "simulation:Simulation", ("distribution",)),
        _result_kind("sensitivity", "sensitivity:Sensitivity", ("tornado",), briefing=False),
        _result_kind("compare", "comparison:Comparison", ("variants",)),
        RunKind(
            name="track",
            api="detente.track:track",
            result="detente.results.track:Track",
            charts=("track",),
            rows="detente.store.rows:track_rows",
            printer="detente.cli.track:print_track",
            # A page of its own (track.html): the chart, the headline, the changes.
            view="detente.web.tracks:track_view",
            briefing=False,
        ),
    )
}

#: Every chart kind, in the order of :data:`KINDS`.
CHART_KINDS: tuple[str, ...] = tuple(c for kind in KINDS.values() for c in kind.charts)


def get_kind(name: str) -> RunKind:
    """The kind of run ``name``; :class:`ParameterError` names the valid ones."""
    try:
        return KINDS[name]
    except KeyError:
        raise ParameterError(
            f"unknown kind of run {name!r}; valid kinds: {', '.join(KINDS)}"
        ) from None


def chart_source(chart: str) -> str:
    """The kind of run the chart ``chart`` is drawn from."""
    for kind in KINDS.values():
        if chart in kind.charts:
            return kind.name
    raise ParameterError(f"unknown chart kind {chart!r}; valid kinds: {', '.join(CHART_KINDS)}")
