"""Staff sessions on the web side: the user loader refuses a session that was ended on
the server (logout, password change: app/services/organisation/accounts.py raises the user's session
generation) or left idle longer than DUMAS_SESSION_IDLE_MINUTES."""
from flask import Flask, current_app, flash, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from app import clock
from app.extensions import login_manager
from app.models import User
from app.services.organisation.accounts import end_sessions, user_for_session

_SEEN = "seen"  # Unix seconds of the session's last request


def install(app: Flask) -> None:
    """The user loader. (The profile's password check and OpenID Connect sign-in, which
    start sessions through this module, are installed by create_app beside it.)"""
    login_manager.user_loader(_load_user)


def _load_user(session_user_id: str) -> User | None:
    user_id, _sep, generation = session_user_id.partition(".")
    if not (user_id.isdigit() and generation.isdigit()):
        return None  # a cookie from before generations existed: sign in again
    now = clock.now()
    idle_seconds = current_app.config["DUMAS_SESSION_IDLE_MINUTES"] * 60
    seen = session.get(_SEEN)
    if not isinstance(seen, (int, float)) or now - seen > idle_seconds:
        _forget()
        flash(_("Sesi Anda berakhir karena tidak ada aktivitas selama %(minutes)s menit. Silakan masuk lagi.",
                minutes=current_app.config["DUMAS_SESSION_IDLE_MINUTES"]))
        return None
    user = user_for_session(user_id=int(user_id), generation=int(generation))
    if user is None:
        _forget()
        return None
    session[_SEEN] = int(now)
    return user


def _forget() -> None:
    for key in ("_user_id", "_fresh", "_id", _SEEN):
        session.pop(key, None)


def start_session(user: User) -> None:
    login_user(user)
    session[_SEEN] = int(clock.now())


def end_session(user: User) -> None:
    """Logout: ended on the server too, so a copy of the cookie opens nothing."""
    end_sessions(user_id=user.id)
    logout_user()
    session.pop(_SEEN, None)

