"""Charts of forecasts, draws, sensitivity and what-ifs (matplotlib, Agg; PNG and SVG).

Every chart is drawn from a scenario and a result as its JSON dict (what
``--json`` prints and the run store keeps), so a chart can be made again
from a saved run without running anything:

=============== ==================================== ========================
kind            data                                 function
=============== ==================================== ========================
``rounds``      forecast JSON                        :func:`rounds_chart`
``gains``       forecast JSON                        :func:`gains_chart`
``distribution`` simulate JSON                       :func:`distribution_chart`
``tornado``     sensitivity JSON                     :func:`tornado_chart`
``challenges``  forecast JSON (eu's params), or None :func:`challenge_chart`
``variants``    compare JSON                         :func:`variants_chart`
=============== ==================================== ========================

Each returns a :class:`Chart` (a matplotlib ``Figure``) with
:meth:`Chart.to_svg` (text, glyphs drawn as paths so the SVG needs no font),
:meth:`Chart.to_png` and :meth:`Chart.write` (``.png`` or ``.svg``). No
pyplot: figures hold no global state, so a server may draw in threads.
Importing this module needs matplotlib (``pip install 'detente[viz]'``).
``lang="zh"`` writes every label in Chinese (:mod:`.messages`) with a CJK
font (:mod:`.fonts`).

>>> from detente import forecast, load
>>> scenario = load("examples/ukraine-2025.yaml")
>>> result = forecast(scenario, model="median").to_dict()
>>> svg = gains_chart(scenario, result).to_svg()
>>> svg.startswith("<?xml")
True
"""

from __future__ import annotations

import io
import itertools
import re
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator, ScalarFormatter

from detente.errors import ParameterError
from detente.report.fonts import families, has_cjk
from detente.report.messages import text

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.text import Text

    from detente.scenario import Scenario

KINDS: tuple[str, ...] = ("rounds", "gains", "distribution", "tornado", "challenges", "variants")
#: What each kind is drawn from (the kind of run, in the store's words).
SOURCES: dict[str, str] = {
    "rounds": "forecast",
    "gains": "forecast",
    "distribution": "simulate",
    "tornado": "sensitivity",
    "challenges": "forecast",
    "variants": "compare",
}
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
        with _style(self.fonts):
            super().__init__(**kwargs)
        FigureCanvasAgg(self)

    @contextmanager
    def drawing(self) -> Iterator[None]:
        """Add artists inside this: text takes the chart's fonts when it is made."""
        with _style(self.fonts):
            yield

    def to_svg(self) -> str:
        """The chart as SVG text (glyphs as paths: no font or network needed)."""
        buf = io.StringIO()
        with _style(self.fonts):
            self.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()

    def to_png(self, dpi: int = 150) -> bytes:
        buf = io.BytesIO()
        with _style(self.fonts):
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


def _new_chart(lang: str, width: float, height: float, scenario: Scenario, *extra: str) -> Chart:
    cjk = lang == "zh" or has_cjk(" ".join([_strings(scenario), *extra]))
    return Chart(lang=lang, cjk=cjk, figsize=(width, height), layout="constrained")


@contextmanager
def _style(fonts: list[str]) -> Iterator[None]:
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


#: Characters a line may break between (CJK ideographs, kana, full-width forms).
_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
#: No line starts with these (closing brackets and punctuation) ...
_NO_START = set("，。、；：！？）》」』】,.;:!?)]}")
#: ... and none ends with these (opening brackets).
_NO_END = set("（《「『【([{")
#: Where a title may break before the model's name ("{what} — {model}").
_MODEL_SEPARATORS = (" — ", "——")
#: The share of the figure's width a title or legend may take.
_FULL_WIDTH = 0.96
#: A title too wide even when wrapped shrinks, but no smaller than this (points).
_MIN_FONT = 6.0


def _tokens(line: str) -> list[str]:
    """``line`` cut where it may break: after spaces and between CJK characters."""
    tokens: list[str] = []
    for part in re.findall(rf"[{_CJK}]\s*|[^\s{_CJK}]+\s*|\s+", line):
        if tokens and (part[0] in _NO_START or part.isspace() or tokens[-1][-1] in _NO_END):
            tokens[-1] += part
        else:
            tokens.append(part)
    return tokens


