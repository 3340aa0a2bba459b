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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from detente.errors import ParameterError

if TYPE_CHECKING:
    from detente.results import Result
    from detente.results.draws import Draws
    from detente.scenario import Scenario


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

    def from_dict(
        self,
        data: Mapping[str, Any],
        scenario: Scenario,
        detail: Mapping[str, Any] | None = None,
        draws: Sequence[Draws] = (),
    ) -> Result:
        """The result of this kind whose JSON is ``data`` (see :mod:`detente.results`)."""
        cls: Any = self.result_class()
        if self.name == "simulate":
            return cls.from_dict(data, scenario, detail, draws)  # type: ignore[no-any-return]
        return cls.from_dict(data, scenario, detail)  # type: ignore[no-any-return]


KINDS: dict[str, RunKind] = {
    kind.name: kind
    for kind in (
        RunKind(
            name="forecast",
            api="detente.forecast:forecast",
            result="detente.results.forecast:Forecast",
            charts=("rounds", "gains", "challenges"),
            rows="detente.store.rows:forecast_rows",
            printer="detente.render.terminal:print_forecast",
            view="detente.web.render:forecast_view",
            briefing=True,
        ),
        RunKind(
            name="simulate",
            api="detente.uncertainty:simulate",
            result="detente.results.simulation:Simulation",
            charts=("distribution",),
            rows="detente.store.rows:simulate_rows",
            printer="detente.render.terminal:print_simulation",
            view="detente.web.render:simulate_view",
            briefing=True,
        ),
        RunKind(
            name="sensitivity",
            api="detente.sensitivity:sensitivity",
            result="detente.results.sensitivity:Sensitivity",
            charts=("tornado",),
            rows="detente.store.rows:sensitivity_rows",
            printer="detente.render.terminal:print_sensitivity",
            view="detente.web.render:sensitivity_view",
            briefing=False,
        ),
        RunKind(
            name="compare",
            api="detente.compare:compare",
            result="detente.results.comparison:Comparison",
            charts=("variants",),
            rows="detente.store.rows:compare_rows",
            printer="detente.render.terminal:print_comparison",
            view="detente.web.render:compare_view",
            briefing=True,
        ),
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
