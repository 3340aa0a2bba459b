"""The figure every chart draws on: fonts for its language, SVG and PNG output.

No pyplot: figures hold no global state, so a server may draw in threads.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from detente.errors import ParameterError
from detente.report.fonts import families, has_cjk

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from detente.scenario import Scenario

FORMATS: tuple[str, ...] = (".png", ".svg")
#: Reproducible SVG ids (matplotlib salts them at random otherwise).
SVG_SALT = "detente"

COLORS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
GAIN_UP, GAIN_DOWN = "#2e7d32", "#c62828"


class Chart(Figure):
    """A matplotlib Figure that remembers its fonts (chosen for its language)."""

    def __init__(self, lang: str = "en", cjk: bool = False, **kwargs: Any) -> None:
        self.lang = lang
        self.fonts = families(cjk)
        with chart_style(self.fonts):
            super().__init__(**kwargs)
        FigureCanvasAgg(self)

    @contextmanager
    def drawing(self) -> Iterator[None]:
        """Add artists inside this: text takes the chart's fonts when it is made."""
        with chart_style(self.fonts):
            yield

    def to_svg(self) -> str:
        """The chart as SVG text (glyphs as paths: no font or network needed)."""
        buf = io.StringIO()
        with chart_style(self.fonts):
            self.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()

    def to_png(self, dpi: int = 150) -> bytes:
        buf = io.BytesIO()
        with chart_style(self.fonts):
            self.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        return buf.getvalue()

    def write(self, path: str | Path) -> Path:
        """Write ``.png`` or ``.svg`` (by the file's extension)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in FORMATS:
            raise ParameterError(
                f"cannot write a chart as {suffix or '(no extension)'!r}; "
                f"use one of: {', '.join(FORMATS)}"
            )
        if suffix == ".svg":
            path.write_text(self.to_svg(), encoding="utf-8")
        else:
            path.write_bytes(self.to_png())
        return path


def new_chart(lang: str, width: float, height: float, scenario: Scenario, *extra: str) -> Chart:
    cjk = lang == "zh" or has_cjk(" ".join([scenario_strings(scenario), *extra]))
    return Chart(lang=lang, cjk=cjk, figsize=(width, height), layout="constrained")


@contextmanager
def chart_style(fonts: list[str]) -> Iterator[None]:
    with matplotlib.rc_context(
        {
            "font.family": fonts,
            "font.size": 9,
            "svg.fonttype": "path",
            "svg.hashsalt": SVG_SALT,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 10,
            "figure.titlesize": 12,
        }
    ):
        yield


def scenario_strings(scenario: Scenario) -> str:
    parts = [scenario.title]
    parts += [i.display_name for i in scenario.issues]
    parts += [a.display_name for a in scenario.actors]
    return " ".join(parts)


def plain_numbers(ax: Axes) -> None:
    """Tick labels as numbers, never as an offset (``1e−8+9.999999999e1``)."""
    formatter = ScalarFormatter(useOffset=False)
    formatter.set_scientific(False)
    ax.xaxis.set_major_formatter(formatter)


def grid(chart: Any, count: int, cols: int = 2) -> list[Axes]:
    cols = grid_columns(count, cols)
    rows = (count + cols - 1) // cols
    axes = chart.subplots(rows, cols, squeeze=False).ravel().tolist()
    for extra in axes[count:]:
        extra.set_visible(False)
    return axes[:count]


def grid_columns(count: int, cols: int = 2) -> int:
    """The columns of a grid of ``count`` panels."""
    return max(min(cols, count), 1)


def actor_color(scenario: Scenario, actor_id: str) -> str:
    ids = scenario.actor_ids
    index = ids.index(actor_id) if actor_id in ids else len(ids)
    return COLORS[index % len(COLORS)]


def actor_name(scenario: Scenario, actor_id: str) -> str:
    return scenario.actor(actor_id).display_name if actor_id in scenario.actor_ids else actor_id