def _greedy(
    tokens: Sequence[str], width: Callable[[str], float], limit: float
) -> list[tuple[str, float]]:
    """``tokens`` filled into lines no wider than ``limit`` (a token wider stays whole).

    Each line with its width, the sum of its tokens' (kerning between them is
    left out: the caller leaves a margin).
    """
    lines: list[tuple[str, float]] = []
    current, run = "", 0.0  # the line so far, and its width with its trailing space
    for token in tokens:
        if current.strip() and run + width(token.rstrip()) > limit:
            lines.append((current.rstrip(), run - width(current) + width(current.rstrip())))
            current, run = token.lstrip(), width(token.lstrip())
        else:
            current, run = current + token, run + width(token)
    if current.strip():
        lines.append((current.rstrip(), run))
    return lines


def _wrap(value: str, width: Callable[[str], float], limit: float, hard: bool = False) -> str:
    """``value`` broken into lines no wider than ``limit`` (where the text allows a break).

    Breaks first before a model's name (``{what} — {model}``), then at
    spaces and between Chinese characters, into as few lines as fit, of
    even length. A word too long for a line stays whole (the caller shrinks
    the font then), unless ``hard``: then it is broken where it must.
    """
    if all(width(line) <= limit for line in value.split("\n")):
        return value
    widths: dict[str, float] = {}

    def measure(piece: str) -> float:
        # Each token is measured once: a line's width is the sum of its tokens'.
        if piece not in widths:
            widths[piece] = width(piece)
        return widths[piece]

    room = 0.98 * limit  # kerning between tokens is not summed
    parts: list[str] = []
    for line in value.split("\n"):
        for sep in _MODEL_SEPARATORS if width(line) > limit else ():
            head, found, tail = line.rpartition(sep)
            if found and head.strip() and tail.strip():
                parts += [head + sep.rstrip(), tail]
                break
        else:
            parts.append(line)
    lines: list[str] = []
    for part in parts:
        tokens = _tokens(part)
        if not tokens:
            lines.append(part.strip())
            continue
        if hard:
            tokens = [bit for t in tokens for bit in ([t] if measure(t.strip()) <= room else t)]
        best = _greedy(tokens, measure, room)
        # As narrow as keeps the number of lines: no long line over a short last one.
        low, high = room / len(best) / 2, room
        for _ in range(12):
            middle = (low + high) / 2
            trial = _greedy(tokens, measure, middle)
            if len(trial) <= len(best) and max(w for _, w in trial) <= room:
                best, high = trial, middle
            else:
                low = middle
        lines += [line for line, _ in best]
    return "\n".join(lines)


def _measure(chart: Figure, prop: FontProperties) -> Callable[[str], float]:
    """The width in pixels (at the figure's dpi) of one line of text in ``prop``."""
    renderer = chart.canvas.get_renderer()  # type: ignore[attr-defined]

    def width(line: str) -> float:
        # A glyph missing from the fonts is reported once, when the chart is drawn.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font")
            return float(renderer.get_text_width_height_descent(line, prop, ismath=False)[0])

    return width


def _fit_text(chart: Figure, artist: Text, limit: float) -> Text:
    """Wrap ``artist``'s text to lines no wider than ``limit`` pixels; shrink it if need be."""
    value = artist.get_text()
    while True:
        width = _measure(chart, artist.get_fontproperties())
        wrapped = _wrap(value, width, limit)
        artist.set_text(wrapped)
        size = float(artist.get_fontsize())
        widest = max(width(line) for line in wrapped.split("\n"))
        if widest <= limit:
            return artist
        if size <= _MIN_FONT:
            artist.set_text(_wrap(value, width, limit, hard=True))
            return artist
        artist.set_fontsize(max(_MIN_FONT, size * min(limit / widest, 0.95)))


def _wrap_labels(chart: Figure, labels: Sequence[str], share: float) -> list[str]:
    """Tick labels wrapped to ``share`` of the figure's width (the axes keep the rest)."""
    width = _measure(chart, FontProperties(size=matplotlib.rcParams["ytick.labelsize"]))
    return [_wrap(label, width, share * chart.bbox.width, hard=True) for label in labels]


def _title(chart: Figure, value: str) -> Text:
    """The chart's title, wrapped (or shrunk) to the figure's width."""
    return _fit_text(chart, chart.suptitle(value), _FULL_WIDTH * chart.bbox.width)


