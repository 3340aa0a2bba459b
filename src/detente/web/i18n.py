"""The workbench's own words in the reader's language: English or Chinese.

Every page's words (menus, headings, buttons, table headers, the scripts'
messages) come from :data:`detente.web.messages.MESSAGES` by key, in the
language the reader chose: ``?lang=zh`` on any page (the switch in every
page's header), remembered in a cookie; before any choice, the browser's
preferred language. Words that come from the scenario (titles, issue names,
labels, notes) are the analyst's and are shown as written; messages of the
library's checks (a scenario's problems) stay in English, as the command line
prints them.
"""

from __future__ import annotations

from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any

from starlette.requests import Request

from detente.report.messages import LANGS
from detente.web.messages import MESSAGES

#: The cookie that keeps the reader's choice (a year; not a secret).
LANG_COOKIE = "detente_lang"
HTML_LANG = {"en": "en", "zh": "zh-Hans"}
#: How each language calls itself, for the switch.
NAMES = {"en": "English", "zh": "中文"}


def preferred(accept_language: str) -> str | None:
    """The first of :data:`LANGS` an ``Accept-Language`` header asks for, by weight."""
    ranked = []
    for k, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        ranked.append((-weight, k, tag.strip().lower().split("-")[0]))
    for weight, _, primary in sorted(ranked):
        if weight < 0 and primary in LANGS:
            return primary
    return None


def choose(query: str | None, cookie_header: str, accept_language: str) -> str:
    """The language of a page: asked for in the address, else remembered, else preferred."""
    if query in LANGS:
        return query
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(cookie_header)
    except Exception:
        cookie = SimpleCookie()
    kept = cookie.get(LANG_COOKIE)
    if kept is not None and kept.value in LANGS:
        return kept.value
    return preferred(accept_language) or "en"


def request_lang(request: Request) -> str:
    return choose(
        request.query_params.get("lang"),
        request.headers.get("cookie", ""),
        request.headers.get("accept-language", ""),
    )


def translator(lang: str) -> Callable[..., str]:
    """``_(key, **values)``: the message ``key`` in ``lang``, placeholders filled."""
    messages = MESSAGES[lang]

    def translate(key: str, **values: Any) -> str:
        text = messages[key]
        return text.format(**values) if values else text

    return translate


def js_messages(lang: str) -> dict[str, str]:
    """The messages the pages' scripts show (keys ``js.*``), for the page to carry."""
    return {k: v for k, v in MESSAGES[lang].items() if k.startswith("js.")}


def model_title(lang: str) -> Callable[[str, str], str]:
    """A model's title in ``lang``: the briefing's Chinese title, else the model's own."""
    from detente.report.messages import MESSAGES as REPORT

    def title(name: str, default: str) -> str:
        return REPORT[lang].get(f"model.{name}.title", default) if lang != "en" else default

    return title


def kind_name(lang: str) -> Callable[[str], str]:
    """A run kind's name in ``lang`` (a kind the catalogue does not know, as it is)."""
    messages = MESSAGES[lang]
    return lambda kind: messages.get(f"kind.{kind}", kind)


def input_size(text: str, least: int = 12, most: int = 48) -> int:
    """An input's ``size`` that shows ``text`` whole (a Chinese character is two wide)."""
    import unicodedata

    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text or "")
    return max(least, min(most, width + 2))


def page_context(lang: str) -> dict[str, Any]:
    """The words of a page in ``lang`` (without the switch, which needs the address)."""
    return {
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "_": translator(lang),
        "model_title": model_title(lang),
        "kind_name": kind_name(lang),
        "js_messages": js_messages(lang),
        "switch": [],
    }


def context(request: Request) -> dict[str, Any]:
    """What every page's template gets: the language, ``_``, the switch and the scripts' words."""
    lang = request_lang(request)
    switch = [
        {"lang": code, "name": NAMES[code], "url": _with_lang(request, code)} for code in LANGS
    ]
    return {**page_context(lang), "switch": switch}


def _with_lang(request: Request, lang: str) -> str:
    """This page's address (path and query) in ``lang``."""
    url = request.url.include_query_params(lang=lang)
    return f"{url.path}?{url.query}"


def set_cookie_header(path: str, query_string: str) -> bytes | None:
    """The ``Set-Cookie`` that remembers a ``lang`` asked for in the address (else None).

    A briefing's ``lang`` (``/runs/ID/report?lang=zh``) is the briefing's language:
    its page shows in it, but the workbench's language stays as it was.
    """
    from urllib.parse import parse_qsl

    lang = dict(parse_qsl(query_string)).get("lang")
    if lang not in LANGS or path.endswith("/report"):
        return None
    return f"{LANG_COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax".encode()
