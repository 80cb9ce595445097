from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import bp
from app.auth.forms import LoginForm, PasswordForm
from app.auth.oidc import enabled as oidc_enabled
from app.auth.sessions import end_session, start_session
from app.i18n import current_language
from app.services.administration.login_throttle import LoginRefused
from app.services.organisation.accounts import WrongPassword, change_password
from app.sign_in import sign_in_from_request


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would make the login page a phishing aid."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("inbox.index")


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = sign_in_from_request(username=form.username.data, password=form.password.data)
        except LoginRefused as refusal:
            form.password.errors.append(refusal.message(current_language()))
            status = 429 if refusal.locked else 401
            if refusal.locked:
                headers["Retry-After"] = str(refusal.retry_after)
        else:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
    elif form.errors:
        status = 401
    return render_template("auth/login.html", form=form, oidc_label=current_app.config["DUMAS_OIDC_LABEL"]
                           if oidc_enabled() else None), status, headers


@bp.post("/keluar")
@login_required
def logout():
    end_session(current_user)
    flash(_("Anda telah keluar."))
    return redirect(url_for("auth.login"))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = change_password(user_id=current_user.id, current_password=form.current.data,
                                   new_password=form.new.data)
        except WrongPassword:
            form.current.errors.append(_("Kata sandi saat ini salah."))
        else:
            start_session(user)  # this browser stays signed in; every other session is ended
            flash(_("Kata sandi diganti. Sesi di perangkat lain dan semua token API telah diakhiri."))
            return redirect(url_for("inbox.index"))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 400
