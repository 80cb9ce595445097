"""The staff case page and its documents."""
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases import bp
from app.downloads import content_disposition
from app.i18n import current_language
from app.services.audit_trail.audit import case_events
from app.services.casefile.case_files import (
    complaint_for_case,
    document_with_content,
    documents_for_case,
    records_for_case,
)
from app.services.casefile.case_pdf import render_case_pdf
from app.services.casework.case_errors import CaseError
from app.services.casework.cases import start_case
from app.services.casework.events import extend_task_deadline
from app.services.mail.mail_complaints import mail_draft, mail_of_case
from app.services.organisation.access import NotAllowed, case_for, startable_processes


def _case_or_404(case_id: int):
    try:
        return case_for(current_user, case_id)
    except NotAllowed:
        abort(404)


@bp.get("/kasus/<int:case_id>")
@login_required
def show(case_id: int):
    case = _case_or_404(case_id)
    events = case_events(case_id=case.id)
    origin = mail_of_case(case_id=case.id)
    return render_template(
        "cases/show.html",
        case=case,
        deadlines=[e for e in events if e.action in ("deadline.met", "deadline.missed")],
        complaint=complaint_for_case(case_id=case.id),
        documents=documents_for_case(case_id=case.id),
        records=records_for_case(case_id=case.id),
        events=events,
        origin_mail=mail_draft(mail=origin, lang=current_language()) if origin else None,
    )


@bp.get("/kasus/<int:case_id>/pdf")
@login_required
def pdf(case_id: int):
    """The printable case file, authorised exactly as the case page."""
    case = _case_or_404(case_id)
    return Response(
        render_case_pdf(case=case, viewer=current_user, lang=current_language()),
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition(f"{case.tracking_number}.pdf", inline=True),
                 "Cache-Control": "private, no-store"},
    )


@bp.get("/kasus/<int:case_id>/dokumen/<int:document_id>")
@login_required
def document(case_id: int, document_id: int):
    case = _case_or_404(case_id)
    found = document_with_content(case_id=case.id, document_id=document_id)
    if found is None:
        abort(404)
    # Served as a download with the type we sniffed, never rendered inline as uploaded.
    return Response(
        found.content,
        mimetype=found.content_type,
        headers={
            "Content-Disposition": content_disposition(found.filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/proses", methods=["GET", "POST"])
@login_required
def start_process():
    """Start a case of a staff-started process (e.g. SOP 004's monitoring)."""
    versions = {v.definition.key: v for v in startable_processes(current_user)}
    if request.method == "POST":
        key = request.form.get("proses", "")
        title = request.form.get("judul", "").strip()
        if key not in versions:
            abort(404)
        if not title:
            flash(_("Judul wajib diisi."), "error")
        else:
            case = start_case(process_key=key, data={}, title=title[:255], actor=current_user.username)
            flash(_("Kasus %(number)s dimulai.", number=case.tracking_number))
            return redirect(url_for("cases.show", case_id=case.id)), 303
    return render_template("cases/start.html", versions=list(versions.values()))


@bp.post("/kasus/<int:case_id>/tenggat")
@login_required
def extend_deadline(case_id: int):
    case = _case_or_404(case_id)
    try:
        until = date.fromisoformat(request.form.get("sampai", ""))
    except ValueError:
        flash(_("Tanggal perpanjangan tidak valid."), "error")
        return redirect(url_for("cases.show", case_id=case.id)), 303
    try:
        extend_task_deadline(user=current_user, task_id=request.form.get("tugas", ""), until=until,
                             reason=request.form.get("alasan", ""))
    except NotAllowed:
        abort(404)
    except CaseError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Batas waktu diperpanjang sampai %(date)s.", date=until.isoformat()))
    return redirect(url_for("cases.show", case_id=case.id)), 303
