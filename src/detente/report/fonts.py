"""A font that can write Chinese in charts, found on the system, or a clear warning.

matplotlib's default font (DejaVu Sans) has no CJK glyphs. :func:`cjk_font`
looks for an installed CJK font through matplotlib's font manager: first
the families known to cover Chinese (Noto Sans CJK, Source Han Sans,
WenQuanYi, ...), then any installed font whose character map holds a few
common Chinese characters, and last any font file on the system that matplotlib's
font cache does not list yet (a font installed after the cache was built), which
it registers for this process. A font that draws every character as the same box
(matplotlib's own "Last Resort" font) is never taken for a CJK font.
Charts then use a fallback list (:func:`families`)
so that Latin text keeps DejaVu Sans and each CJK glyph comes from the CJK
font (matplotlib >= 3.6 falls back glyph by glyph).

On Debian or Ubuntu: ``apt-get install fonts-wqy-microhei`` (1.6 MB) or
``fonts-noto-cjk``.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

#: Families that cover simplified Chinese, in order of preference.
KNOWN_CJK = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
#: Characters a CJK font must have ("China, negotiation, forecast").
PROBE = "中国谈判预测"
LATIN = "DejaVu Sans"
INSTALL_HINT = "apt-get install fonts-wqy-microhei (or fonts-noto-cjk)"


def covers(path: str, chars: str = PROBE) -> bool:
    """Whether the font file at ``path`` has a glyph of its own for every character of ``chars``.

    Distinct characters must map to distinct glyphs: a fallback font such as
    matplotlib's "Last Resort High-Efficiency" maps every code point of a block
    to one placeholder box, which is no way to write Chinese.
    """
    from matplotlib.ft2font import FT2Font

    try:
        cmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    glyphs = [cmap.get(ord(c), 0) for c in dict.fromkeys(chars)]
    return 0 not in glyphs and len(set(glyphs)) == len(glyphs)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font that writes Chinese, or None."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    installed = {f.name: f.fname for f in manager.ttflist}
    for name in KNOWN_CJK:
        if name in installed and covers(installed[name]):
            return name
    for name, path in sorted(installed.items()):
        if covers(path):
            return name
    # matplotlib's font cache may predate the CJK font (installed after matplotlib
    # first ran): look at the system's font files the cache does not know.
    known = {f.fname for f in manager.ttflist}
    for path in sorted(set(font_manager.findSystemFonts()) - known):
        if covers(path):
            manager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def families(text_is_cjk: bool) -> list[str]:
    """The ``font.family`` list for a chart; warns once when CJK text has no font."""
    cjk = cjk_font()
    if cjk is None:
        if text_is_cjk:
            warnings.warn(
                f"no font with Chinese characters is installed: chart text will show "
                f"empty boxes ({INSTALL_HINT})",
                stacklevel=3,
            )
        return [LATIN]
    return [cjk, LATIN] if text_is_cjk else [LATIN, cjk]


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a CJK ideograph or CJK punctuation."""
    return any(
        "\u3000" <= c <= "\u303f" or "\u4e00" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"
        for c in text
    )
