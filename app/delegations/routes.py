"""/akun/plt: the delegations a user may read, a form to record one, ending one early.
Every signed-in request first applies the delegation edges that have passed, so a Plt.
whose window just opened finds the absent user's claimed tasks already theirs."""
from datetime import date, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.delegations import bp
from app.services.casefile.presentation_events import actor_text
from app.services.organisation.access import acting_for
from app.services.organisation.calendar import calendar_for
from app.services.organisation.delegations import (
    REASONS,
    DelegationError,
    DelegationNotFound,
    apply_due_delegations,
    colleagues_of,
    create_delegation,
    delegations_for,
    end_delegation,
    may_manage,
    now_utc,
    organisation_of,
    reason_label,
)


@bp.before_app_request
def _apply_delegation_edges():
    # Signed-in pages, and API calls with a token (the API's own user loader runs later).
    if request.endpoint and request.endpoint != "static" and (
            "Authorization" in request.headers or current_user.is_authenticated):
        apply_due_delegations()


@bp.app_template_global("actor_text")
def _actor_text(event):
    return actor_text(event)


@bp.app_template_global("acting_for_task")
def _acting_for_task(entry):
    """On the task page: the absent colleague the signed-in user does this task for."""
    return acting_for(current_user, entry) if current_user.is_authenticated else None


def _window(first: str, last: str, organisation: str | None) -> tuple[datetime, datetime]:
    """From the start of the first day to the end of the last, in the organisation's zone."""
    zone = calendar_for(organisation).zone
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        raise DelegationError(_("Isi tanggal mulai dan tanggal selesai.")) from None
    return (datetime.combine(start, time(), zone), datetime.combine(end + timedelta(days=1), time(), zone))


@bp.route("/akun/plt", methods=["GET", "POST"])
@login_required
def index():
    colleagues = colleagues_of(current_user)
    absentees = [u for u in colleagues if may_manage(current_user, u)]
    status = 200
    if request.method == "POST":
        try:
            # Whole days where the absent colleague works (a national administrator may
            # record a Plt. for staff of an agency in another zone).
            starts_at, ends_at = _window(request.form.get("mulai", ""), request.form.get("selesai", ""),
                                         organisation_of(request.form.get("pegawai", "")))
            delegation = create_delegation(
                absent=request.form.get("pegawai", ""), acting=request.form.get("plt", ""),
                starts_at=starts_at, ends_at=ends_at, reason=request.form.get("alasan", ""),
                note=request.form.get("keterangan", ""), actor=current_user)
        except DelegationError as exc:
            flash(str(exc), "error")
            status = 422
        else:
            flash(_("%(plt)s menjadi Plt. untuk %(name)s.", plt=delegation.to_user.username,
                    name=delegation.from_user.username))
            return redirect(url_for("delegations.index")), 303
    return render_template(
        "delegations/index.html", delegations=delegations_for(current_user), colleagues=colleagues,
        absentees=absentees, reasons=[(code, reason_label(code)) for code in REASONS], now=now_utc(),
        may_manage=may_manage, reason_label=reason_label,
    ), status


@bp.post("/akun/plt/<int:delegation_id>/akhiri")
@login_required
def end(delegation_id: int):
    try:
        end_delegation(delegation_id=delegation_id, actor=current_user)
    except DelegationNotFound:
        abort(404)
    except DelegationError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Plt. diakhiri."))
    return redirect(url_for("delegations.index")), 303
