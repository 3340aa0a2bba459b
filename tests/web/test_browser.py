"""The workbench in a real browser: Playwright driving the system's headless Chromium.

Chromium comes from the system (Debian: ``apt-get install chromium``), never
from Playwright's own download; ``DETENTE_CHROMIUM`` names another binary.
Without it these tests are skipped, saying why, unless
``DETENTE_BROWSER_TESTS=required`` (what CI sets once it has installed
Chromium), which makes a missing browser a failure. One browser serves the
module; every page's screenshot goes to ``screenshots/`` (ignored by git).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from detente import Scenario, forecast, load

CHROMIUM = Path(os.environ.get("DETENTE_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("DETENTE_BROWSER_TESTS") == "required"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
FLAGSHIP = ROOT / "examples" / "ukraine-2025.yaml"


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[dev]')"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set DETENTE_CHROMIUM)"
    return None


_reason = _unavailable()
if _reason is not None:
    if REQUIRED:
        pytest.fail(f"browser tests required, but {_reason}", pytrace=False)
    pytest.skip(_reason, allow_module_level=True)

import uvicorn  # noqa: E402
from playwright.sync_api import Browser, Dialog, Page, expect, sync_playwright  # noqa: E402

from detente.web import Settings, create_app  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The workbench on a free loopback port, over a library holding the flagship."""
    root = tmp_path_factory.mktemp("browser")
    library = root / "library"
    library.mkdir()
    shutil.copy(FLAGSHIP, library)
    app = create_app(Settings(scenarios=library, db=str(root / "runs.sqlite")))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        assert time.time() < deadline, "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", library
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, server: tuple[str, Path]) -> Iterator[Page]:
    """A fresh page; any script error on it fails the test."""
    context = browser.new_context(base_url=server[0], viewport={"width": 1400, "height": 900})
    p = context.new_page()
    p.set_default_timeout(20_000)
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    context.close()
    assert errors == []


