"""The briefing's "Would the deal stick?", in English and Chinese, on hand-worked cases.

One issue on [0, 10]: the seated A at 8 decides alone, so every model forecasts 8.
V, off the table at 0 with salience 1, holds a veto; the talks failing leave the
issue at 3. V's margin at 8 is (|3 - 0| - |8 - 0|) / 10 + c = -0.5 + c: without a
cost of no deal V rejects, and the nearest package it accepts is the no-deal point 3
itself, where V's condition binds; with a cost of 0.6 it accepts 8.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

pytest.importorskip("jinja2")

from markupsafe import escape

from detente import forecast, simulate
from detente.report.html import Runs, render
from detente.report.messages import text
from detente.scenario import Scenario
from tests.cases import one_veto

NAME = "<i>Kyiv & Co</i>"
TREE = one_veto(NAME, table_name="Table", labels={"low": "all returned", "high": "all kept"})
MODELS = "median,compromise"


def scenario(**veto_player: Any) -> Scenario:
    tree = copy.deepcopy(TREE)
    tree["actors"][1].update(veto_player)
    return Scenario.from_tree(tree)


def section(page: str) -> str:
    match = re.search(r'<section id="stick">(.*?)</section>', page, re.S)
    assert match, "no acceptance section"
    return match.group(1)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_rejected_headline_names_who_rejects_and_the_nearest_package(lang: str) -> None:
    s = scenario()
    page = render(s, Runs(forecast=forecast(s, model=MODELS)), lang=lang)
    stick = section(page)
    assert escape(text("report.stick", lang)) in stick
    # Named by display name, escaped: never the id, never the raw markup.
    assert escape(text("report.stick.rejected", lang, actors=NAME)) in stick
    assert NAME not in page and ">V<" not in stick
    assert escape(text("report.stick.binding", lang, actors=NAME)) in stick
    # The headline 8.0 moves to the no-deal point 3.0, read on the issue's scale.
    row = re.search(r"<tr><td>Land</td>(.*?)</tr>", stick, re.S)
    assert row, stick
    cells = re.findall(r"<td[^>]*>(?:<strong>)?([^<]*)", row.group(1))
    assert cells == [
        "8.0",
        "3.0",
        "−5.0",
        text("report.reading.lean_low", lang, low="all returned"),
    ]
    # One column a model, as in the forecast table: each rejects, V binds, 3.0.
    models = stick.split('class="stick-models"', 1)[1]
    assert models.count(text("report.no", lang)) >= 2
    assert models.count(str(escape(NAME))) == 4
    assert re.search(
        r"<td>Land</td>\s*<td class=\"num\">3.0</td><td class=\"num\">3.0</td>", models
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_accepted_headline_says_so_and_shows_no_package(lang: str) -> None:
    s = scenario(no_deal_cost=0.6)  # margin -0.5 + 0.6 = 0.1 >= 0
    page = render(s, Runs(forecast=forecast(s, model=MODELS)), lang=lang)
    stick = section(page)
    assert escape(text("report.stick.accepted", lang)) in stick
    assert 'class="nearest"' not in stick
    assert text("report.stick.binding_row", lang) in stick
    none = f"<td>{text('report.stick.none', lang)}</td>"
    assert stick.count(none) == 4  # per model: no refuser, none binds


def test_the_chance_the_deal_sticks_is_the_simulations() -> None:
    # A cost of no deal between 0.2 and 0.8: V accepts in the draws where it is >= 0.5.
    s = scenario(no_deal_cost={"value": 0.5, "low": 0.2, "high": 0.8})
    sim = simulate(s, model=MODELS, draws=400, seed=1)
    page = render(s, Runs(forecast=forecast(s, model=MODELS), simulation=sim), lang="en")
    stick = section(page)
    assert escape(text("report.stick.chance", draws=400)) in stick
    chance = stick.split('class="stick-chance"', 1)[1]
    assert f"<th>{escape(NAME)}</th>" in chance
    for name in ("median", "compromise"):
        share = sim.models[name].summary["ratification"]["accepted_share"]
        assert 0.2 < share < 0.8  # the cost's range straddles 0.5
        assert f"<strong>{100 * share:.0f}%</strong>" in chance


def test_no_veto_player_no_section() -> None:
    s = scenario(veto=False)
    page = render(s, Runs(forecast=forecast(s, model=MODELS)), lang="en")
    assert 'id="stick"' not in page and text("report.stick") not in page


def test_what_ifs_say_whether_their_deal_sticks_and_name_veto_changes() -> None:
    from detente.compare import compare

    tree = copy.deepcopy(TREE)
    tree["variants"] = {
        # A cost of 0.6 buys V's consent (margin 0.1); without its veto nobody judges.
        "costly": {"changes": [{"actor": "V", "no_deal_cost": 0.6}]},
        "free": {"changes": [{"actor": "V", "veto": False}]},
        "later": {"changes": [{"issue": "land", "no_deal": 9}]},
    }
    s = Scenario.from_tree(tree)
    runs = Runs(forecast=forecast(s, model=MODELS), comparison=compare(s, model=MODELS))
    for lang in ("en", "zh"):
        page = render(s, runs, lang=lang)
        table = page.split(f"<th>{escape(text('report.stick.all', lang))}</th>", 1)[1]
        rows = dict(re.findall(r"<tr><td>(\w+)</td>.*?<td>([^<]*)</td></tr>", table))
        # The no-deal point at 9 leaves V (at 0) worse off than 8: it accepts.
        yes = text("report.yes", lang)
        assert rows == {"costly": yes, "free": "—", "later": yes}, rows
        assert escape(text("report.change.no_veto", lang, actor=NAME)) in page
        assert escape(text("report.change.no_deal_cost", lang, actor=NAME, op="= 0.6")) in page
        assert escape(text("report.change.no_deal", lang, issue="Land", op="= 9")) in page
