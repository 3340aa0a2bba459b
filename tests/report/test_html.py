"""The HTML briefing: self-contained, complete, and wholly Chinese with --lang zh."""

from __future__ import annotations

import re
import string
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("jinja2")

from markupsafe import escape
from typer.testing import CliRunner

from detente import load
from detente.cli import app
from detente.models import REGISTRY
from detente.report import fonts
from detente.report.html import (
    Runs,
    central,
    describe_change,
    gather,
    lead_model,
    reading,
    render,
)
from detente.report.messages import LANGS, MESSAGES, fullwidth, placeholders, text
from detente.store import RunStore

runner = CliRunner()
MODELS_ALL = list(REGISTRY)
# Fast models only: the report's structure does not depend on which models ran.
MODELS = "median,compromise,eu"


class Refs(HTMLParser):
    """Collects every attribute that could load something, and the visible text by tag."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.headings: list[str] = []
        self.tags: set[str] = set()
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "data", "poster", "srcset"):
                self.refs.append((tag, name, value or ""))
            if name == "style" and value and "url(" in value:
                self.refs.append((tag, name, value))
        if tag in ("h1", "h2", "h3", "th", "title"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in and data.strip():
            self.headings.append(data.strip())


class Visible(HTMLParser):
    """The text a reader sees, less styles, charts and code (ids, shown as ids)."""

    HIDDEN = ("style", "svg", "code")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in self.HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in self.HIDDEN

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def analyst_text(tree: Any, key: str | None = None) -> list[str]:
    """The scenario's own words (names, labels, notes, descriptions): not its ids."""
    if isinstance(tree, dict):
        return [s for k, v in tree.items() for s in analyst_text(v, k)]
    if isinstance(tree, list):
        return [s for v in tree for s in analyst_text(v, key)]
    if isinstance(tree, str) and key not in ("id", "actor", "issue", "remove"):
        return [tree.strip()]
    return []


@pytest.fixture(scope="module")
def flagship_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Runs]]:
    root = Path(__file__).resolve().parents[2] / "examples"
    out = {}
    for lang, name in (("en", "ukraine-2025.yaml"), ("zh", "ukraine-2025.zh.yaml")):
        scenario = load(root / name)
        runs, _ = gather(scenario, model=MODELS, draws=200, seed=0)
        out[lang] = (scenario, runs)
    return out


@pytest.fixture(scope="module")
def pages(flagship_runs: dict[str, tuple[Any, Runs]]) -> dict[str, str]:
    return {lang: render(s, r, lang=lang) for lang, (s, r) in flagship_runs.items()}


