"""The workbench's application factory: settings, safety checks and error pages.

Every request passes, in order: the host check (a browser page on another
site cannot reach a loopback server through DNS rebinding), the token check
(when a token is set: ``Authorization: Bearer TOKEN``, or the cookie a
browser gets by opening ``/?token=TOKEN`` once), the cross-origin check (a
page on another site cannot make the browser post to the workbench) and the
body limit (``max_upload`` bytes, for uploads and JSON alike). Errors come
back as ``{"error": ..., "problems": [...]}`` under ``/api/`` and as a page
elsewhere, never as a traceback (which goes to the server's log).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

import detente
from detente.errors import DetenteError, ScenarioError
from detente.web import i18n
from detente.web.jobs import BusyError, Jobs, problem_dicts
from detente.web.library import ExistsError, Library, NotFoundError
from detente.web.render import templates
from detente.web.schema import finish_openapi

log = logging.getLogger("detente.web")

# Every page's words in the reader's language (see detente.web.i18n).
if i18n.context not in templates.context_processors:
    templates.context_processors.append(i18n.context)
templates.env.filters["input_size"] = i18n.input_size

HERE = Path(__file__).resolve().parent
TOKEN_COOKIE = "detente_token"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
#: Seconds a client refused for want of a free run slot is asked to wait (``Retry-After``).
RETRY_AFTER_SECONDS = 5
#: On every response: no other site may frame a page (clickjacking), nor sniff a type.
SECURITY_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Settings:
    """What ``detente serve`` passes to the application."""

    scenarios: Path = Path(".")
    db: str | None = None
    token: str | None = None
    #: Largest request body, in bytes (uploads and JSON).
    max_upload: int = 1_000_000
    #: Longest a run may take before it is stopped.
    max_seconds: float = 300.0
    #: Runs at once.
    max_running: int = 2
    #: Host names a request may be addressed to (None: any).
    allowed_hosts: tuple[str, ...] | None = None


def create_app(settings: Settings | None = None) -> FastAPI:
    """The workbench for ``settings`` (a :class:`Settings`); serve it with any ASGI server."""
    from detente.store import RunStore
    from detente.web import api, pages, tracks

    settings = settings or Settings()
    if settings.token is not None and not settings.token.strip():
        raise DetenteError(
            "the token is blank, so it would let anyone in (fix: a token of letters and digits, "
            "e.g. python -c 'import secrets; print(secrets.token_urlsafe())')"
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A worker process and matplotlib take seconds to start: start them now.
        app.state.jobs.warm()
        threading.Thread(target=import_module, args=("detente.report.charts",), daemon=True).start()
        yield
        app.state.jobs.close()
        app.state.store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="detente workbench",
        version=detente.__version__,
        description="Edit a scenario, run the models, compare, see the results.",
        docs_url=None,  # the interactive pages load from a CDN; /openapi.json stays
        redoc_url=None,
    )
    default_openapi = app.openapi
    app.openapi = lambda: finish_openapi(default_openapi())  # type: ignore[method-assign]
    app.state.settings = settings
    app.state.library = Library(settings.scenarios)
    app.state.store = RunStore(settings.db)
    app.state.jobs = Jobs(max_running=settings.max_running, max_seconds=settings.max_seconds)
    app.state.jobs.on_done.append(lambda job: api.save_run(app, job))
    app.state.reports = OrderedDict()
    app.state.report_jobs = {}
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(tracks.router)
    _handle_errors(app)
    app.add_middleware(_Guard, settings=settings)  # type: ignore[arg-type]
    return app


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def error_response(
    request: Request,
    status: int,
    error: str,
    problems: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The refusal as JSON (API) or as a page that says what to do."""
    if wants_json(request):
        body: dict[str, Any] = {"error": error}
        if problems:
            body["problems"] = problems
        return JSONResponse(body, status_code=status, headers=headers)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "error": error, "problems": problems or []},
        status_code=status,
        headers=headers,
    )


