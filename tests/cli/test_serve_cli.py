"""``detente serve``: loopback by default; anywhere else only with a token."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.cli.serve import RedactToken, is_loopback

runner = CliRunner()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What uvicorn.run was called with (nothing is started)."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.delenv("DETENTE_TOKEN", raising=False)
    return calls


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org"])
def test_non_loopback_without_a_token_exits_2(
    started: list[dict[str, Any]], host: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["serve", "--host", host, "--db", str(tmp_path / "r.sqlite")])
    assert result.exit_code == 2
    assert f"--host {host} is not a loopback address" in result.stderr
    assert "--token" in result.stderr
    assert "Traceback" not in result.output
    assert started == []


def test_non_loopback_with_a_token(
    started: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["serve", "--host", "0.0.0.0", "--port", "9000", "--scenarios", str(tmp_path)]
    args += ["--db", str(tmp_path / "runs.sqlite")]
    result = runner.invoke(app, [*args, "--token", "t0k"])
    assert result.exit_code == 0, result.output
    assert "http://0.0.0.0:9000/?token=t0k" in result.stdout
    (call,) = started
    assert (call["host"], call["port"]) == ("0.0.0.0", 9000)
    settings = call["app"].state.settings
    assert settings.token == "t0k"
    assert settings.allowed_hosts is None  # the token guards it, whatever name reaches it
    # The token may come from the environment instead.
    monkeypatch.setenv("DETENTE_TOKEN", "from-env")
    assert runner.invoke(app, args).exit_code == 0
    assert started[1]["app"].state.settings.token == "from-env"


@pytest.mark.parametrize("token", ["", " ", "\t \n"])
def test_a_blank_token_is_refused_off_loopback(
    started: list[dict[str, Any]], tmp_path: Path, token: str
) -> None:
    args = ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "r.sqlite"), "--token", token]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--token is blank (empty or only spaces)" in result.stderr
    assert "anyone who can reach 0.0.0.0" in result.stderr
    assert "Traceback" not in result.output
    assert started == []


def test_a_padded_token_is_the_token_it_pads(started: list[dict[str, Any]], tmp_path: Path) -> None:
    args = ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "r.sqlite")]
    assert runner.invoke(app, [*args, "--token", "  t0k "]).exit_code == 0
    assert started[0]["app"].state.settings.token == "t0k"


def test_loopback_by_default(started: list[dict[str, Any]], tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    result = runner.invoke(
        app, ["serve", "--scenarios", str(tmp_path), "--db", str(db), "--max-upload", "2000"]
    )
    assert result.exit_code == 0, result.output
    (call,) = started
    assert (call["host"], call["port"]) == ("127.0.0.1", 8000)
    settings = call["app"].state.settings
    assert settings.token is None
    assert settings.max_upload == 2000
    assert set(settings.allowed_hosts) == {"127.0.0.1", "localhost", "::1"}
    assert db.is_file()  # the run store was opened


def test_scenarios_must_be_a_folder(started: list[dict[str, Any]], tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("title: x\n")
    result = runner.invoke(app, ["serve", "--scenarios", str(tmp_path / "s.yaml")])
    assert result.exit_code == 2
    assert "not a folder" in result.stderr and "Traceback" not in result.output
    assert started == []


def test_the_access_log_never_shows_the_token() -> None:
    args = ("127.0.0.1:5000", "GET", "/?token=s3cret&x=1", "1.1", 303)
    record = logging.LogRecord("uvicorn.access", 20, "", 0, '%s - "%s %s HTTP/%s" %d', args, None)
    assert RedactToken().filter(record)
    assert "s3cret" not in record.getMessage() and "/?token=***&x=1" in record.getMessage()


def test_a_run_store_that_cannot_open_exits_2(started: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["serve", "--db", "nosuchdriver://x"])
    assert result.exit_code == 2
    assert "cannot open the run store" in result.stderr
    assert started == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.1", False),
        ("localhost.evil.example", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
