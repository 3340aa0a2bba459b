"""A token guards every request when set; other sites cannot use the browser against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.errors import DetenteError
from detente.web import Settings, create_app
from detente.web.app import TOKEN_COOKIE, cookie_value
from tests.web.conftest import make_client

TOKEN = "s3cret token; with odd characters"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with make_client(tmp_path_factory.mktemp("token"), token=TOKEN) as c:
        yield c


@pytest.mark.parametrize(
    "path", ["/", "/scenarios/ukraine-2025", "/static/app.css", "/openapi.json", "/api/scenarios"]
)
def test_every_request_needs_the_token(guarded: TestClient, path: str) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = guarded.get(path, headers=headers)
        assert response.status_code == 401, (path, headers)
        assert "needs its token" in response.text
    response = guarded.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, path


def test_posting_needs_the_token(guarded: TestClient) -> None:
    body = {"scenario": "ukraine-2025", "model": "median"}
    assert guarded.post("/api/forecast", json=body).status_code == 401
    answer = guarded.post("/api/forecast", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200


def test_the_address_with_the_token_sets_a_cookie(tmp_path: Path) -> None:
    with make_client(tmp_path, token=TOKEN) as client:
        response = client.get(
            "/runs", params={"token": TOKEN, "scenario": "x"}, follow_redirects=False
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/runs?scenario=x"  # the token leaves the address
        cookie = response.cookies[TOKEN_COOKIE]
        assert cookie == cookie_value(TOKEN) != TOKEN
        assert "HttpOnly" in response.headers["set-cookie"]
        assert "SameSite=Strict" in response.headers["set-cookie"]
        # The browser now sends the cookie: pages and the API answer.
        assert client.get("/").status_code == 200
        assert client.get("/api/scenarios").status_code == 200
        # A wrong token in the address sets nothing.
        client.cookies.clear()
        assert client.get("/?token=wrong", follow_redirects=False).status_code == 401


def test_other_sites_cannot_post(client: TestClient) -> None:
    body = {"scenario": "ukraine-2025", "model": "median"}
    evil = client.post("/api/forecast", json=body, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403
    assert evil.json() == {"error": "cross-origin request refused"}
    same = client.post("/api/forecast", json=body, headers={"Origin": "http://testserver"})
    assert same.status_code == 200
    # Reading is not refused (a page elsewhere cannot read the answer anyway).
    assert (
        client.get("/api/scenarios", headers={"Origin": "http://evil.example"}).status_code == 200
    )


def test_only_the_bound_host_names_answer(tmp_path: Path) -> None:
    hosts = ("127.0.0.1", "localhost", "::1", "testserver")
    with make_client(tmp_path, allowed_hosts=hosts) as client:
        assert client.get("/api/scenarios").status_code == 200
        for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
            assert client.get("/api/scenarios", headers={"Host": host}).status_code == 200
        # A name that resolves to 127.0.0.1 for an attacker's page (DNS rebinding).
        rebound = client.get("/api/scenarios", headers={"Host": "evil.example:8000"})
        assert rebound.status_code == 421
        assert rebound.json() == {"error": "this server does not answer for 'evil.example:8000'"}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/scenarios/ukraine-2025", 200),
        ("/runs", 200),
        ("/static/app.css", 200),
        ("/api/scenarios", 200),
        ("/openapi.json", 200),
        ("/nowhere", 404),
    ],
)
def test_no_other_site_may_frame_a_page(client: TestClient, path: str, status: int) -> None:
    # Another page framed the editor and clicked Save (clickjacking).
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_refusals_and_redirects_may_not_be_framed_either(guarded: TestClient) -> None:
    refused = guarded.get("/")
    redirect = guarded.get(f"/?token={TOKEN}", follow_redirects=False)
    assert (refused.status_code, redirect.status_code) == (401, 303)
    for response in (refused, redirect):
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"] == "frame-ancestors 'none'"


@pytest.mark.parametrize("token", ["", " ", "\t\n"])
def test_a_blank_token_is_refused(tmp_path: Path, token: str) -> None:
    with pytest.raises(DetenteError, match="the token is blank, so it would let anyone in"):
        create_app(Settings(scenarios=tmp_path, db="sqlite://", token=token))
