"""The web side of abuse resistance (rules in app/services/intake/abuse.py): one decorator for
every public route, which runs before the view, so a refused request stores nothing.

    @public_endpoint("track")                                  # rate limit only
    @public_endpoint("public", content=True, uploads=True)     # + content heuristics, upload names (API)
    @public_endpoint("complaint", form=True, uploads=True,     # + honeypot and fill time (web forms),
                     reshow=page_with_what_was_typed)          #   a refusal shown in the form itself

A form guarded with form=True renders `{{ spam_guard() }}` inside its <form>.
Cheap refusals come first: the body's declared size (nothing read), then the rate limits,
then the checks that read the fields, each field cut at its documented length.
"""
import ipaddress
import secrets
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypedDict

from flask import Flask, current_app, jsonify, render_template, request, session
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.exceptions import RequestEntityTooLarge

from app.i18n import current_language
from app.services.intake.abuse import (
    ADDRESS,
    DEVICE,
    IDENTITY,
    Limit,
    Refused,
    TooLarge,
    count_hits,
    identity_keys,
    is_near,
    namespace_for,
    parse_limits,
    remaining_hits,
)
from app.services.intake.complaints import sniff_type
from app.services.intake.file_names import stored_filename
from app.services.intake.spam_checks import (
    HONEYPOT_FIELD,
    STARTED_FIELD,
    capped_texts,
    check_content,
    check_form,
    check_upload_name,
    form_started,
    started_token,
)

# A body without files: the longest form (a 10,000-character account, every character
# percent- or \u-escaped) fits many times over; routes taking files keep MAX_CONTENT_LENGTH.
TEXT_BODY_BYTES = 256 * 1024
_DEVICE = "perangkat"  # the session key of the device id


def install(app: Flask) -> None:
    app.jinja_env.globals["spam_guard"] = spam_guard
    # First of all before-request hooks: the CSRF check would otherwise parse the body.
    app.before_request_funcs.setdefault(None, []).insert(0, _limit_public_body)


def _limit_public_body():
    view = current_app.view_functions.get(request.endpoint or "")
    uploads = getattr(view, "public_uploads", None)
    if uploads is None or request.method not in view.public_methods:
        return None  # not a public_endpoint: the application's MAX_CONTENT_LENGTH
    try:
        limit_body(uploads=uploads)
    except TooLarge as refusal:
        return refusal_response(refusal)
    return None


def spam_guard() -> Markup:
    """The hidden fields of a guarded form: the honeypot and the signed opening time,
    the first one when the form is shown again with what was typed."""
    secret_key = current_app.config["SECRET_KEY"]
    token = request.form.get(STARTED_FIELD, "") if request.method == "POST" else ""
    if form_started(token=token, secret_key=secret_key) is None:
        token = started_token(secret_key=secret_key)
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


def device_id(*, create: bool = False) -> str | None:
    """A random id kept in the signed session cookie: one browser, one kiosk."""
    if create and _DEVICE not in session:
        session[_DEVICE] = secrets.token_urlsafe(12)
    return session.get(_DEVICE)


def public_endpoint(scope: str, *, form: bool = False, content: bool = False, uploads: bool = False,
                    methods: Iterable[str] = ("POST",), reshow: Callable | None = None):
    """Rate-limit `scope` for these methods; with `content`, also the content heuristics
    and upload names; with `form` (a web form rendering spam_guard()), all of that and
    the honeypot and fill time. A body over TEXT_BODY_BYTES is refused unless `uploads`
    and multipart. A refusal (also one the view raises, see screen_content) answers
    429/413/400 with the reason: `reshow(refusal)` renders it in the form with what was
    typed; otherwise a short page or JSON."""
    methods = frozenset(methods)

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if request.method not in methods:
                return view(*args, **kwargs)
            try:
                limit_body(uploads=uploads)
                screen_request(scope, form=form, content=content)
                return view(*args, **kwargs)
            except Refused as refusal:
                if reshow is not None and not isinstance(refusal, TooLarge):
                    return _with_headers(reshow(refusal), refusal)
                return refusal_response(refusal)

        guarded.public_uploads, guarded.public_methods = uploads, methods  # read by _limit_public_body
        return guarded

    return decorate