def request_problem(where: str, message: str, fix: str = "") -> dict[str, str]:
    """One problem with the request itself (not with a scenario), as refusals list them."""
    text = f"{where}: {message}" if where else message
    return {
        "file": "request",
        "where": where,
        "message": message,
        "fix": fix,
        "text": f"{text} (fix: {fix})" if fix else text,
    }


#: The methods a route may answer (HEAD is answered wherever GET is, see _Guard).
METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> str:
    """The ``Allow`` header of the request's path: every method some route there answers.

    Each route is asked whether it would take the path with each method (the
    routers FastAPI nests report no methods of their own); a mount (the static
    files) serves GET only.
    """
    methods: set[str] = set()
    # The scope as the app received it (a mount it went through has lengthened root_path).
    scope = {**request.scope, "root_path": request.scope.get("app_root_path", "")}
    for route in request.app.router.routes:
        for method in ("GET",) if isinstance(route, Mount) else METHODS:
            if route.matches({**scope, "method": method})[0] == Match.FULL:
                methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def _handle_errors(app: FastAPI) -> None:
    async def scenario_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ScenarioError)
        return error_response(request, 422, "the scenario was refused", problem_dicts(exc))

    async def not_found(request: Request, exc: Exception) -> Response:
        return error_response(request, 404, f"no scenario named {str(exc)!r}")

    async def exists(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ExistsError)
        fix = "choose another name, or replace it (the API: PUT with replace=true)"
        problem = request_problem("name", str(exc), fix)
        problem["file"] = exc.file
        return error_response(request, 409, str(exc), [problem])

    async def busy(request: Request, exc: Exception) -> Response:
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return error_response(request, 429, str(exc), headers=retry)

    async def detente_error(request: Request, exc: Exception) -> Response:
        return error_response(request, 400, str(exc))

    async def bad_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        path_errors = [e for e in errors if tuple(e.get("loc", ()))[:1] == ("path",)]
        if path_errors:
            # A path names a thing; a malformed name (a run id that is no number) names nothing.
            value = path_errors[0].get("input")
            what = "run" if tuple(path_errors[0]["loc"])[1:] == ("run_id",) else "such page:"
            return error_response(request, 404, f"no {what} {value}")
        problems = []
        for err in errors:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            problems.append(request_problem(where, str(err.get("msg", ""))))
        return error_response(request, 422, "the request was refused", problems)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = str(exc.detail)
        headers = dict(exc.headers or {})
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such page: {request.url.path}"
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
            detail = f"{request.method} is not answered here; use {headers['Allow']}"
        if exc.status_code == 400:
            # The only HTTPException 400 is FastAPI's or Starlette's: a body that could not
            # be read (not UTF-8 JSON, broken multipart). Refused like any other bad request.
            problem = request_problem(
                "body",
                f"the body could not be read ({detail.rstrip('.')})",
                "send JSON (Content-Type: application/json) or, for an upload, "
                "multipart/form-data, as /openapi.json describes",
            )
            return error_response(request, 422, "the request was refused", [problem], headers)
        return error_response(request, exc.status_code, detail, headers=headers or None)

    async def crash(request: Request, exc: Exception) -> Response:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(
            request, 500, f"internal error ({type(exc).__name__}); the server's log has details"
        )

    app.add_exception_handler(ScenarioError, scenario_error)
    app.add_exception_handler(NotFoundError, not_found)
    app.add_exception_handler(ExistsError, exists)
    app.add_exception_handler(BusyError, busy)
    app.add_exception_handler(DetenteError, detente_error)
    app.add_exception_handler(RequestValidationError, bad_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, crash)


