"""The track page: a folder of dated scenarios in the library, its chart and its changes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.report.messages import text
from detente.web.render import shown
from tests.web.conftest import EXAMPLES, make_client

TRACK = EXAMPLES / "ukraine-2025-26"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("tracks")
    shutil.copytree(TRACK, root / "library" / "ukraine-2025-26")
    (root / "library" / "not-a-track").mkdir()
    with make_client(root) as c:
        yield c


def test_library_lists_the_track_and_its_page_shows_chart_changes_and_scores(
    client: TestClient,
) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert 'href="/tracks/ukraine-2025-26"' in home.text
    assert "/tracks/not-a-track" not in home.text
    page = client.get("/tracks/ukraine-2025-26")
    assert page.status_code == 200
    text = page.text
    assert '<figure class="chart track-chart" id="track-chart"><svg' in text
    for day in ("2025-02-19", "2025-04-25", "2026-02-19"):
        assert f'data-as-of="{day}"' in text
    assert "A proposal is not an outcome" in text
    assert 'data-kind="outcomes (signed or decided)"' in text
    assert "Direct talks with Russia in Istanbul" in text  # a change's note
    assert 'href="/tracks/ukraine-2025-26/2025-08-19"' in text
    run_id = int(text.split('saved as run <a href="/runs/')[1].split('"')[0])
    saved = client.get(f"/runs/{run_id}")
    assert saved.status_code == 200
    # The saved run draws its chart again, from the store alone.
    assert '<figure class="chart track-chart" id="track-chart"><svg' in saved.text
    for day in ("2025-02-19", "2026-02-19"):
        assert f'data-as-of="{day}"' in saved.text
    # ... with each snapshot's status quo (the territory's moved: 75 to 78.5).
    headline = saved.text.split('id="track-headline"')[1].split("</table>")[0]
    assert f'<span class="hint">{shown(75)}</span>' in headline
    assert f'<span class="hint">{shown(78.5)}</span>' in headline
    assert "Direct talks with Russia in Istanbul" in saved.text
    assert "A proposal is not an outcome" in saved.text
    assert client.get(f"/api/runs/{run_id}").json()["kind"] == "track"


def test_the_track_page_speaks_the_page_language(client: TestClient) -> None:
    # The kinds of observation, the warning, the changes and the chart are in Chinese
    # on a Chinese page, fresh and saved alike: the track briefing's words.
    zh = {key: text(key, "zh") for key in ("report.track.not_outcome", "report.track.kind.outcome")}
    page = client.get("/tracks/ukraine-2025-26?lang=zh")
    assert page.status_code == 200
    assert zh["report.track.not_outcome"] in page.text
    assert f'data-kind="{zh["report.track.kind.outcome"]}"' in page.text
    assert "A proposal is not an outcome" not in page.text
    for field in ("capability", "no_deal_cost", "no_deal"):  # fields that changed
        assert f"<td>{text(f'report.track.field.{field}', 'zh')}</td>" in page.text
    run_id = int(page.text.split('<a href="/runs/')[1].split('"')[0])
    saved = client.get(f"/runs/{run_id}?lang=zh").text
    assert zh["report.track.not_outcome"] in saved
    assert '<figure class="chart track-chart" id="track-chart"><svg' in saved

    def chart(page: str) -> str:
        return page.split('id="track-chart"')[1].split("</figure>")[0]

    # The chart's labels differ by language (matplotlib writes text as paths).
    assert chart(saved) != chart(client.get(f"/runs/{run_id}?lang=en").text)


def test_a_snapshot_opens_in_the_editor_as_a_new_scenario(client: TestClient) -> None:
    page = client.get("/tracks/ukraine-2025-26/2025-08-19")
    assert page.status_code == 200
    assert "after the minerals deal and Alaska" in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/tracks/nowhere",
        "/tracks/%2E%2E",
        "/tracks/a..b",
        "/tracks/ukraine-2025-26/observed-not",
        "/tracks/ukraine-2025-26/..%2F..%2Fsecret",
        "/tracks/ukraine-2025-26/README",
    ],
)
def test_nothing_outside_a_track_is_reached(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_a_broken_track_says_what_is_wrong(client: TestClient, tmp_path: Path) -> None:
    library: Path = client.app.state.library.folder  # type: ignore[attr-defined]
    broken = library / "broken"
    broken.mkdir()
    shutil.copy(TRACK / "2025-04-25.yaml", broken / "a.yaml")
    shutil.copy(TRACK / "2025-04-25.yaml", broken / "b.yaml")
    page = client.get("/tracks/broken")
    assert page.status_code == 422
    assert "broken/b.yaml" in page.text and "also the date of broken/a.yaml" in page.text
    assert str(library) not in page.text


def test_a_track_saved_elsewhere_shows_its_chart_without_editor_links(client: TestClient) -> None:
    """A run saved by `detente track` on a folder the library does not hold: its page
    draws the chart from the store and names each snapshot's file, linking none."""
    from detente.track import track

    store = client.app.state.store  # type: ignore[attr-defined]
    run_id = store.save("track", track(TRACK), source="elsewhere/ukraine/2026-02-19.yaml")
    page = client.get(f"/runs/{run_id}")
    assert page.status_code == 200
    assert '<figure class="chart track-chart" id="track-chart"><svg' in page.text
    assert "2025-08-19.yaml" in page.text
    assert "/tracks/ukraine/" not in page.text