def _panel_title(chart: Figure, ax: Axes, value: str, cols: int) -> Text:
    """A panel's title, wrapped to its column of the figure."""
    return _fit_text(chart, ax.set_title(value), 0.9 * chart.bbox.width / cols)


def _legend(chart: Figure, handles: Sequence[Artist], labels: Sequence[str], **kwargs: Any) -> Any:
    """The legend below the panels (never over a title or the data), in as many
    columns as fit the figure's width."""
    renderer = chart.canvas.get_renderer()  # type: ignore[attr-defined]
    ncols = max(len(labels), 1)
    while True:
        legend = chart.legend(
            handles, labels, loc="outside lower center", ncols=ncols, frameon=False, **kwargs
        )
        if ncols == 1 or legend.get_window_extent(renderer).width <= (
            _FULL_WIDTH * chart.bbox.width
        ):
            return legend
        legend.remove()
        ncols -= 1


def _plain_numbers(ax: Axes) -> None:
    """Tick labels as numbers, never as an offset (``1e−8+9.999999999e1``)."""
    formatter = ScalarFormatter(useOffset=False)
    formatter.set_scientific(False)
    ax.xaxis.set_major_formatter(formatter)


def _strings(scenario: Scenario) -> str:
    parts = [scenario.title]
    parts += [i.display_name for i in scenario.issues]
    parts += [a.display_name for a in scenario.actors]
    return " ".join(parts)


def _model(data: Mapping[str, Any], model: str | None, key: str = "models") -> str:
    models = data.get(key) or {}
    if not models:
        raise ParameterError("the result holds no model to chart")
    if model is None:
        return next(iter(models))
    found: str | None = {m.lower(): m for m in models}.get(model.strip().lower())
    if found is None:
        raise ParameterError(f"the result has no model {model!r}; it has: {', '.join(models)}")
    return found


def model_title(model: str, lang: str = "en") -> str:
    """A model's title in ``lang`` (the registry's own title in English)."""
    from detente.models import REGISTRY
    from detente.report.messages import MESSAGES

    key = f"model.{model}.title"
    found = REGISTRY.get(model)
    if key in MESSAGES[lang] and (lang != "en" or found is None):
        return text(key, lang)
    return found.title if found is not None else model


def _issues(scenario: Scenario, issue: str | None) -> list[Any]:
    if issue is None:
        return list(scenario.issues)
    if issue not in scenario.issue_ids:
        raise ParameterError(f"no issue {issue!r}; valid issues: {', '.join(scenario.issue_ids)}")
    return [scenario.issue(issue)]


def _grid(chart: Any, count: int, cols: int = 2) -> list[Axes]:
    cols = _cols(count, cols)
    rows = (count + cols - 1) // cols
    axes = chart.subplots(rows, cols, squeeze=False).ravel().tolist()
    for extra in axes[count:]:
        extra.set_visible(False)
    return axes[:count]


def _cols(count: int, cols: int = 2) -> int:
    """The columns of a grid of ``count`` panels."""
    return max(min(cols, count), 1)


def _color(scenario: Scenario, actor_id: str) -> str:
    ids = scenario.actor_ids
    index = ids.index(actor_id) if actor_id in ids else len(ids)
    return COLORS[index % len(COLORS)]


def _actor_name(scenario: Scenario, actor_id: str) -> str:
    return scenario.actor(actor_id).display_name if actor_id in scenario.actor_ids else actor_id


