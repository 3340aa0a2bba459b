"""The run page names veto players by their display names, escaped, and the what-if
view says whether each scenario's deal sticks (issue 15)."""

from __future__ import annotations

import copy
import re
from typing import Any

from fastapi.testclient import TestClient
from markupsafe import escape

from detente.web.messages import MESSAGES
from tests.cases import one_veto
from tests.web.test_runs import wait

# The one-veto case of tests/cases.py: V rejects 8, its nearest package is 3.
NAME = "<b>Kyiv & Co</b>"
TREE = one_veto(NAME)


def run_page(client: TestClient, body: dict[str, Any], lang: str) -> str:
    job = wait(client, client.post("/api/jobs", json=body).json()["id"])
    assert job["state"] == "done", job
    return client.get(f"/runs/{job['run_id']}?lang={lang}").text


def test_refusers_and_binding_are_named_and_escaped(client: TestClient) -> None:
    body = {"kind": "forecast", "scenario": TREE, "model": "compromise"}
    for lang in ("en", "zh"):
        page = run_page(client, body, lang)
        words = MESSAGES[lang]
        assert NAME not in page  # never raw markup
        assert escape(words["result.nearest"].format(refusers=NAME)) in page
        assert escape(words["result.nearest_binding"].format(binding=NAME)) in page
        assert ">V<" not in page.split('class="headline"', 1)[1]


def test_an_accepted_headline_says_so(client: TestClient) -> None:
    tree = copy.deepcopy(TREE)
    tree["actors"][1]["no_deal_cost"] = 0.6
    page = run_page(client, {"kind": "forecast", "scenario": tree, "model": "compromise"}, "en")
    assert MESSAGES["en"]["result.accepted"] in page
    assert 'class="forecast nearest"' not in page


def test_the_flagship_names_ukraine_and_europe(client: TestClient) -> None:
    page = run_page(client, {"kind": "forecast", "scenario": "ukraine-2025"}, "en")
    refusers = "Ukraine, European states"
    assert escape(MESSAGES["en"]["result.nearest"].format(refusers=refusers)) in page
    assert "(UA, EU would" not in page


def test_what_ifs_say_whether_the_deal_sticks(client: TestClient) -> None:
    body = {
        "kind": "compare",
        "scenario": TREE,
        "model": "compromise",
        "what_ifs": ["V.veto=false", "V.no_deal_cost=0.6"],
    }
    for lang in ("en", "zh"):
        words = MESSAGES[lang]
        page = run_page(client, body, lang)
        table = page.split('<table class="stick">', 1)[1].split("</table>", 1)[0]
        assert escape(words["result.stick"]) in table

        def row(key: str, table: str = table) -> list[str]:
            match = re.search(rf'<tr data-row="{key}">(.*?)</tr>', table, re.S)
            assert match, key
            return re.findall(r'<td class="num">(.*?)</td>', match.group(1))

        # baseline, no veto player, a cost of no deal that buys V's consent
        assert row("sticks") == [words["result.no"], "—", words["result.yes"]]
        assert row("refusers") == [str(escape(NAME)), "—", words["result.none"]]
        assert row("binding") == [str(escape(NAME)), "—", words["result.none"]]
        assert row("land") == ["3.0", "—", "8.0"]


def test_a_simulation_says_how_often_the_deal_sticks(client: TestClient) -> None:
    # V's cost of no deal drawn over [0, 1]: V accepts the table's 8 (margin -0.5 + cost)
    # in the draws where the cost is at least 0.5, about half of them.
    tree = copy.deepcopy(TREE)
    tree["actors"][1]["no_deal_cost"] = {"value": 0.5, "low": 0, "high": 1}
    body = {"kind": "simulate", "scenario": tree, "model": "compromise", "draws": 400}
    job = wait(client, client.post("/api/jobs", json=body).json()["id"])
    assert job["state"] == "done", job
    stored = client.get(f"/api/runs/{job['run_id']}").json()
    shares = stored["result"]["models"]["compromise"]["ratification"]
    assert 0.4 < shares["accepted_share"] == shares["accepts_share"]["V"] < 0.6
    shown = f"{100 * shares['accepted_share']:.0f}%"
    for lang in ("en", "zh"):
        words = MESSAGES[lang]
        page = client.get(f"/runs/{job['run_id']}?lang={lang}").text
        assert NAME not in page  # never raw markup
        table = page.split('<table class="stick-chance">', 1)[1].split("</table>", 1)[0]
        assert escape(words["result.stick_chance"]) in table
        everyone = re.search(r'<tr data-row="all">(.*?)</tr>', table, re.S)
        assert everyone and words["result.stick_all"] in everyone.group(1)
        assert f"<b>{shown}</b>" in everyone.group(1)
        player = re.search(r'<tr data-actor="V"><td>(.*?)</td><td class="num">(.*?)</td>', table)
        assert player and player.groups() == (str(escape(NAME)), shown)


def test_a_simulation_without_veto_players_has_no_such_table(client: TestClient) -> None:
    tree = copy.deepcopy(TREE)
    tree["actors"][1]["veto"] = False
    body = {"kind": "simulate", "scenario": tree, "model": "compromise", "draws": 50}
    page = run_page(client, body, "en")
    assert 'class="stick-chance"' not in page
