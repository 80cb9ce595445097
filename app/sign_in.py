"""Signing in with a username and password from a request: the web login form
(app/auth) and the API's basic authentication (app/api) are throttled alike."""
from flask import current_app

from app.limits import client_address
from app.models import User
from app.services.administration.login_throttle import LoginSettings, sign_in
from app.services.intake.abuse import namespace_for


def sign_in_from_request(*, username: str, password: str) -> User:
    """services.login_throttle.sign_in with this request's address and the configured limits."""
    config = current_app.config
    return sign_in(
        username=username,
        password=password,
        address=client_address(),
        settings=LoginSettings(
            rate_limits=config.get("DUMAS_RATE_LIMITS", ""),
            redis_url=config.get("REDIS_URL"),
            namespace=namespace_for(config["SQLALCHEMY_DATABASE_URI"]),
            password_hash_method=config["PASSWORD_HASH_METHOD"],
            delay_seconds=config["DUMAS_LOGIN_DELAY_SECONDS"],
        ),
    )
