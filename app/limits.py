"""The web side of abuse resistance (rules in app/services/abuse.py): one decorator for
every public route, which runs before the view, so a refused request stores nothing.

    @public_endpoint("track")                    # rate limit only
    @public_endpoint("public", content=True)     # + content heuristics, upload names (API)
    @public_endpoint("complaint", form=True)     # + honeypot and fill time (web forms)

A form guarded with form=True renders `{{ spam_guard() }}` inside its <form>.
"""
import ipaddress
from collections.abc import Iterable
from functools import wraps

from flask import Flask, current_app, jsonify, render_template, request
from markupsafe import Markup, escape

from app.i18n import current_language
from app.services.abuse import (
    HONEYPOT_FIELD,
    STARTED_FIELD,
    Refused,
    check_content,
    check_form,
    check_upload_name,
    count_hit,
    namespace_for,
    parse_limits,
    started_token,
)
from app.services.complaints import sniff_type


def install(app: Flask) -> None:
    app.jinja_env.globals["spam_guard"] = spam_guard


def spam_guard() -> Markup:
    """The hidden fields of a guarded form: the honeypot and the signed opening time."""
    token = started_token(secret_key=current_app.config["SECRET_KEY"])
    return Markup(
        '<div class="hp" aria-hidden="true" style="position:absolute;left:-10000px;height:0;overflow:hidden">'
        f'<label for="{HONEYPOT_FIELD}">Website</label>'
        f'<input type="text" id="{HONEYPOT_FIELD}" name="{HONEYPOT_FIELD}" tabindex="-1" autocomplete="off" value="">'
        f'</div><input type="hidden" name="{STARTED_FIELD}" value="{escape(token)}">'
    )


def client_address() -> str:
    """The client's address; X-Forwarded-For counts only as far as DUMAS_TRUSTED_PROXIES
    proxies of our own appended to it (anything further left is the client's to forge).
    An IPv6 client is counted by its /64, which one subscriber usually holds whole."""
    address = request.remote_addr or "unknown"
    proxies = current_app.config.get("DUMAS_TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6 and not ip.ipv4_mapped:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


def public_endpoint(scope: str, *, form: bool = False, content: bool = False, methods: Iterable[str] = ("POST",)):
    """Rate-limit `scope` per client address for these methods; with `content`, also the
    content heuristics and upload names; with `form` (a web form rendering spam_guard()),
    all of that and the honeypot and fill time. A refusal answers 429/400 with the reason."""
    methods = frozenset(methods)

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if request.method in methods:
                try:
                    screen_request(scope, form=form, content=content)
                except Refused as refusal:
                    return refusal_response(refusal)
            return view(*args, **kwargs)

        return guarded

    return decorate


def screen_request(scope: str, *, form: bool = False, content: bool = False) -> None:
    """The checks themselves, for a route that wants to run them at its own moment;
    raises Refused."""
    config = current_app.config
    limits = parse_limits(config.get("DUMAS_RATE_LIMITS", ""))
    count_hit(scope=scope, client=client_address(), limit=limits.get(scope, limits["public"]),
              redis_url=config.get("REDIS_URL"), namespace=namespace_for(config["SQLALCHEMY_DATABASE_URI"]))
    fields = request.form.to_dict() if request.form else {}
    if form:
        check_form(fields=fields, secret_key=config["SECRET_KEY"],
                   min_seconds=config.get("DUMAS_MIN_FILL_SECONDS", 0))
    if not (form or content):
        return
    check_content([v for k, v in (fields or _json_strings()).items() if k not in (HONEYPOT_FIELD, STARTED_FIELD)])
    for _name, upload in request.files.items(multi=True):
        if upload.filename:
            check_upload_name(filename=upload.filename, content_type=sniff_type(upload.stream.read(16)))
            upload.stream.seek(0)


def _json_strings() -> dict[str, str]:
    body = request.get_json(silent=True) if request.is_json else None
    return {k: v for k, v in body.items() if isinstance(v, str)} if isinstance(body, dict) else {}


def refusal_response(refusal: Refused):
    message = refusal.message(current_language())
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else {}
    if request.blueprint == "api":
        response = jsonify({"message": message})
    else:
        response = current_app.make_response(render_template("abuse/refused.html", message=message,
                                                             back=request.path))
    response.status_code = refusal.status
    response.headers.update(headers)
    return response
