"""Finding a font that writes Chinese, whatever the state of matplotlib's font cache."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from matplotlib import font_manager

from detente.report import fonts

LAST_RESORT = Path(font_manager.__file__).parent / "mpl-data/fonts/ttf/LastResortHE-Regular.ttf"


@pytest.mark.skipif(not LAST_RESORT.exists(), reason="this matplotlib ships no Last Resort font")
def test_last_resort_boxes_are_not_a_cjk_font() -> None:
    # It maps every CJK ideograph to one placeholder glyph: charts would show boxes.
    assert not fonts.covers(str(LAST_RESORT))
    assert fonts.covers(str(LAST_RESORT), "A")


def test_dejavu_has_no_chinese() -> None:
    dejavu = font_manager.findfont(fonts.LATIN)
    assert fonts.covers(dejavu, "Ab")
    assert not fonts.covers(dejavu)


def _system_cjk_files() -> list[str]:
    return [p for p in font_manager.findSystemFonts() if fonts.covers(p)]


@pytest.mark.skipif(
    not _system_cjk_files(), reason="no CJK font installed (" + fonts.INSTALL_HINT + ")"
)
def test_a_cjk_font_missing_from_a_stale_cache_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    # The README's order (install detente, then the font) leaves matplotlib's cache
    # without the CJK font: it must be found on disk and registered, not replaced by boxes.
    cjk_files = set(_system_cjk_files())
    manager = font_manager.fontManager
    stale = [f for f in manager.ttflist if f.fname not in cjk_files]
    monkeypatch.setattr(manager, "ttflist", stale)
    fonts.cjk_font.cache_clear()
    try:
        name = fonts.cjk_font()
        assert name is not None
        registered = {f.name: f.fname for f in manager.ttflist}
        assert registered[name] in cjk_files
    finally:
        fonts.cjk_font.cache_clear()


def test_no_cjk_font_at_all_gives_latin_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    assert fonts.families(text_is_cjk=False) == [fonts.LATIN]
    with pytest.warns(UserWarning, match="no font with Chinese characters"):
        assert fonts.families(text_is_cjk=True) == [fonts.LATIN]
