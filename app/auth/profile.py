"""The user's own account: /akun (details, e-mail), the one-time password link, and the
forced password change after an administrator chose the password."""
from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import bp
from app.auth.forms import EmailForm, NewPasswordForm
from app.extensions import db
from app.models import Organisation
from app.services.administration.account_admin import admin_scope
from app.services.administration.password_reset import ResetLinkInvalid, account_for_link, set_password_with_link
from app.services.organisation.accounts import AccountError, WrongPassword, change_email

# What a user who must change their password may still open.
_OPEN_WHILE_FORCED = {"auth.password", "auth.logout", "auth.set_password", "static", "vendor.asset"}


def install(app: Flask) -> None:
    app.before_request(_force_password_change)
    app.jinja_env.globals["may_administer_accounts"] = lambda user: admin_scope(user) is not None


def _force_password_change():
    if request.endpoint in _OPEN_WHILE_FORCED or request.blueprint == "api":
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        flash(_("Kata sandi Anda dibuat oleh administrator. Gantilah dengan kata sandi Anda sendiri sebelum melanjutkan."))
        return redirect(url_for("auth.password"))
    return None


@bp.route("/akun", methods=["GET", "POST"])
@login_required
def profile():
    form = EmailForm(data={"email": current_user.email or ""} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            change_email(user_id=current_user.id, current_password=form.current.data, email=form.email.data or "")
        except WrongPassword:
            form.current.errors.append(_("Kata sandi saat ini salah."))
        except AccountError:
            form.email.errors.append(_("Alamat email tidak valid."))
        else:
            flash(_("Email disimpan."))
            return redirect(url_for("auth.profile")), 303
    organisation = db.session.get(Organisation, current_user.organisation_code) if current_user.organisation_code else None
    return render_template("auth/profile.html", form=form, organisation=organisation), 200 if not form.errors else 400


@bp.route("/akun/atur-sandi/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """Open without signing in: the link is the proof. Not cached, not referred onward
    (app/security_headers.py sends no-store and a strict Referrer-Policy)."""
    try:
        user = account_for_link(token=token)
    except ResetLinkInvalid as exc:
        return render_template("auth/link_invalid.html", message=str(exc)), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            set_password_with_link(token=token, new_password=form.new.data)
        except ResetLinkInvalid as exc:
            return render_template("auth/link_invalid.html", message=str(exc)), 410
        except AccountError as exc:
            form.new.errors.append(str(exc))
        else:
            flash(_("Kata sandi disimpan. Silakan masuk."))
            return redirect(url_for("auth.login")), 303
    return render_template("auth/set_password.html", form=form, username=user.username), 200 if not form.errors else 400
