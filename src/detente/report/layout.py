"""Text on charts: titles, labels and legends wrapped to the figure, CJK included,
and the words for a model and an uncertain input in the chart's language.

A title breaks first before the model's name, then at spaces and between
Chinese characters (never before closing punctuation or after an opening
bracket), into as few lines of even length as fit; a title too wide even so
shrinks, down to a floor.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from detente.report.figure import actor_name
from detente.report.messages import text

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.text import Text

    from detente.scenario import Scenario

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


def split_tokens(line: str) -> list[str]:
    """``line`` cut where it may break: after spaces and between CJK characters."""
    tokens: list[str] = []
    for part in re.findall(rf"[{_CJK}]\s*|[^\s{_CJK}]+\s*|\s+", line):
        if tokens and (part[0] in _NO_START or part.isspace() or tokens[-1][-1] in _NO_END):
            tokens[-1] += part
        else:
            tokens.append(part)
    return tokens


def fill_lines(
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


def wrap_text(value: str, width: Callable[[str], float], limit: float, hard: bool = False) -> str:
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
        tokens = split_tokens(part)
        if not tokens:
            lines.append(part.strip())
            continue
        if hard:
            tokens = [bit for t in tokens for bit in ([t] if measure(t.strip()) <= room else t)]
        best = fill_lines(tokens, measure, room)
        # As narrow as keeps the number of lines: no long line over a short last one.
        low, high = room / len(best) / 2, room
        for _ in range(12):
            middle = (low + high) / 2
            trial = fill_lines(tokens, measure, middle)
            if len(trial) <= len(best) and max(w for _, w in trial) <= room:
                best, high = trial, middle
            else:
                low = middle
        lines += [line for line, _ in best]
    return "\n".join(lines)


def measure(chart: Figure, prop: FontProperties) -> Callable[[str], float]:
    """The width in pixels (at the figure's dpi) of one line of text in ``prop``."""
    renderer = chart.canvas.get_renderer()  # type: ignore[attr-defined]

    def width(line: str) -> float:
        # A glyph missing from the fonts is reported once, when the chart is drawn.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font")
            return float(renderer.get_text_width_height_descent(line, prop, ismath=False)[0])

    return width


def fit_text(chart: Figure, artist: Text, limit: float) -> Text:
    """Wrap ``artist``'s text to lines no wider than ``limit`` pixels; shrink it if need be."""
    value = artist.get_text()
    while True:
        width = measure(chart, artist.get_fontproperties())
        wrapped = wrap_text(value, width, limit)
        artist.set_text(wrapped)
        size = float(artist.get_fontsize())
        widest = max(width(line) for line in wrapped.split("\n"))
        if widest <= limit:
            return artist
        if size <= _MIN_FONT:
            artist.set_text(wrap_text(value, width, limit, hard=True))
            return artist
        artist.set_fontsize(max(_MIN_FONT, size * min(limit / widest, 0.95)))


def wrap_labels(chart: Figure, labels: Sequence[str], share: float) -> list[str]:
    """Tick labels wrapped to ``share`` of the figure's width (the axes keep the rest)."""
    width = measure(chart, FontProperties(size=matplotlib.rcParams["ytick.labelsize"]))
    return [wrap_text(label, width, share * chart.bbox.width, hard=True) for label in labels]


def chart_title(chart: Figure, value: str) -> Text:
    """The chart's title, wrapped (or shrunk) to the figure's width."""
    return fit_text(chart, chart.suptitle(value), _FULL_WIDTH * chart.bbox.width)


def panel_title(chart: Figure, ax: Axes, value: str, cols: int) -> Text:
    """A panel's title, wrapped to its column of the figure."""
    return fit_text(chart, ax.set_title(value), 0.9 * chart.bbox.width / cols)


def chart_legend(
    chart: Figure, handles: Sequence[Artist], labels: Sequence[str], **kwargs: Any
) -> Any:
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


def model_title(model: str, lang: str = "en") -> str:
    """A model's title in ``lang`` (the registry's own title in English)."""
    from detente.models import REGISTRY
    from detente.report.messages import MESSAGES

    key = f"model.{model}.title"
    found = REGISTRY.get(model)
    if key in MESSAGES[lang] and (lang != "en" or found is None):
        return text(key, lang)
    return found.title if found is not None else model


def input_label(scenario: Scenario, name: str, lang: str = "en") -> str:
    """``RU.salience.sanctions`` -> "Russia · salience of Sanctions on Russia"."""
    parts = name.split(".")
    actor = actor_name(scenario, parts[0])
    if len(parts) >= 3 and parts[2] in scenario.issue_ids:
        what = text(f"input.{parts[1]}", lang, issue=scenario.issue(parts[2]).display_name)
    elif len(parts) == 2:
        what = text(f"input.{parts[1]}", lang)
    else:
        return name
    return f"{actor} · {what}"
