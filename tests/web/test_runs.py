"""Runs in the background: progress, results and charts, and the bounds on them."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from detente import simulate
from detente.web.app import RETRY_AFTER_SECONDS
from tests.web.conftest import FLAGSHIP, make_client

#: Far more eu draws than any limit below allows (10,000 take seconds).
LONG = {"kind": "simulate", "scenario": "ukraine-2025", "model": "eu", "draws": 200_000}


def wait(client: TestClient, job_id: str, timeout: float = 30) -> dict:
    end = time.time() + timeout
    while time.time() < end:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] != "running":
            return job
        time.sleep(0.05)
    raise AssertionError(f"run {job_id} still running after {timeout} s")


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_simulate_in_the_background(client: TestClient) -> None:
    body = {"kind": "simulate", "scenario": "ukraine-2025", "model": "compromise", "draws": 3000}
    started = client.post("/api/jobs", json=body)
    assert started.status_code == 202
    job = wait(client, started.json()["id"])
    assert job["state"] == "done"
    assert job["progress"] == {"done": 3000, "total": 3000, "text": "3,000 of 3,000 draws"}
    run = simulate(FLAGSHIP, model="compromise", draws=3000, seed=0)
    expected = run.to_dict()
    assert (
        job["result"]["models"]["compromise"]["issues"]
        == expected["models"]["compromise"]["issues"]
    )
    assert "_draws" not in job["result"]  # the draws went to the store, not the answer
    (forecasts,) = [
        d for d in client.app.state.store.draws(job["run_id"]) if d.quantity == "forecast"
    ]
    assert np.array_equal(forecasts.values, run.models["compromise"].forecasts, equal_nan=True)
    saved = client.get(f"/api/runs/{job['run_id']}").json()
    assert saved["kind"] == "simulate"
    assert saved["seed"] == 0
    assert saved["options"] == {"draws": 3000}
    # The page fragment and the chart it shows.
    fragment = client.get(f"/fragments/jobs/{job['id']}")
    assert fragment.status_code == 200
    assert f"/runs/{job['run_id']}/charts/distribution.svg?model=compromise" in fragment.text
    chart = client.get(f"/runs/{job['run_id']}/charts/distribution.svg?model=compromise")
    assert chart.status_code == 200
    assert chart.headers["content-type"] == "image/svg+xml"
    assert chart.text.startswith("<?xml")


@pytest.mark.parametrize(("field", "value"), [("seed", False), ("draws", "200"), ("seed", 1.5)])
def test_numbers_of_the_wrong_type_are_refused(
    client: TestClient, field: str, value: object
) -> None:
    body = {"kind": "simulate", "scenario": "ukraine-2025", "model": "median", field: value}
    response = client.post("/api/jobs", json=body)
    assert response.status_code == 422
    assert response.json()["problems"][0]["where"] == field


def test_a_refused_run_says_why(client: TestClient) -> None:
    body = {"kind": "simulate", "scenario": "ukraine-2025", "model": "eu", "params": {"q": 7}}
    job = wait(client, client.post("/api/jobs", json=body).json()["id"])
    assert job["state"] == "failed"
    assert job["error"].startswith("bad parameter for model 'eu'")
    assert "result" not in job


def test_cancel_stops_the_worker(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        job = client.post("/api/jobs", json=LONG).json()
        time.sleep(0.3)
        assert client.get(f"/api/jobs/{job['id']}").json()["state"] == "running"
        pid = client.app.state.jobs.get(job["id"]).pid  # type: ignore[attr-defined]
        cancelled = client.delete(f"/api/jobs/{job['id']}")
        assert cancelled.status_code == 200
        assert cancelled.json()["state"] == "cancelled"
        assert gone(pid)
        # The next run gets a fresh worker.
        quick = client.post("/api/forecast", json={"scenario": "ukraine-2025", "model": "median"})
        assert quick.status_code == 200


def test_runs_are_bounded_in_time_and_number(tmp_path: Path) -> None:
    with make_client(tmp_path, max_seconds=1.0, max_running=1) as client:
        first = client.post("/api/jobs", json=LONG).json()
        busy = client.post("/api/jobs", json=LONG)
        assert busy.status_code == 429
        assert busy.json()["error"].startswith("1 runs are under way, the most this server allows")
        assert busy.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
        forecast = client.post("/api/forecast", json={"scenario": "ukraine-2025"})
        assert forecast.status_code == 429
        assert forecast.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
        start = time.time()
        job = wait(client, first["id"])
        assert job["state"] == "timed out"
        assert job["error"] == (
            "stopped after 1 s, the limit of this server (detente serve --max-seconds)"
        )
        assert time.time() - start < 3
        assert gone(client.app.state.jobs.get(first["id"]).pid)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "run_id",
    ["99999999999999999999999", str(2**63), "0", "-1", "abc", "1e3"],
)
def test_a_run_id_no_store_holds_is_a_missing_run(client: TestClient, run_id: str) -> None:
    # Past 64 bits SQLite overflowed (a 500); a malformed id named nothing either.
    for response in (
        client.get(f"/api/runs/{run_id}"),
        client.post(f"/api/runs/{run_id}/report"),
    ):
        assert response.status_code == 404, response.text
        assert response.json() == {"error": f"no run {run_id}"}
    for path in (f"/runs/{run_id}", f"/runs/{run_id}/report", f"/runs/{run_id}/charts/gains.svg"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert f"no run {run_id}" in page.text
    if run_id.lstrip("-").isdigit():
        assert client.get(f"/new?run={run_id}").status_code == 404


def test_briefings_are_offered_only_for_runs_that_have_them(client: TestClient) -> None:
    forecast = client.post("/api/forecast", json={"scenario": "ukraine-2025", "model": "median"})
    forecast_id = forecast.headers["x-detente-run"]
    body = {"kind": "sensitivity", "scenario": "ukraine-2025", "model": "median", "draws": 64}
    sensitivity_id = wait(client, client.post("/api/jobs", json=body).json()["id"])["run_id"]
    history = client.get("/runs").text
    assert f'href="/runs/{forecast_id}/report?lang=en"' in history
    assert f'href="/runs/{sensitivity_id}"' in history
    assert f"/runs/{sensitivity_id}/report" not in history  # it would lead to a 400 page
    run_page = client.get(f"/runs/{sensitivity_id}").text
    assert f"/runs/{sensitivity_id}/report" not in run_page
    refused = client.get(f"/runs/{sensitivity_id}/report")
    assert refused.status_code == 400
    assert "a briefing is made from a forecast, comparison or simulation" in refused.text


def test_unknown_runs(client: TestClient) -> None:
    assert client.get("/api/jobs/nope").status_code == 404
    assert client.delete("/api/jobs/nope").status_code == 404
    assert client.get("/api/runs/99999").status_code == 404
    assert client.get("/fragments/jobs/nope").status_code == 404
    for path in ("/runs/99999", "/new?run=99999", "/runs/99999/charts/gains.svg"):
        page = client.get(path)
        assert page.status_code == 404
        assert "no run 99999" in page.text
        # Neither where the database lives nor a command a visitor cannot run.
        assert "sqlite" not in page.text and "detente runs" not in page.text


@pytest.mark.parametrize("model", ["median", "eu"])
def test_forecast_result_page_and_charts(client: TestClient, model: str) -> None:
    response = client.post("/api/forecast", json={"scenario": "ukraine-2025", "model": model})
    run_id = int(response.headers["x-detente-run"])
    page = client.get(f"/runs/{run_id}")
    assert page.status_code == 200
    forecasts = response.json()["models"][model]["forecasts"]
    for issue, value in forecasts.items():
        assert f'<tr data-issue="{issue}">' in page.text
        assert f"{value:.1f}" in page.text
    kinds = ["rounds", "gains"] if model == "eu" else ["gains"]
    for kind in kinds:
        url = f"/runs/{run_id}/charts/{kind}.svg?model={model}&amp;lang=en"
        assert url in page.text
        assert client.get(url.replace("&amp;", "&")).text.startswith("<?xml")
    if model == "median":
        assert "charts/rounds.svg" not in page.text  # a static model has no rounds
    # A chart the run cannot have is refused with a message.
    wrong = client.get(f"/runs/{run_id}/charts/distribution.svg?model={model}")
    assert wrong.status_code == 400
    assert "needs the result of a simulate run" in wrong.text