def limit_body(*, uploads: bool) -> None:
    """Refuse a body larger than the route needs from its declared length, before a
    byte of it is read; a body sent without a length is cut at the same size."""
    takes_files = uploads and request.mimetype == "multipart/form-data"
    cap = current_app.config["MAX_CONTENT_LENGTH"] if takes_files else TEXT_BODY_BYTES
    request.max_content_length = cap
    if request.content_length is not None and request.content_length > cap:
        if takes_files:  # the application's page naming the upload limits (app/errors.py)
            raise RequestEntityTooLarge()
        raise TooLarge(
            _l("Kiriman terlalu besar (paling besar %(size)s). Persingkat isian atau kurangi lampiran.",
               size=_size(cap)),
        )


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


class _Counter(TypedDict):
    scope: str
    redis_url: str | None
    namespace: str


def _counted(scope: str) -> _Counter:
    """Where this app counts the hits of `scope`."""
    config = current_app.config
    return {"scope": scope, "redis_url": config.get("REDIS_URL"),
            "namespace": namespace_for(config["SQLALCHEMY_DATABASE_URI"])}


def screen_request(scope: str, *, form: bool = False, content: bool = False) -> None:
    """The checks themselves, for a route that wants to run them at its own moment;
    raises Refused."""
    config = current_app.config
    limits = parse_limits(config.get("DUMAS_RATE_LIMITS", ""))
    rules = limits.get(scope) or limits["public"]
    counted = _counted(scope)
    clients: list[tuple[str, str, Limit]] = [(ADDRESS, client_address(), rules[ADDRESS])]
    device = device_id()
    if device and DEVICE in rules:
        clients.append((DEVICE, device, rules[DEVICE]))
    fields = _fields()
    if IDENTITY in rules and fields.get("kerahasiaan") != "anonim":  # an anonymous report keeps none
        clients += [(IDENTITY, key, rules[IDENTITY]) for key in identity_keys(fields=fields, secret_key=config["SECRET_KEY"])]
    count_hits(clients=clients, **counted)  # in this order, the first past its limit refuses
    if form:
        check_form(fields=fields, secret_key=config["SECRET_KEY"], min_seconds=config.get("DUMAS_MIN_FILL_SECONDS", 0))
    if form or content:
        screen_content(fields)


def screen_content(fields: dict[str, str] | None = None) -> None:
    """Content heuristics and upload names; a view may call it itself after its cheaper
    refusals (an unknown case), inside a public_endpoint that then renders the refusal."""
    check_content(capped_texts(_fields() if fields is None else fields))
    for _name, upload in request.files.items(multi=True):
        if upload.filename:
            # The name as it would be stored: bounded, its extension kept, whatever its length.
            check_upload_name(filename=stored_filename(upload.filename), content_type=sniff_type(upload.stream.read(16)))
            upload.stream.seek(0)


def _fields() -> dict[str, str]:
    if request.form:
        return request.form.to_dict()
    body = request.get_json(silent=True) if request.is_json else None
    return {k: v for k, v in body.items() if isinstance(v, str)} if isinstance(body, dict) else {}


def near_limits(scope: str) -> list[tuple[str, int, int]]:
    """(who, hits left, seconds until the window ends) for each limit of `scope` that
    this client is near, counting nothing: shown before a citizen starts typing."""
    config = current_app.config
    rules = parse_limits(config.get("DUMAS_RATE_LIMITS", "")).get(scope, {})
    counted = _counted(scope)
    near = []
    for who, client in ((ADDRESS, client_address()), (DEVICE, device_id(create=True))):
        if who in rules and client:
            left, seconds = remaining_hits(client=client, limit=rules[who], who=who, **counted)
            if is_near(left, rules[who]):
                near.append((who, left, seconds))
    return near


def _with_headers(result, refusal: Refused):
    response = current_app.make_response(result)
    if refusal.retry_after:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def refusal_response(refusal: Refused):
    message = refusal.message(current_language())
    if request.blueprint == "api":
        response = jsonify({"message": message})
    else:
        response = current_app.make_response(render_template("abuse/refused.html", message=message,
                                                             back=request.path))
    response.status_code = refusal.status
    return _with_headers(response, refusal)
