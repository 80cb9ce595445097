"""Language choice: Bahasa Indonesia first, English on request.

The source strings are Indonesian; app/translations/en holds the English. A visitor
picks a language with ?lang=en|id (remembered in the session), else the browser's
Accept-Language decides, else Indonesian.

Every user-visible text goes through Flask-Babel. Services never read the request: a
message they raise is a lazy string, translated where it is shown; a service that answers
in a language its caller names (`lang`: the API, a complainant's mail, a PDF) runs under
`force_locale` through `in_callers_language` or `in_language`.
"""
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import has_request_context, request, session
from flask_babel import LazyString, force_locale, get_locale

LANGUAGES = ("id", "en")

P = ParamSpec("P")
R = TypeVar("R")


def select_locale() -> str:
    if not has_request_context():  # the command line and background tasks speak Indonesian
        return "id"
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        if not request.path.startswith("/api/"):  # the API is stateless: no language cookie
            session["lang"] = chosen
        return chosen
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(LANGUAGES, default="id")


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "id"


def in_language(message: LazyString | str, lang: str) -> str:
    """A lazy message as text in `lang` ("id" or "en", anything else is Indonesian),
    inside a request or outside one."""
    with force_locale(lang if lang in LANGUAGES else "id"):
        return str(message)


def in_callers_language(function: Callable[P, R]) -> Callable[P, R]:
    """Runs a service function under force_locale(its `lang` keyword argument, Indonesian
    when not given), so the gettext messages it returns or raises are in the language its
    caller asked for, whatever the request's own locale."""

    @wraps(function)
    def speaking(*args: P.args, **kwargs: P.kwargs) -> R:
        lang = kwargs.get("lang", "id")
        with force_locale(lang if lang in LANGUAGES else "id"):
            return function(*args, **kwargs)

    return speaking
