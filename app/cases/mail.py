"""Staff pages for mailed complaints: the lane's list (on the offline-entry page), one
message to complete and file or refuse, and a case's original message."""
from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.cases import bp
from app.cases.routes import _case_or_404
from app.complaint_form import ComplaintForm
from app.downloads import content_disposition
from app.i18n import current_language
from app.services.casefile.case_files import complaint_for_case
from app.services.casework.case_errors import CaseError
from app.services.intake.complaints import MAX_FILE_BYTES, ComplaintInvalid
from app.services.mail.mail_complaints import (
    MailNotFiled,
    accept_held_reply,
    file_mailed_complaint,
    mail_draft,
    mail_for_officer,
    mail_of_case,
    refuse_mail,
)
from app.services.organisation.access import NotAllowed
from app.services.organisation.identity import identity_visible

_RECEIPT = "offline_receipt"  # the receipt page of app/cases/offline.py shows it once
MAIL_STATUS_LABELS = {
    "draft": _l("Menunggu dicatat"),
    "refused": _l("Ditolak"),
    "threaded": _l("Balasan pada kasus"),
    "held": _l("Ditahan: pengirim bukan pengadu"),
    "filed": _l("Dicatat sebagai pengaduan"),
}


@bp.app_template_global()
def mail_status_label(status: str) -> str:
    return str(MAIL_STATUS_LABELS.get(status, status))


def _mail_or_404(mail_id: int):
    try:
        return mail_for_officer(user=current_user, mail_id=mail_id)
    except NotAllowed:
        abort(404)


@bp.route("/pengaduan-luring/email/<int:mail_id>", methods=["GET", "POST"])
@login_required
def mailed_complaint(mail_id: int):
    mail = _mail_or_404(mail_id)
    lang = current_language()
    draft = mail_draft(mail=mail, lang=lang)
    # The citizen's form: the channel is email and the message is the evidence.
    form = ComplaintForm()
    if request.method == "GET":
        form.judul.data = draft.subject[:200]
        form.uraian.data = draft.body
        form.email.data = draft.sender
    elif form.validate_on_submit():
        try:
            case, access_code = file_mailed_complaint(user=current_user, mail_id=mail.id,
                                                      raw=form.complaint_data(), lang=lang)
        except NotAllowed:
            abort(404)
        except ComplaintInvalid as exc:
            form.show_errors(exc.errors)
        except MailNotFiled as exc:
            flash(exc.message(lang), "error")
            return redirect(url_for("cases.offline_complaint")), 303
        else:
            session[_RECEIPT] = {"tracking_number": case.tracking_number, "access_code": access_code,
                                 "case_id": case.id}
            return redirect(url_for("cases.offline_receipt")), 303
    return render_template("cases/mail_draft.html", form=form, draft=draft, mail=mail,
                           max_mb=MAX_FILE_BYTES // (1024 * 1024)), 422 if request.method == "POST" else 200


@bp.post("/pengaduan-luring/email/<int:mail_id>/tolak")
@login_required
def refuse_mailed_complaint(mail_id: int):
    mail = _mail_or_404(mail_id)
    try:
        refuse_mail(user=current_user, mail_id=mail.id, reason=request.form.get("alasan", ""))
    except ComplaintInvalid:
        flash(_("Tulis alasan penolakan."), "error")
        return redirect(url_for("cases.mailed_complaint", mail_id=mail.id)), 303
    except MailNotFiled as exc:
        flash(exc.message(current_language()), "error")
    else:
        flash(_("Pesan ditolak; pesan tetap disimpan beserta alasannya."))
    return redirect(url_for("cases.offline_complaint")), 303


@bp.post("/pengaduan-luring/email/<int:mail_id>/terima")
@login_required
def accept_mail_reply(mail_id: int):
    """A held reply (not from the complainant's address) accepted as the complainant's."""
    mail = _mail_or_404(mail_id)
    try:
        case = accept_held_reply(user=current_user, mail=mail)
    except MailNotFiled as exc:
        flash(exc.message(current_language()), "error")
        return redirect(url_for("cases.mailed_complaint", mail_id=mail.id)), 303
    except CaseError as exc:
        flash(str(exc), "error")
        return redirect(url_for("cases.mailed_complaint", mail_id=mail.id)), 303
    flash(_("Balasan dilampirkan pada kasus %(number)s.", number=case.tracking_number))
    return redirect(url_for("cases.mailed_complaint", mail_id=mail.id)), 303


@bp.get("/pengaduan-luring/email/<int:mail_id>/asli")
@login_required
def mail_original(mail_id: int):
    mail = _mail_or_404(mail_id)
    return _eml(mail)


@bp.get("/kasus/<int:case_id>/email-asli")
@login_required
def case_mail_original(case_id: int):
    """The message a case was filed from, for whoever may see the complainant's identity
    on this case (the sender's address is identity)."""
    case = _case_or_404(case_id)
    mail = mail_of_case(case_id=case.id)
    complaint = complaint_for_case(case_id=case.id)
    if mail is None or complaint is None or not identity_visible(complaint=complaint, viewer=current_user):
        abort(404)
    return _eml(mail)


def _eml(mail) -> Response:
    # Always a download, never shown inline: the message may carry HTML and scripts.
    return Response(mail.raw, mimetype="message/rfc822", headers={
        "Content-Disposition": content_disposition(f"pesan-{mail.id}.eml"),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