def shot(page: Page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the editor's bar sticks to the top
    page.screenshot(path=SHOTS / f"{name}.png", full_page=full_page)


def charts_loaded(page: Page, chart: str = "") -> None:
    """Wait until the result's charts (or those of one kind) are drawn."""
    selector = f'.result figure[data-chart="{chart}"] img' if chart else ".result img"
    page.wait_for_function(
        f"[...document.querySelectorAll('{selector}')].every(i => i.complete && i.naturalWidth > 0)"
    )


def run(page: Page, kind: str, model: str, chart: str = "") -> None:
    """Start a run from the editor and wait for its result to replace the last one."""
    previous = (
        page.locator("#result .result").get_attribute("data-run")
        if page.locator("#result .result").count()
        else None
    )
    if page.locator("#run-kind").input_value() != kind:
        page.select_option("#run-kind", kind)
    page.select_option("#run-model", model)
    page.click("#run")
    page.wait_for_function(
        "prev => { const r = document.querySelector('#result .result');"
        " return r && r.dataset.run !== prev; }",
        arg=previous or "",
    )
    charts_loaded(page, chart)


def shown_forecasts(page: Page, model: str) -> dict[str, str]:
    rows = page.locator(f'#result section[data-model="{model}"] table.forecast tbody tr')
    return {
        rows.nth(k).get_attribute("data-issue") or "": rows.nth(k)
        .locator(".forecast-value")
        .inner_text()
        .strip()
        for k in range(rows.count())
    }


def test_library_lists_the_flagship(page: Page) -> None:
    page.goto("/")
    row = page.locator('tr[data-name="ukraine-2025"]')
    expect(row).to_contain_text("Ending the Russia–Ukraine war")
    expect(row.locator("td.num").first).to_have_text("5")
    shot(page, "library")


def test_edit_run_eu_see_it_change_save_reload(page: Page, server: tuple[str, Path]) -> None:
    library = server[1]
    original = (library / "ukraine-2025.yaml").read_bytes()
    # Through the library first: Russia's capability 80 -> 20 moves the eu forecast
    # (territory 100 -> 65) and its rounds.
    scenario = load(FLAGSHIP)
    tree = scenario.to_tree()
    tree["actors"][1]["capability"] = 20
    before = forecast(scenario, model="eu")["eu"]
    after = forecast(Scenario.from_tree(tree), model="eu")["eu"]
    assert before.forecasts != after.forecasts
    assert before.rounds != after.rounds
    try:
        page.goto("/scenarios/ukraine-2025")
        expect(page.locator("#status")).to_have_text("valid: 5 actors, 5 issues")
        run(page, "forecast", "eu", chart="rounds")
        assert shown_forecasts(page, "eu") == {k: f"{v:.1f}" for k, v in before.forecasts.items()}
        chart = page.locator('#result figure[data-chart="rounds"] img')
        first_chart = chart.screenshot()
        first_src = chart.get_attribute("src")

        page.fill('[aria-label="RU capability"]', "20")
        # Its range (65-90) no longer holds the value: the editor says so until it goes.
        expect(page.locator("#problems")).to_contain_text(
            "value 20 lies outside its own range 65 to 90"
        )
        page.fill('[aria-label="RU capability, low"]', "")
        page.fill('[aria-label="RU capability, high"]', "")
        expect(page.locator("#status")).to_have_text("valid: 5 actors, 5 issues")
        run(page, "forecast", "eu", chart="rounds")
        assert shown_forecasts(page, "eu") == {k: f"{v:.1f}" for k, v in after.forecasts.items()}
        assert chart.get_attribute("src") != first_src
        assert chart.screenshot() != first_chart  # the trajectories drawn differ
        shot(page, "editor-eu-result")

        page.click("#save")  # over its own file: no question asked, its comments kept
        expect(page.locator("#saved")).to_have_text("saved as ukraine-2025.yaml")
        assert load(library / "ukraine-2025.yaml").actor("RU").capability.value == 20
        assert "# Russia holds Crimea" in (library / "ukraine-2025.yaml").read_text("utf-8")
        page.reload()
        expect(page.locator('[aria-label="RU capability"]')).to_have_value("20")
        expect(page.locator("#status")).to_have_text("valid: 5 actors, 5 issues")
    finally:
        (library / "ukraine-2025.yaml").write_bytes(original)


def test_save_as_never_replaces_a_scenario_unasked(page: Page, server: tuple[str, Path]) -> None:
    library = server[1]
    flagship = (library / "ukraine-2025.yaml").read_bytes()
    questions: list[str] = []

    def answer(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.goto("/new")
    expect(page.locator("#status")).to_have_text("valid: 2 actors, 1 issue")
    page.fill("#save-name", "ukraine-2025")
    page.click("#save")
    expect(page.locator("#status")).to_have_text(
        "not saved: a scenario named 'ukraine-2025' exists already (ukraine-2025.yaml)"
    )
    assert questions == [
        "a scenario named 'ukraine-2025' exists already (ukraine-2025.yaml). "
        "Replace it with this one?"
    ]
    assert (library / "ukraine-2025.yaml").read_bytes() == flagship
    # A new name: saved, the scenario's own page opens and says so.
    page.fill("#save-name", "two-sides.yaml")
    page.click("#save")
    page.wait_for_url("**/scenarios/two-sides")
    expect(page.locator("#saved")).to_have_text("saved as two-sides.yaml")
    expect(page.locator("#status")).to_have_text("valid: 2 actors, 1 issue")
    assert (library / "two-sides.yaml").is_file()
    shot(page, "editor-saved-as")
    page.fill('[aria-label="A capability"]', "60")
    expect(page.locator("#saved")).to_be_hidden()  # the note was about the file as saved
    (library / "two-sides.yaml").unlink()


def test_upload_a_broken_csv_and_see_the_error(page: Page, server: tuple[str, Path]) -> None:
    page.goto("/")
    actors = b"id,capability,x.position,x.salience\nA,lots,50,0.5\n"
    issues = b"id,scale_low,scale_high\nx,0,100\n"
    page.set_input_files(
        "#upload-file", files=[{"name": "broken.csv", "mimeType": "text/csv", "buffer": actors}]
    )
    page.set_input_files(
        "#upload-issues",
        files=[{"name": "broken.issues.csv", "mimeType": "text/csv", "buffer": issues}],
    )
    page.click("#upload-button")
    result = page.locator("#upload-result")
    expect(result).to_contain_text("the scenario was refused")
    expect(result.locator("li")).to_have_text(
        "broken.csv: row 2, column 'capability': 'lots' is not a number "
        "(fix: write a number, e.g. 50)"
    )
    assert not (server[1] / "broken.yaml").exists()
    shot(page, "upload-error")

    # Mended, the same upload opens in the editor.
    page.set_input_files(
        "#upload-file",
        files=[
            {"name": "mended.csv", "mimeType": "text/csv", "buffer": actors.replace(b"lots", b"30")}
        ],
    )
    page.click("#upload-button")
    page.wait_for_url("**/scenarios/mended")
    expect(page.locator("#status")).to_have_text("valid: 1 actor, 1 issue")
    (server[1] / "mended.yaml").unlink()


def test_inline_validation_points_at_the_cell(page: Page) -> None:
    page.goto("/scenarios/ukraine-2025")
    cell = page.locator('[aria-label="RU salience on territory"]')
    cell.fill("1.5")
    problems = page.locator("#problems")
    expect(problems).to_contain_text("salience value 1.5 lies outside [0, 1]")
    expect(page.locator('[data-key="a1-sal-0"]')).to_have_class("est sal invalid")
    expect(page.locator("#status")).to_have_text("not valid yet")
    shot(page, "editor-invalid")
    cell.fill("0.9")
    expect(page.locator("#status")).to_have_text("valid: 5 actors, 5 issues")
    expect(problems).to_be_hidden()


def test_add_and_remove_actors_and_issues(page: Page) -> None:
    page.goto("/scenarios/ukraine-2025")
    page.click("#add-actor")
    expect(page.locator("#actors tr.actor")).to_have_count(6)
    expect(page.locator("#status")).to_have_text("valid: 6 actors, 5 issues")
    page.click("#add-issue")
    expect(page.locator("#issues tr.issue")).to_have_count(6)
    # Nobody has a position on the new issue yet.
    expect(page.locator("#problems")).to_contain_text("no actor at the table has a positive weight")
    page.click('[data-remove-issue="5"]')
    page.click('[data-remove-actor="5"]')
    expect(page.locator("#actors tr.actor")).to_have_count(5)
    expect(page.locator("#status")).to_have_text("valid: 5 actors, 5 issues")


def test_compare_what_ifs_and_simulate(page: Page) -> None:
    page.goto("/scenarios/ukraine-2025")
    page.select_option("#run-kind", "compare")
    page.fill("#run-whatifs", "RU.capability*=0.25")
    run(page, "compare", "eu")
    headers = page.locator("#result table.compare thead th")
    expect(headers).to_have_text(
        [
            "Issue",
            "Baseline",
            "table-only",
            "ukraine-europe-at-table",
            "sanctions-bite",
            "us-loses-interest",
            "sanctions-bite-mid-talks",
            "RU.capability*=0.25",
        ]
    )
    territory = page.locator('#result table.compare tr[data-issue="territory"] td')
    # Russia at 20 against a US pulled toward Ukraine and Europe by their ties.
    expect(territory.last).to_have_text("51.5 (-47.7)")
    shot(page, "editor-compare")

    page.select_option("#run-kind", "simulate")
    page.fill("#run-draws", "2000")
    run(page, "simulate", "compromise")
    expect(page.locator("#result .result")).to_contain_text("2,000 draws, seed 0")
    expect(page.locator('#result figure[data-chart="distribution"] img')).to_be_visible()
    shot(page, "editor-simulate")


def test_cancel_a_long_run(page: Page) -> None:
    page.goto("/scenarios/ukraine-2025")
    page.select_option("#run-kind", "simulate")
    page.select_option("#run-model", "eu")
    page.fill("#run-draws", "200000")
    page.click("#run")
    expect(page.locator("#progress-text")).to_contain_text("of 200,000 draws")
    expect(page.locator(".run-form .cmp")).to_be_hidden()  # compare's fields
    shot(page, "editor-progress")
    page.click("#cancel")
    expect(page.locator("#run-errors")).to_have_text("run cancelled")
    expect(page.locator("#run")).to_be_enabled()


def test_history_and_run_pages(page: Page) -> None:
    answer = page.request.post(
        "/api/forecast", data={"scenario": "ukraine-2025", "model": "median"}
    )
    assert answer.ok
    run_id = answer.headers["x-detente-run"]
    page.goto("/runs")
    row = page.locator(f'tr[data-run="{run_id}"]')
    expect(row).to_contain_text("forecast")
    expect(row).to_contain_text("median")
    shot(page, "runs")
    row.locator("a").first.click()
    page.wait_for_url(f"**/runs/{run_id}")
    expect(page.locator("h1")).to_contain_text(f"Run #{run_id}")
    charts_loaded(page)
    expect(page.locator('figure[data-chart="gains"] img')).to_have_count(1)
    shot(page, "run")
    # Its briefing in Chinese: made in the background, then shown.
    page.click(f'a[href="/runs/{run_id}/report?lang=zh"]')
    page.wait_for_url(f"**/runs/{run_id}/report?lang=zh")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans", timeout=60_000)
    shot(page, "report-zh", full_page=False)  # the whole briefing is pages long
    page.go_back()
    page.click("text=Open its scenario in the editor")
    expect(page.locator("#status")).to_have_text("valid: 5 actors, 5 issues")
    shot(page, "editor-from-run")


def test_new_scenario_and_error_page(page: Page) -> None:
    page.goto("/new")
    expect(page.locator("#status")).to_have_text("valid: 2 actors, 1 issue")
    shot(page, "new")
    response = page.goto("/scenarios/..%2Fsecret")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("no such page: /scenarios/../secret")
    assert "Traceback" not in page.content()
    shot(page, "not-found")


# --- the Chinese workbench, laid out for CJK at 1280 px ----------------------------------

#: Line boxes of an element's text (a header that wraps one character a line has many).
LINES = (
    "el => { const r = document.createRange(); r.selectNodeContents(el);"
    " return r.getClientRects().length; }"
)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_workbench_in_each_language_at_1280_px(
    browser: Browser, server: tuple[str, Path], lang: str
) -> None:
    context = browser.new_context(base_url=server[0], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"/?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if lang == "zh" else "en")
    expect(page.locator("header nav").first).to_contain_text(
        "运行记录" if lang == "zh" else "Run history"
    )
    shot(page, f"library-{lang}")
    page.goto("/scenarios/ukraine-2025")  # the language is remembered
    valid = "有效：5个行为体、5个议题" if lang == "zh" else "valid: 5 actors, 5 issues"
    expect(page.locator("#status")).to_have_text(valid)
    expect(page.locator("#langs a[aria-current]")).to_have_text(
        "中文" if lang == "zh" else "English"
    )
    # The five issue columns fit; every issue's name shows whole; no header wraps.
    grid = page.locator(".grid-wrap")
    assert grid.evaluate("w => w.scrollWidth <= w.clientWidth")
    assert page.evaluate(
        "document.querySelector('#issues').getBoundingClientRect().right"
        " <= document.documentElement.clientWidth"
    )
    names = page.locator("input.i-name")
    assert names.count() == 5
    for k in range(5):
        assert names.nth(k).evaluate("i => i.scrollWidth <= i.clientWidth"), names.nth(
            k
        ).input_value()
    for th in page.locator("#actors th:not(.issue-head)").all():
        assert th.evaluate(LINES) <= 1, th.inner_text()
    for th in page.locator("#issues th").all():  # wrapped between words at most
        assert th.evaluate(LINES) <= 2, th.inner_text()
    shot(page, f"editor-{lang}", full_page=False)
    run(page, "forecast", "median", chart="gains")
    title = "加权中位数" if lang == "zh" else "Weighted median"
    expect(page.locator('#result section[data-model="median"] h3')).to_contain_text(title)
    page.goto("/runs")
    for th in page.locator("#runs th").all():
        assert th.evaluate(LINES) <= 1, th.inner_text()
    for link in page.locator("#runs td:last-child a").all():
        assert link.evaluate("a => a.getClientRects().length") == 1  # "中文" on one line
    shot(page, f"runs-{lang}", full_page=False)
    context.close()
    assert errors == []
