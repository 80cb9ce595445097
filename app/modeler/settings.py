"""The process owner's per-organisation settings (app/services/organisation/org_settings.py): the
choices an SOP leaves open, each shown with the SOP's default, every change audited."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.modeler import bp
from app.modeler.routes import process_owner_required
from app.models import Organisation
from app.services.organisation.org_settings import SettingsError, owner_view, update_settings


def _organisations() -> list[Organisation]:
    """The hosted organisations this owner may set: their own, or all for a national one."""
    query = db.select(Organisation).where(Organisation.process_key.is_not(None)).order_by(Organisation.code)
    if current_user.organisation_code is not None:
        query = query.where(Organisation.code == current_user.organisation_code)
    return list(db.session.scalars(query))


@bp.route("/pengaturan")
@process_owner_required
def settings_index():
    return render_template("modeler/settings_index.html", organisations=_organisations())


@bp.route("/pengaturan/<code>", methods=["GET", "POST"])
@process_owner_required
def organisation_settings(code: str):
    organisation = next((o for o in _organisations() if o.code == code), None)
    if organisation is None:
        abort(404)
    if request.method == "POST":
        try:
            update_settings(organisation_code=code, changes=_submitted(request.form, owner_view(code)),
                            actor=current_user.username)
        except SettingsError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("Pengaturan proses disimpan."))
            return redirect(url_for("modeler.organisation_settings", code=code))
    return render_template("modeler/settings.html", organisation=organisation, view=owner_view(code))


def _number(text: str | None) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise SettingsError(_("Isi angka hari, atau kosongkan."))
    return int(text)


def _choice(text: str | None) -> bool | None:
    return {"ya": True, "tidak": False}.get(text or "")


def _submitted(form, view) -> dict:
    """The form as settings: empty fields mean "as the diagram says"."""
    steps: dict[str, dict] = {}
    policy = {"remind_before": _number(form.get("remind_before")), "escalate_to": form.get("escalate_to") or None,
              "interrupt": _choice(form.get("interrupt")), "steps": steps}
    for timer in view.timers:
        steps[timer.element_id] = {
            "remind_before": _number(form.get(f"remind_before-{timer.element_id}")),
            "escalate_to": form.get(f"escalate_to-{timer.element_id}") or None,
            "interrupt": _choice(form.get(f"interrupt-{timer.element_id}")),
        }
    return {
        "anonymous_reports": form.get("anonymous_reports") == "ya",
        "objection_days": _number(form.get("objection_days")) or 0,
        "working_days": form.get("working_days") != "kalender",
        "deadline_policy": policy,
    }
