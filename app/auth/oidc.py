"""Staff sign-in through an OpenID Connect provider (authorization code flow with PKCE,
Authlib's Flask client). Only when DUMAS_OIDC_ISSUER is set; local passwords keep
working beside it. Which account the identity opens: app/services/administration/external_login.py."""
from flask import Flask, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _

from app.auth import bp
from app.auth.sessions import start_session
from app.services.administration.external_login import (
    ExternalLoginRefused,
    ExternalLoginSettings,
    account_for_identity,
    refuse,
)

_EXTENSION = "dumas_oidc"


def install(app: Flask) -> None:
    issuer = app.config.get("DUMAS_OIDC_ISSUER", "").rstrip("/")
    if not issuer:
        return
    # Authlib (with requests, cryptography and joserfc) is ~16 MB in every worker:
    # loaded only by an app that signs in through a provider.
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(app)
    oauth.register(
        "provider",
        client_id=app.config["DUMAS_OIDC_CLIENT_ID"],
        client_secret=app.config["DUMAS_OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": app.config["DUMAS_OIDC_SCOPES"], "code_challenge_method": "S256"},
    )
    app.extensions[_EXTENSION] = oauth


def enabled() -> bool:
    return _EXTENSION in current_app.extensions


def _client():
    if not enabled():
        abort(404)
    return current_app.extensions[_EXTENSION].provider


@bp.get("/masuk/oidc")
def oidc_login():
    return _client().authorize_redirect(url_for("auth.oidc_callback", _external=True))


@bp.get("/masuk/oidc/kembali")
def oidc_callback():
    client = _client()  # Authlib is loaded: install() did it for this app
    from authlib.integrations.base_client.errors import OAuthError

    try:
        token = client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if current_app.config["DUMAS_OIDC_MATCH_CLAIM"] not in claims:
            # Providers that keep profile claims out of the ID token give them here.
            claims |= dict(client.userinfo(token=token))
    except OAuthError as exc:
        refuse(reason=f"penyedia identitas menolak: {exc.error}")
        flash(_("Masuk lewat penyedia identitas gagal. Coba lagi atau masuk dengan kata sandi."), "error")
        return redirect(url_for("auth.login")), 303
    config = current_app.config
    try:
        user = account_for_identity(claims=claims, settings=ExternalLoginSettings(
            issuer=config["DUMAS_OIDC_ISSUER"], match_claim=config["DUMAS_OIDC_MATCH_CLAIM"],
            create_in_organisation=config["DUMAS_OIDC_CREATE_USERS_IN"]))
    except ExternalLoginRefused as exc:
        refuse(reason=exc.reason)
        flash(_("Identitas Anda dikenali penyedia, tetapi tidak ada akun aktif Dumas untuknya. Hubungi administrator."),
              "error")
        return redirect(url_for("auth.login")), 303
    start_session(user)
    return redirect(url_for("inbox.index")), 303