class _Guard:
    """Host, token, origin and body-size checks for every HTTP request (see module doc)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _secured(send, head=scope["method"] == "HEAD", scope=scope)
        if scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}  # answered as GET; _secured drops the body
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]
        api = path.startswith("/api/") or path == "/openapi.json"
        host = headers.get("host", "")
        allowed = self.settings.allowed_hosts
        if allowed is not None and _hostname(host) not in allowed:
            await _refuse(scope, receive, send, 421, f"this server does not answer for {host!r}")
            return
        token = self.settings.token
        if token is not None:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if (
                not api
                and scope["method"] == "GET"
                and hmac.compare_digest(query.get("token", "").encode(), token.encode())
            ):
                await _token_redirect(scope, send, query)
                return
            if not _has_token(headers, token):
                message = (
                    "this workbench needs its token: send 'Authorization: Bearer TOKEN', "
                    "or open the address `detente serve` printed (it ends in ?token=...)"
                )
                await _refuse(scope, receive, send, 401, message, api=api)
                return
        origin = headers.get("origin")
        if (
            scope["method"] not in ("GET", "HEAD", "OPTIONS")
            and origin is not None
            and urlsplit(origin).netloc != host
        ):
            await _refuse(scope, receive, send, 403, "cross-origin request refused", api=api)
            return
        limit = self.settings.max_upload
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await _refuse(scope, receive, send, 413, _too_large(int(length), limit), api=api)
            return
        body, more = bytearray(), True
        while more:
            received = await receive()
            if received["type"] == "http.disconnect":
                return
            body += received.get("body", b"")
            more = received.get("more_body", False)
            if len(body) > limit:
                await _refuse(scope, None, send, 413, _too_large(len(body), limit), api=api)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)


def _secured(send: Send, head: bool, scope: Scope) -> Send:
    """``send`` adding :data:`SECURITY_HEADERS` to the response (and no body for HEAD);
    a page asked for in a language (``?lang=zh``) sets the cookie that remembers it."""
    remember = i18n.set_cookie_header(
        scope["path"], scope.get("query_string", b"").decode("latin-1")
    )

    async def secured(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            if remember is not None:
                headers.append((b"set-cookie", remember))
            message = {**message, "headers": headers}
        elif head and message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return secured


def _too_large(size: int, limit: int) -> str:
    return (
        f"the request is {size:,} bytes or more, over this server's limit of {limit:,} bytes "
        "(detente serve --max-upload)"
    )


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _has_token(headers: dict[str, str], token: str) -> bool:
    expected = token.encode()
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), expected):
        return True
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:
        return False
    morsel = cookie.get(TOKEN_COOKIE)
    return morsel is not None and hmac.compare_digest(
        morsel.value.encode(), cookie_value(token).encode()
    )


def cookie_value(token: str) -> str:
    """What the browser keeps: a digest of the token (any text), never the token itself."""
    return hmac.new(token.encode(), b"detente-workbench-cookie", hashlib.sha256).hexdigest()


async def _token_redirect(scope: Scope, send: Send, query: dict[str, str]) -> None:
    """``/page?token=T`` -> cookie set, then ``/page`` (the token leaves the address bar)."""
    rest = {k: v for k, v in query.items() if k != "token"}
    target = scope["path"] + (f"?{urlencode(rest)}" if rest else "")
    cookie = f"{TOKEN_COOKIE}={cookie_value(query['token'])}; Path=/; HttpOnly; SameSite=Strict"
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", target.encode()), (b"set-cookie", cookie.encode())],
        }
    )
    await send({"type": "http.response.body", "body": b""})


async def _refuse(
    scope: Scope, receive: Receive | None, send: Send, status: int, error: str, api: bool = True
) -> None:
    response: Response
    if api:
        response = JSONResponse({"error": error}, status_code=status)
    else:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        lang = i18n.choose(
            query.get("lang"), headers.get("cookie", ""), headers.get("accept-language", "")
        )
        html = templates.get_template("error.html").render(
            status=status, error=error, problems=[], bare=True, **i18n.page_context(lang)
        )
        response = HTMLResponse(html, status_code=status)

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, receive or nothing, send)
