"""``detente serve``: the web workbench (see :mod:`detente.web`)."""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import app, err, guarded, out

LOOPBACK_NAMES = ("localhost",)


class RedactToken(logging.Filter):
    """Keep the token out of the access log: the first link carries it as ``?token=``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_QUERY.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args
            )
        return True


_TOKEN_QUERY = re.compile(r"((?:\?|&)token=)[^&\s]*")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: addresses only this machine reaches."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="port to listen on")] = 8000,
    db: Annotated[
        str | None, typer.Option(help="run store: SQLAlchemy URL or SQLite file (else $DETENTE_DB)")
    ] = None,
    scenarios: Annotated[
        Path, typer.Option(help="folder of scenario files; uploads and saves go here too")
    ] = Path("."),
    token: Annotated[
        str | None,
        typer.Option(
            envvar="DETENTE_TOKEN",
            help="required with a non-loopback --host: every request must send it",
        ),
    ] = None,
    max_upload: Annotated[
        int, typer.Option(min=1, help="largest upload or request body, in bytes")
    ] = 1_000_000,
    max_seconds: Annotated[
        float, typer.Option(min=0.1, help="a run taking longer is stopped")
    ] = 300.0,
    max_runs: Annotated[int, typer.Option(min=1, help="runs at the same time")] = 2,
) -> None:
    """Open the web workbench: edit scenarios, run the models, see and compare results."""
    loopback = is_loopback(host)
    if token is not None and token.strip() != token:
        token = token.strip()  # a header's value arrives stripped: a padded token never matches
    if token == "" and not loopback:
        err.print(
            "[red]error:[/red] --token is blank (empty or only spaces), so it would let "
            f"anyone who can reach {host} use the workbench: set a token of letters and "
            "digits (e.g. python -c 'import secrets; print(secrets.token_urlsafe())'), "
            "or bind to 127.0.0.1",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    token = token or None
    if not loopback and token is None:
        err.print(
            f"[red]error:[/red] --host {host} is not a loopback address, so anyone who can "
            "reach this machine could use the workbench: set --token TOKEN (or the "
            "environment variable DETENTE_TOKEN), or bind to 127.0.0.1",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    try:
        import uvicorn

        from detente.web import Settings, create_app
    except ImportError as exc:
        err.print(
            f"[red]error:[/red] the workbench needs the web extra ({exc.name} is missing): "
            "pip install 'detente[web]'",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    settings = Settings(
        scenarios=scenarios,
        db=db,
        token=token,
        max_upload=max_upload,
        max_seconds=max_seconds,
        max_running=max_runs,
        allowed_hosts=tuple({"127.0.0.1", "localhost", "::1", host.strip("[]")})
        if loopback
        else None,
    )
    web_app = guarded(lambda: create_app(settings))
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    out.print(f"detente workbench on {url}{'?token=' + token if token else ''}", highlight=False)
    out.print(f"scenarios: {os.path.abspath(scenarios)}", highlight=False)
    logging.getLogger("uvicorn.access").addFilter(RedactToken())
    uvicorn.run(web_app, host=host.strip("[]"), port=port, log_level="info")
