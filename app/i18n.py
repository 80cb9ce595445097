"""Language choice: Bahasa Indonesia first, English on request.

The source strings are Indonesian; app/translations/en holds the English. A visitor
picks a language with ?lang=en|id (remembered in the session), else the browser's
Accept-Language decides, else Indonesian.
"""
from flask import has_request_context, request, session

LANGUAGES = ("id", "en")


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
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else "id"
