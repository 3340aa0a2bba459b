"""The workbench in Chinese: every page's own words, a switch on every page, one catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.report.messages import placeholders
from detente.web import charts
from detente.web.i18n import choose
from detente.web.messages import MESSAGES
from detente.web.render import VIEWS
from tests.web.conftest import make_client

WEB = Path(charts.__file__).resolve().parent
#: What the English pages say in their menus, and must not in Chinese.
ENGLISH_CHROME = (">Scenarios<", ">New scenario<", ">Run history<", "forecasts are only as good")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with make_client(tmp_path_factory.mktemp("i18n")) as c:
        yield c


@pytest.fixture(autouse=True)
def _no_remembered_language(client: TestClient) -> Iterator[None]:
    yield
    client.cookies.clear()


def test_both_languages_hold_the_same_messages() -> None:
    assert MESSAGES["en"].keys() == MESSAGES["zh"].keys()
    for key, english in MESSAGES["en"].items():
        assert placeholders(english) == placeholders(MESSAGES["zh"][key]), key


def test_every_message_the_pages_ask_for_exists() -> None:
    used: set[str] = set()
    for path in (WEB / "templates").glob("*.html"):
        used |= set(re.findall(r"""\b_\(\s*["']([a-z_.]+)["']""", path.read_text("utf-8")))
    for path in (WEB / "static").glob("*.js"):
        text = path.read_text("utf-8")
        used |= {f"js.{k}" for k in re.findall(r"""\bt\(\s*"([a-z_. ]+)\"""", text)}
        for k in re.findall(r"""\bcount\(\s*"([a-z_]+)\"""", text):
            used |= {f"js.{k}", f"js.{k}_one"}
    # Keys made from a value ("result." + kind): a run's kind, a chart's kind, a job's
    # final state, a language.
    used = {key for key in used if not key.endswith(".")}
    used |= {f"result.{kind}" for kind in VIEWS}
    used |= {"lang.en", "lang.zh"}
    used |= {f"chart.{kind}" for kind in ("rounds", "gains", "distribution", "variants", "tornado")}
    used |= {f"js.state.{state}" for state in ("failed", "cancelled", "timed out")}
    assert len(used) > 100
    assert used - MESSAGES["en"].keys() == set()


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "lang"),
    [
        ("zh", "", "", "zh"),
        ("zh", "detente_lang=en", "en", "zh"),
        (None, "detente_lang=zh", "en-US", "zh"),
        (None, "", "zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        (None, "", "en-US,en;q=0.9,zh;q=0.8", "en"),
        (None, "", "fr-FR, zh;q=0.5", "zh"),
        (None, "", "fr", "en"),
        ("xx", "detente_lang=bogus; x", "", "en"),
    ],
)
def test_the_language_of_a_page(query: str | None, cookie: str, accept: str, lang: str) -> None:
    assert choose(query, cookie, accept) == lang


def _in_chinese(text: str) -> None:
    assert '<html lang="zh-Hans">' in text
    for english in ENGLISH_CHROME:
        assert english not in text, english
    assert ">运行记录<" in text and "预测的好坏取决于输入的估计" in text
    switch = re.search(r'<nav class="langs" id="langs".*?</nav>', text, re.S)
    assert switch is not None
    assert ">English<" in switch.group(0) and ">中文<" in switch.group(0)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/", ["上传情景", ">名称<", ">行为体<"]),
        ("/new", ["新建情景", "另存为", "+ 添加议题", "+ 添加行为体", ">运行<"]),
        ("/scenarios/ukraine-2025", ["保存为YAML", ">现状<", "加权中位数"]),
        ("/runs", [">类型<", "时间（UTC）", ">筛选<"]),
        ("/nowhere", ["返回情景列表"]),
    ],
)
def test_every_page_has_its_words_in_chinese(
    client: TestClient, path: str, words: list[str]
) -> None:
    page = client.get(path, params={"lang": "zh"})
    _in_chinese(page.text)
    for word in words:
        assert word in page.text, word


def test_a_run_and_its_result_in_chinese(client: TestClient) -> None:
    forecast = client.post("/api/forecast", json={"scenario": "ukraine-2025", "model": "eu"})
    run_id = forecast.headers["x-detente-run"]
    page = client.get(f"/runs/{run_id}", params={"lang": "zh"}).text
    _in_chinese(page)
    for word in (f"运行#{run_id}", "期望效用模型", ">议题<", ">得失<", "在编辑器中打开其情景"):
        assert word in page, word
    assert f"/runs/{run_id}/charts/gains.svg?model=eu&amp;lang=zh" in page  # charts in Chinese
    english = client.get(f"/runs/{run_id}", params={"lang": "en"}).text
    assert f"Run #{run_id}" in english and ">Issue<" in english


def test_the_choice_is_remembered(client: TestClient) -> None:
    first = client.get("/runs", params={"lang": "zh"})
    assert "detente_lang=zh" in first.headers["set-cookie"]
    assert '<html lang="zh-Hans">' in client.get("/").text
    assert '<html lang="en">' in client.get("/", params={"lang": "en"}).text
    assert '<html lang="en">' in client.get("/new").text


def test_a_refusal_page_in_chinese(tmp_path: Path) -> None:
    with make_client(tmp_path, token="t0k") as guarded:
        page = guarded.get("/", params={"lang": "zh"})
        assert page.status_code == 401
        assert '<html lang="zh-Hans">' in page.text and "返回情景列表" in page.text


def test_a_briefings_language_is_not_the_workbenchs(client: TestClient) -> None:
    # /runs/ID/report?lang=zh asks for a Chinese briefing: the workbench stays as it was.
    page = client.get("/runs/999/report", params={"lang": "zh"})
    assert page.status_code == 404
    assert "set-cookie" not in page.headers
    assert '<html lang="en">' in client.get("/").text
