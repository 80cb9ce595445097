"""Bearer tokens: issued for a username and password, required by every staff route."""
from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _

from app.api import bp
from app.api.errors import ApiError
from app.api.parsing import json_body
from app.i18n import current_language
from app.models import User
from app.services.administration.login_throttle import LoginRefused
from app.services.organisation.accounts import TOKEN_MAX_AGE_SECONDS, issue_token, user_for_token
from app.sign_in import sign_in_from_request

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="dumas"'}


def _bearer_token() -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def token_required(view):
    """Let the view run only for an active user with a valid token (else 401)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        token = _bearer_token()
        user = user_for_token(token=token, secret_key=current_app.config["SECRET_KEY"]) if token else None
        if user is None:
            raise ApiError(401, _("Token tidak ada, tidak valid atau kedaluwarsa."), headers=_CHALLENGE)
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


def api_user() -> User:
    """The user whose token authorised this request (inside a @token_required view)."""
    return g.api_user


@bp.post("/auth/token")
def issue_api_token():
    body = json_body()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise ApiError(400, _("Nama pengguna dan kata sandi wajib diisi."))
    try:
        user = sign_in_from_request(username=username, password=password)
    except LoginRefused as refusal:
        if refusal.locked:  # throttled like the login page: same counters, same lockout
            raise ApiError(429, refusal.message(current_language()),
                           headers={"Retry-After": str(refusal.retry_after)}) from None
        raise ApiError(401, refusal.message(current_language()), headers=_CHALLENGE) from None
    if user.must_change_password:  # the administrator's password opens nothing but its own change
        raise ApiError(403, _("Ganti dahulu kata sandi yang dibuat administrator di /akun/kata-sandi."))
    token = issue_token(user=user, secret_key=current_app.config["SECRET_KEY"])
    return (
        {"token": token, "token_type": "Bearer", "expires_in": TOKEN_MAX_AGE_SECONDS},
        200,
        {"Cache-Control": "no-store"},
    )