def rounds_chart(
    scenario: Scenario,
    forecast: Mapping[str, Any],
    model: str | None = None,
    issue: str | None = None,
    lang: str = "en",
) -> Any:
    """Positions by round, one panel per issue, one line per actor; forecast marked.

    A static model (no ``rounds`` in its result) shows the starting positions
    and its forecast on a one-step axis.
    """
    model = _model(forecast, model)
    result = forecast["models"][model]
    issues = _issues(scenario, issue)
    steps = result.get("rounds")
    chart = _new_chart(lang, 9, 2.6 * ((len(issues) + 1) // 2) + 0.8, scenario)
    with chart.drawing():
        axes = _grid(chart, len(issues))
        for ax, iss in zip(axes, issues, strict=True):
            for actor in scenario.actors:
                if steps:
                    ys = [step[iss.id].get(actor.id) for step in steps]
                    if all(y is None for y in ys):
                        continue
                    xs = list(range(len(ys)))
                    style = "-" if actor.at_table else ":"
                    ax.plot(
                        xs,
                        [float("nan") if y is None else y for y in ys],
                        style,
                        color=_color(scenario, actor.id),
                        label=actor.display_name,
                        lw=1.6,
                    )
                else:
                    pos = actor.positions.get(iss.id)
                    if pos is None:
                        continue
                    ax.plot(
                        [0, 1],
                        [pos.value, pos.value],
                        "-" if actor.at_table else ":",
                        color=_color(scenario, actor.id),
                        label=actor.display_name,
                        lw=1.6,
                    )
            value = result["forecasts"].get(iss.id)
            last = len(steps) - 1 if steps else 1
            if value is not None:
                ax.plot(
                    [last],
                    [value],
                    marker="*",
                    ms=13,
                    color="black",
                    zorder=5,
                    label=text("chart.forecast", lang),
                    ls="none",
                )
            if iss.status_quo is not None:
                ax.axhline(
                    iss.status_quo,
                    color="grey",
                    lw=0.8,
                    ls="--",
                    label=text("chart.status_quo", lang),
                )
            ax.set_ylim(*iss.scale)
            _panel_title(chart, ax, iss.display_name, _cols(len(issues)))
            ax.set_xlabel(text("chart.round", lang) if steps else "")
            if steps:
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            else:
                ax.set_xticks([])
        handles, labels = axes[0].get_legend_handles_labels()
        for ax in axes[1:]:
            for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                if lab not in labels:
                    handles.append(h)
                    labels.append(lab)
        _legend(chart, handles, labels)
        key = "chart.rounds.title" if steps else "chart.rounds.static"
        _title(chart, text(key, lang, model=model_title(model, lang)))
    return chart


def gains_chart(
    scenario: Scenario, forecast: Mapping[str, Any], model: str | None = None, lang: str = "en"
) -> Any:
    """Each actor's gain against the status quo: winners green, losers red, ranked."""
    model = _model(forecast, model)
    gains = forecast["models"][model].get("gains", {})
    ranked = sorted(((a, g) for a, g in gains.items() if g is not None), key=lambda item: item[1])
    chart = _new_chart(lang, 7, 0.45 * max(len(ranked), 2) + 1.4, scenario)
    with chart.drawing():
        ax = chart.subplots()
        names = []
        for actor_id, _ in ranked:
            name = _actor_name(scenario, actor_id)
            if actor_id in scenario.actor_ids and not scenario.actor(actor_id).at_table:
                # Chinese brackets are full-width: no space before them.
                name += ("" if lang == "zh" else " ") + text("chart.off_table", lang)
            names.append(name)
        values = [g for _, g in ranked]
        colors = [GAIN_UP if g > 0 else GAIN_DOWN if g < 0 else "grey" for g in values]
        bars = ax.barh(range(len(values)), values, color=colors)
        ax.bar_label(bars, labels=[f"{v:+.2f}" for v in values], padding=3, fontsize=8)
        ax.set_yticks(range(len(values)), _wrap_labels(chart, names, 0.4))
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel(text("chart.gains.axis", lang))
        span = max((abs(v) for v in values), default=1.0) or 1.0
        ax.set_xlim(-1.3 * span, 1.3 * span)
        _title(chart, text("chart.gains.title", lang, model=model_title(model, lang)))
    return chart


def distribution_chart(
    scenario: Scenario,
    simulation: Mapping[str, Any],
    model: str | None = None,
    issue: str | None = None,
    lang: str = "en",
) -> Any:
    """Histogram of each issue's forecast over the draws, with its 5–95% interval."""
    model = _model(simulation, model)
    result = simulation["models"][model]
    issues = _issues(scenario, issue)
    chart = _new_chart(lang, 9, 2.3 * ((len(issues) + 1) // 2) + 0.8, scenario)
    with chart.drawing():
        axes = _grid(chart, len(issues))
        for ax, iss in zip(axes, issues, strict=True):
            hist = result["histograms"][iss.id]
            edges, counts = hist["edges"], hist["counts"]
            widths = [b - a for a, b in itertools.pairwise(edges)]
            ax.bar(
                edges[:-1],
                counts,
                width=widths,
                align="edge",
                color="#90a4ae",
                edgecolor="white",
                lw=0.5,
            )
            stats = result["issues"][iss.id]
            if stats.get("p05") is not None:
                ax.axvspan(
                    stats["p05"],
                    stats["p95"],
                    color="#1f77b4",
                    alpha=0.12,
                    label=text("chart.interval", lang),
                )
                ax.axvline(stats["p50"], color="#1f77b4", lw=1.5, label=text("chart.median", lang))
            point = result.get("point", {}).get(iss.id)
            if point is not None:
                ax.axvline(point, color="black", ls="--", lw=1, label=text("chart.point", lang))
            if iss.status_quo is not None:
                ax.axvline(
                    iss.status_quo, color="grey", ls=":", lw=1, label=text("chart.status_quo", lang)
                )
            ax.set_xlim(*iss.scale)
            _panel_title(chart, ax, iss.display_name, _cols(len(issues)))
            ax.set_ylabel(text("chart.draws", lang))
        handles, labels = axes[0].get_legend_handles_labels()
        _legend(chart, handles, labels)
        _title(
            chart,
            text(
                "chart.distribution.title",
                lang,
                model=model_title(model, lang),
                draws=simulation.get("draws", "?"),
            ),
        )
    return chart


def input_label(scenario: Scenario, name: str, lang: str = "en") -> str:
    """``RU.salience.sanctions`` -> "Russia · salience of Sanctions on Russia"."""
    parts = name.split(".")
    actor = _actor_name(scenario, parts[0])
    if len(parts) >= 3 and parts[2] in scenario.issue_ids:
        what = text(f"input.{parts[1]}", lang, issue=scenario.issue(parts[2]).display_name)
    elif len(parts) == 2:
        what = text(f"input.{parts[1]}", lang)
    else:
        return name
    return f"{actor} · {what}"


def tornado_chart(
    scenario: Scenario,
    sensitivity: Mapping[str, Any],
    model: str | None = None,
    issue: str | None = None,
    top: int = 8,
    lang: str = "en",
) -> Any:
    """One-at-a-time swings of the ``top`` inputs an issue's forecast hinges on most.

    Each bar runs from the forecast with the input at its low end to the
    forecast with it at its high end (every other input at its value);
    inputs in the sensitivity ranking's order. ``issue`` defaults to the one
    with the widest swing. When no input moved alone changes the forecast,
    the chart spans the issue's scale and says so in words.
    """
    model = _model(sensitivity, model)
    ranking = sensitivity["models"][model]
    point = sensitivity.get("point", {}).get(model, {})
    if issue is None:
        issue = max(
            scenario.issue_ids,
            key=lambda i: max(
                (
                    abs(r["high"] - r["low"])
                    for r in ranking.get(i, [])
                    if r["high"] is not None and r["low"] is not None
                ),
                default=0.0,
            ),
        )
    iss = _issues(scenario, issue)[0]
    rows = [
        r
        for r in ranking.get(iss.id, [])
        if r["low"] is not None and r["high"] is not None and r["low"] != r["high"]
    ][:top]
    chart = _new_chart(lang, 8, 0.42 * max(len(rows), 2) + 1.5, scenario)
    with chart.drawing():
        ax = chart.subplots()
        centre = point.get(iss.id)
        rows = rows[::-1]
        for y, r in enumerate(rows):
            lo, hi = r["low"], r["high"]
            base = centre if centre is not None else (lo + hi) / 2
            ax.barh(
                y,
                lo - base,
                left=base,
                color="#ef9a9a",
                label=text("chart.tornado.low", lang) if y == 0 else None,
            )
            ax.barh(
                y,
                hi - base,
                left=base,
                color="#90caf9",
                label=text("chart.tornado.high", lang) if y == 0 else None,
            )
        names = [input_label(scenario, r["input"], lang) for r in rows]
        ax.set_yticks(range(len(rows)), _wrap_labels(chart, names, 0.4))
        if centre is not None:
            ax.axvline(centre, color="black", lw=1, label=text("chart.point", lang))
        ends = [x for r in rows for x in (r["low"], r["high"])] + (
            [centre] if centre is not None else []
        )
        lo, hi = iss.scale
        if rows:
            pad = max(max(ends) - min(ends), hi - lo) * 0.03 + (max(ends) - min(ends)) * 0.12
            ax.set_xlim(max(lo, min(ends) - pad), min(hi, max(ends) + pad))
        else:
            # Nothing to draw: the issue's whole scale (a point forecast at an end stays
            # in sight), and a note that says so.
            ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
            note = ax.text(
                0.5,
                0.5,
                text("chart.tornado.none", lang),
                transform=ax.transAxes,
                ha="center",
                va="center",
                color="dimgrey",
                bbox={"facecolor": "white", "edgecolor": "none"},
            )
            _fit_text(chart, note, 0.8 * chart.bbox.width)
        _plain_numbers(ax)
        ax.set_xlabel(text("chart.tornado.axis", lang))
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            _legend(chart, handles, labels, fontsize=8)
        _title(
            chart,
            text(
                "chart.tornado.title", lang, issue=iss.display_name, model=model_title(model, lang)
            ),
        )
    return chart


def challenge_chart(
    scenario: Scenario,
    forecast: Mapping[str, Any] | None = None,
    issue: str | None = None,
    lang: str = "en",
) -> Any:
    """The expected-utility model's first round: how each actor sees each other (eq. 25).

    One point per ordered pair (i, j) of actors at the table: x = E^i(U_ij),
    i's expected utility of challenging j; y = E^i(U_ji), i's estimate of j's
    expected utility of challenging i. The quadrants are Bueno de Mesquita's
    (1994, fig. 4.1): conflict (both > 0), i compels j (x > 0 >= y),
    compromise (x < 0 < y), stalemate (both <= 0). ``eu``'s parameters come
    from ``forecast`` when it ran eu (else its default preset).
    """
    from detente.models import get_model
    from detente.models.eu import opening_round

    eu = get_model("eu")
    params = eu.resolve(None, {})
    if forecast and "eu" in forecast.get("models", {}):
        given = forecast["models"]["eu"]
        params = eu.resolve(given.get("preset"), given.get("params") or {})
    arrays = scenario.to_arrays()
    issues = _issues(scenario, issue)
    chart = _new_chart(lang, 9, 3.6 * ((len(issues) + 1) // 2) + 0.6, scenario)
    with chart.drawing():
        axes = _grid(chart, len(issues))
        for ax, iss in zip(axes, issues, strict=True):
            k = scenario.issue_ids.index(iss.id)
            members, first = opening_round(arrays, params, k)  # type: ignore[arg-type]
            ax.axhline(0, color="grey", lw=0.8)
            ax.axvline(0, color="grey", lw=0.8)
            _panel_title(chart, ax, iss.display_name, _cols(len(issues)))
            if len(members) < 2:
                ax.text(
                    0.5,
                    0.5,
                    text("chart.challenges.none", lang),
                    ha="center",
                    transform=ax.transAxes,
                )
                continue
            a, b = first.eu_challenge[0], first.eu_rival[0]
            span = max(float(abs(a).max()), float(abs(b).max()), 1e-9) * 1.25
            for p, i in enumerate(members):
                for q, j in enumerate(members):
                    if p == q:
                        continue
                    ax.plot(a[p, q], b[p, q], "o", color=_color(scenario, arrays.actor_ids[i]))
                    ax.annotate(
                        f"{arrays.actor_ids[i]}→{arrays.actor_ids[j]}",
                        (a[p, q], b[p, q]),
                        xytext=(4, 3),
                        textcoords="offset points",
                        fontsize=8,
                    )
            ax.set_xlim(-span, span)
            ax.set_ylim(-span, span)
            for x, y, key in (
                (0.97, 0.97, "conflict"),
                (0.97, 0.03, "compel"),
                (0.03, 0.97, "compromise"),
                (0.03, 0.03, "stalemate"),
            ):
                ax.text(
                    x,
                    y,
                    text(f"chart.challenges.{key}", lang),
                    transform=ax.transAxes,
                    ha="right" if x > 0.5 else "left",
                    va="top" if y > 0.5 else "bottom",
                    color="dimgrey",
                    fontsize=8,
                )
            ax.set_xlabel(text("chart.challenges.x", lang), fontsize=8)
            ax.set_ylabel(text("chart.challenges.y", lang), fontsize=8)
        # The map is eu's whatever the run's models were: the title says so.
        title = text("chart.challenges.title", lang)
        _title(chart, text("chart.titled", lang, title=title, model=model_title("eu", lang)))
    return chart


def variants_chart(
    scenario: Scenario, comparison: Mapping[str, Any], model: str | None = None, lang: str = "en"
) -> Any:
    """Baseline and every what-if's forecast per issue, on each issue's scale in percent."""
    baseline = comparison["baseline"]
    model = _model(baseline, model)
    variants = comparison.get("variants", {})
    height = 0.55 * len(scenario.issues) * (1 + len(variants) / 4) + 1.6
    chart = _new_chart(lang, 9, height, scenario, *variants)
    with chart.drawing():
        ax = chart.subplots()
        names = [text("chart.baseline", lang), *variants]
        results = [baseline, *variants.values()]
        rows = len(names)
        for k, iss in enumerate(scenario.issues):
            lo, hi = iss.scale

            def pct(x: float, lo: float = lo, hi: float = hi) -> float:
                return 100 * (x - lo) / (hi - lo)

            if iss.status_quo is not None:
                ax.plot(
                    [pct(iss.status_quo)] * 2,
                    [k - 0.4, k + 0.4],
                    color="grey",
                    ls=":",
                    lw=1,
                    label=text("chart.status_quo", lang) if k == 0 else None,
                )
            base = baseline["models"].get(model, {}).get("forecasts", {}).get(iss.id)
            for v, (name, res) in enumerate(zip(names, results, strict=True)):
                value = res.get("models", {}).get(model, {}).get("forecasts", {}).get(iss.id)
                if value is None:
                    continue
                y = k + 0.6 * (v / max(rows - 1, 1) - 0.5)
                color = "black" if v == 0 else COLORS[(v - 1) % len(COLORS)]
                if v and base is not None:
                    ax.annotate(
                        "",
                        (pct(value), y),
                        (pct(base), y),
                        arrowprops={"arrowstyle": "->", "color": color, "lw": 1},
                    )
                ax.plot(
                    pct(value),
                    y,
                    "D" if v == 0 else "o",
                    color=color,
                    label=name if k == 0 else None,
                    ms=5,
                )
        ax.set_yticks(
            range(len(scenario.issues)),
            _wrap_labels(chart, [i.display_name for i in scenario.issues], 0.3),
        )
        ax.invert_yaxis()
        ax.set_xlim(-2, 102)
        ax.set_xlabel(text("chart.variants.axis", lang))
        handles, labels = ax.get_legend_handles_labels()
        _legend(chart, handles, labels, fontsize=8)
        _title(chart, text("chart.variants.title", lang, model=model_title(model, lang)))
    return chart


_DRAW: dict[str, Callable[..., Any]] = {
    "rounds": rounds_chart,
    "gains": gains_chart,
    "distribution": distribution_chart,
    "tornado": tornado_chart,
    "challenges": challenge_chart,
    "variants": variants_chart,
}


def chart(
    kind: str,
    scenario: Scenario,
    data: Mapping[str, Any] | None,
    model: str | None = None,
    issue: str | None = None,
    lang: str = "en",
) -> Any:
    """Draw the chart ``kind`` (see the module docstring for the data each needs)."""
    if kind not in _DRAW:
        raise ParameterError(f"unknown chart kind {kind!r}; valid kinds: {', '.join(KINDS)}")
    text("chart.round", lang)  # refuses an unknown language before drawing
    if kind == "challenges":
        if model not in (None, "eu"):
            raise ParameterError(
                f"a challenges chart maps the first round of the expected-utility model "
                f"(eu), which {model} does not have: ask for model eu, or leave the model out"
            )
        return challenge_chart(scenario, data, issue=issue, lang=lang)
    if data is None:
        raise ParameterError(f"a {kind} chart needs the result of a {SOURCES[kind]} run")
    if kind == "gains":
        return gains_chart(scenario, data, model=model, lang=lang)
    if kind == "variants":
        return variants_chart(scenario, data, model=model, lang=lang)
    return _DRAW[kind](scenario, data, model=model, issue=issue, lang=lang)


def kinds_for(source: str) -> Sequence[str]:
    """The chart kinds a run of kind ``source`` can draw."""
    return [k for k, s in SOURCES.items() if s == source]
