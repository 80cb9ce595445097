"""Accounts in the browser: /admin/akun (system and agency administrators)."""
from functools import wraps

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.admin import bp
from app.services.administration.account_admin import (
    PAGE_SIZE,
    AccountFields,
    NotInScope,
    UserFilters,
    admin_scope,
    create_account,
    deactivate_account,
    get_user,
    grantable_roles,
    list_users,
    reactivate_account,
    scoped_organisations,
    scoped_units,
    update_account,
)
from app.services.administration.password_reset import issue_reset_link
from app.services.organisation.accounts import AccountError


def accounts_admin_required(view):
    """Open to whoever administers accounts (app/services/administration/account_admin.py); 404 otherwise."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        g.admin_scope = admin_scope(current_user)
        if g.admin_scope is None:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _choices() -> dict:
    scope = g.admin_scope
    return {"roles": grantable_roles(scope=scope), "units": scoped_units(scope=scope),
            "organisations": scoped_organisations(scope=scope), "system": scope.system}


def _fields() -> AccountFields:
    form = request.form
    return AccountFields(full_name=form.get("nama", ""), email=form.get("email", ""), roles=form.getlist("peran"),
                         unit_code=form.get("unit") or None, organisation_code=form.get("instansi") or None)


@bp.get("/akun")
@accounts_admin_required
def accounts():
    args = request.args
    filters = UserFilters(text=args.get("q", ""), role=args.get("peran", ""), unit_code=args.get("unit", ""),
                          organisation_code=args.get("instansi", ""), status=args.get("status", ""))
    page = max(args.get("halaman", 1, type=int), 1)
    users, total = list_users(scope=g.admin_scope, filters=filters, page=page)
    return render_template("admin/accounts.html", users=users, total=total, filters=filters, page=page,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), **_choices())


@bp.route("/akun/baru", methods=["GET", "POST"])
@accounts_admin_required
def new_account():
    if request.method == "POST":
        try:
            user = create_account(scope=g.admin_scope, username=request.form.get("username", ""),
                                  fields=_fields(), password=request.form.get("kata_sandi", ""))
        except AccountError as exc:
            flash(str(exc), "error")
            return render_template("admin/account_form.html", user=None, form=request.form, **_choices()), 400
        flash(_("Akun %(username)s dibuat.", username=user.username))
        return redirect(url_for("admin.account", user_id=user.id)), 303
    return render_template("admin/account_form.html", user=None, form={}, **_choices())


@bp.route("/akun/<int:user_id>", methods=["GET", "POST"])
@accounts_admin_required
def account(user_id: int):
    try:
        user = get_user(scope=g.admin_scope, user_id=user_id)
    except NotInScope:
        abort(404)
    if request.method == "POST":
        try:
            update_account(scope=g.admin_scope, user_id=user_id, fields=_fields())
        except AccountError as exc:
            flash(str(exc), "error")
            return render_template("admin/account_form.html", user=user, form=request.form, **_choices()), 400
        flash(_("Perubahan akun %(username)s disimpan.", username=user.username))
        return redirect(url_for("admin.account", user_id=user_id)), 303
    form = {"nama": user.full_name, "email": user.email or "", "unit": user.unit_code or "",
            "instansi": user.organisation_code or ""}
    return render_template("admin/account_form.html", user=user, form=form, held=user.role_names, **_choices())


@bp.post("/akun/<int:user_id>/nonaktifkan")
@accounts_admin_required
def deactivate(user_id: int):
    try:
        released = deactivate_account(scope=g.admin_scope, user_id=user_id, reason=request.form.get("alasan", ""))
    except NotInScope:
        abort(404)
    except AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Akun dinonaktifkan; %(count)d tugas yang diambilnya dikembalikan ke lajurnya.", count=len(released)))
    return redirect(url_for("admin.account", user_id=user_id)), 303


@bp.post("/akun/<int:user_id>/aktifkan")
@accounts_admin_required
def reactivate(user_id: int):
    try:
        reactivate_account(scope=g.admin_scope, user_id=user_id)
    except NotInScope:
        abort(404)
    except AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Akun diaktifkan kembali."))
    return redirect(url_for("admin.account", user_id=user_id)), 303


@bp.post("/akun/<int:user_id>/tautan-sandi")
@accounts_admin_required
def reset_link(user_id: int):
    """The link is rendered in this response only (never stored, never in a redirect)."""
    try:
        user = get_user(scope=g.admin_scope, user_id=user_id)
        link = issue_reset_link(scope=g.admin_scope, user_id=user_id, mail=request.form.get("kirim") == "email",
                                base_url=current_app.config.get("DUMAS_PUBLIC_URL") or request.host_url.rstrip("/"))
    except NotInScope:
        abort(404)
    except AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.account", user_id=user_id)), 303
    full_link = (current_app.config.get("DUMAS_PUBLIC_URL") or request.host_url.rstrip("/")) + link.path
    return render_template("admin/reset_link.html", user=user, link=link, full_link=full_link)