@pytest.mark.parametrize("lang", LANGS)
def test_no_external_references(pages: dict[str, str], lang: str) -> None:
    page = pages[lang]
    parser = Refs()
    parser.feed(page)
    for tag, name, value in parser.refs:
        assert value.startswith("#"), (tag, name, value)  # only links within the page
    assert not {"script", "link", "img", "iframe", "object", "embed"} & parser.tags
    assert "@import" not in page
    assert set(re.findall(r"url\((.)", page)) <= {"#"}  # SVG clip paths within the page
    # The only URLs left are XML namespace names, which nothing fetches.
    urls = set(re.findall(r"https?://[^\"' )<]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert page.count("<svg") >= 4  # rounds, distribution, gains, tornado, what-ifs


def test_briefing_has_every_section(pages: dict[str, str], flagship: Path) -> None:
    page = pages["en"]
    for key in (
        "report.question",
        "report.actors_issues",
        "report.forecast",
        "report.interval",
        "report.winners",
        "report.drivers",
        "report.whatifs",
        "report.models",
        "report.provenance",
    ):
        assert text(key) in page
    scenario = load(flagship)
    for name, variant in scenario.variants.items():
        # A what-if is headed by its description, its id in small print.
        assert f"<h3>{escape(variant.description)} <code>{name}</code></h3>" in page
    assert "Russia gets all four annexed regions" in page  # the forecast in the scale's words
    assert "commentary" in page  # provenance: the scenario's source
    assert "Expected utility" in page and "need not converge" in page
    # The drivers of the lead model are shown, issue by issue.
    assert text("report.drivers.none") not in page
    drivers = page[page.index('id="drivers"') :]
    assert "Territory" in drivers


def test_lead_model_is_one_whose_forecast_moves() -> None:
    still = {"issues": {"a": {"p05": 5.0, "p95": 5.0}}}
    moves = {"issues": {"a": {"p05": 4.0, "p95": 6.0}}}
    assert lead_model(["median", "compromise", "eu"]) == "eu"
    sim = {"models": {"median": moves, "compromise": moves, "eu": still}}
    assert lead_model(["median", "compromise", "eu"], sim) == "compromise"
    sim = {"models": {"median": moves, "compromise": still, "eu": still}}
    assert lead_model(["median", "compromise", "eu"], sim) == "median"
    sim = {"models": {"median": still, "compromise": still, "eu": still}}
    assert lead_model(["median", "compromise", "eu"], sim) == "eu"


@pytest.mark.skipif(fonts.cjk_font() is None, reason="no CJK font (" + fonts.INSTALL_HINT + ")")
def test_chinese_report_has_no_english_heading(pages: dict[str, str]) -> None:
    parser = Refs()
    parser.feed(pages["zh"])
    english = {v for k, v in MESSAGES["en"].items() if k.startswith(("report.", "chart."))}
    for heading in parser.headings:
        assert heading not in english, heading
        if not fonts.has_cjk(heading):
            # Headings without Chinese are the analyst's ids or numbers, never catalogue words.
            assert not any(
                word in heading.lower() for word in ("forecast", "actor", "issue", "gain", "model")
            ), heading
    zh_page = pages["zh"]
    for key in ("report.question", "report.forecast", "report.whatifs", "report.models"):
        assert text(key, "zh") in zh_page and text(key, "en") not in zh_page
    assert "2026" in zh_page or "年" in zh_page
    assert 'lang="zh-Hans"' in zh_page


def test_chinese_report_shows_no_english_words(
    flagship_runs: dict[str, tuple[Any, Runs]],
) -> None:
    # Every word a reader sees is Chinese, the analyst's, or an id shown as code: the
    # Latin words left are those the Chinese catalogue itself holds (names such as Sobol).
    scenario, runs = flagship_runs["zh"]
    saved = {"id": 7, "kind": "sensitivity", "started_at": datetime(2026, 12, 1, tzinfo=UTC)}
    page = render(scenario, replace(runs, saved_run=saved), lang="zh")
    parser = Visible()
    parser.feed(page)
    seen = "\n".join(parser.parts)
    for own in sorted(analyst_text(scenario.to_tree()), key=len, reverse=True):
        seen = seen.replace(own, " ")
    catalogue = " ".join(
        literal
        for message in MESSAGES["zh"].values()
        for literal, *_ in string.Formatter().parse(message)
    )
    allowed = set(re.findall(r"[A-Za-z]+", catalogue))
    english = sorted(set(re.findall(r"[A-Za-z]+", seen)) - allowed)
    assert not english, english  # e.g. a run's kind, the preset "default", a what-if's id
    # Chinese text takes full-width punctuation, also between two filled-in values.
    ascii_marks = re.findall(r"[\u4e00-\u9fff][,;:!?()]|[,;:!?()][\u4e00-\u9fff]", seen)
    assert not ascii_marks, ascii_marks
    assert "依据已保存的运行 7（敏感性分析，2026年12月1日）。" in seen
    assert "默认" in seen  # the median model's preset, in words


def test_catalogue_languages_match() -> None:
    # English model titles are the models' own; Chinese has one for every model.
    titles = {f"model.{name}.title" for name in MODELS_ALL}
    assert MESSAGES["en"].keys() == MESSAGES["zh"].keys() - titles
    assert titles <= MESSAGES["zh"].keys()
    for key, message in MESSAGES["en"].items():
        assert placeholders(message) == placeholders(MESSAGES["zh"][key]), key


def test_fullwidth_punctuation() -> None:
    assert fullwidth("现状(变化),即;好:是!吗?") == "现状（变化），即；好：是！吗？"
    assert fullwidth("E^i(U_ij)") == "E^i(U_ij)"
    assert fullwidth("a, b (c)") == "a, b (c)"


def test_reading_and_central(flagship: Path) -> None:
    scenario = load(flagship)
    territory = scenario.issue("territory")
    assert reading(territory, 95, "en").startswith("≈ Russia gets")
    assert reading(territory, 30, "en").startswith("leaning to: Ukraine's 1991")
    assert reading(territory, 50, "zh").startswith("介于")
    models = {
        "a": {"forecasts": {"x": 1.0}},
        "b": {"forecasts": {"x": 4.0}},
        "c": {"forecasts": {"x": None}},
    }
    assert central(models, "forecasts", ["x"]) == {"x": 2.5}


def test_describe_change(flagship: Path) -> None:
    scenario = load(flagship)
    assert (
        describe_change(scenario, {"actor": "RU", "capability": "*0.8"}, "en")
        == "Russia capability ×0.8"
    )
    zh = load(flagship.with_name("ukraine-2025.zh.yaml"))
    assert describe_change(zh, {"actor": "UA", "at_table": True}, "zh") == "乌克兰上谈判桌"
    assert describe_change(scenario, {"remove": "CN"}, "en") == "remove China"
    assert describe_change(scenario, {"issue": "nato", "status_quo": 55}, "en") == (
        "status quo of Ukraine's NATO membership = 55"
    )


def test_report_cli_from_scenario_and_run(flagship: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "runs.sqlite")
    target = tmp_path / "r.html"
    result = runner.invoke(
        app,
        [
            "report",
            str(flagship),
            "-o",
            str(target),
            "-m",
            "median,compromise",
            "--draws",
            "40",
            "--db",
            db,
        ],
    )
    assert result.exit_code == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Briefing" in page
    assert "saved as run 1" in result.stderr  # the forecast, simulate, sensitivity, compare made
    # Each run made is saved as what it holds, not as the report's options: the drivers are
    # the lead model's alone, from draws // 4 base draws.
    with RunStore(db) as store:
        saved = {r.kind: store.get(r.id) for r in store.runs()}
    assert set(saved) == {"forecast", "simulate", "sensitivity", "compare"}
    for run in saved.values():
        assert run.source == str(flagship) and run.options["report"] == str(target)
    sens = saved["sensitivity"]
    assert sens.model == ",".join(sens.result["models"]) and "," not in sens.model
    assert sens.options["draws"] == sens.result["draws"] == 10 and sens.seed == 0
    assert saved["simulate"].options["draws"] == saved["simulate"].result["draws"] == 40
    assert saved["simulate"].model == ",".join(saved["simulate"].result["models"])
    assert saved["forecast"].model == "median,compromise"
    assert saved["compare"].model == "median,compromise"
    assert saved["compare"].options["variants"] == list(saved["compare"].result["variants"])
    result = runner.invoke(
        app, ["report", "1", "-o", str(target), "--db", db, "--draws", "8", "--lang", "zh"]
    )
    assert result.exit_code == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    assert "依据已保存的运行 1（预测，" in page  # the run's kind in words, a full-width comma
    with RunStore(db) as store:
        made = [store.get(r.id) for r in store.runs() if r.id > 4]
    assert {run.kind for run in made} == {"simulate", "sensitivity", "compare"}
    for run in made:  # completing run 1: saved as from its scenario file, and saying so
        assert run.source == str(flagship) and run.options["from_run"] == 1
    sens = next(run for run in made if run.kind == "sensitivity")
    assert sens.options["draws"] == sens.result["draws"] == 2
    result = runner.invoke(
        app, ["report", "1", "-o", str(target), "--db", db, "--draws", "0", "--lang", "zh"]
    )
    assert result.exit_code == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    assert "依据已保存的运行 1" in page and text("report.interval.skipped", "zh") in page


@pytest.mark.parametrize(
    ("name", "message"),
    [("r.pdf", "print it to PDF"), ("r.txt", "write the report as .html")],
)
def test_report_refuses_other_formats(
    flagship: Path, tmp_path: Path, name: str, message: str
) -> None:
    result = runner.invoke(app, ["report", str(flagship), "-o", str(tmp_path / name), "--no-save"])
    assert result.exit_code == 2 and message in result.stderr


def test_briefing_shows_the_headline_and_its_forecast_interval(
    pages: dict[str, str], flagship_runs: dict[str, tuple[Any, Runs]]
) -> None:
    # The same central number and 90% forecast interval as `detente forecast --json`.
    for lang, (_, runs) in flagship_runs.items():
        summary = runs.forecast.summary
        for issue, value in summary["central"].items():
            lo, hi = summary["interval"]["90"][issue]
            assert f"{value:.1f} [{lo:.1f}–{hi:.1f}]" in pages[lang], (lang, issue)
    assert "for other kinds of negotiation it is a floor" in pages["en"]
    assert "只是下限" in pages["zh"]
