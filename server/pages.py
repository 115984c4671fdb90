"""What every page of ours needs from the request: its language, and links to the other one."""

from __future__ import annotations

from flask import request

from .page_text import LANGUAGES
from .problem import Problem


def page_language() -> str:
    """`?lang=ru` or `?lang=en` when given, else the best of the browser's Accept-Language."""
    asked = request.args.get("lang")
    if asked is not None:
        if asked not in LANGUAGES:
            raise Problem(400, f"parameter 'lang' must be one of: {', '.join(LANGUAGES)}")
        return asked
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def language_links(lang: str) -> list[tuple[str, str, bool]]:
    """(language, URL of this page in it, is current) for the language switch."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    links = []
    for code in LANGUAGES:
        query = "&".join(f"{k}={_quote(v)}" for k, v in {**args, "lang": code}.items())
        links.append((code, f"{request.path}?{query}", code == lang))
    return links


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
