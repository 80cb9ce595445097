"""The tracking page after the lookup: the complainant's case, and what they may do on
it (answer a request for missing data, rate the outcome, object to it).

A successful lookup (tracking number + access code, in routes.track) keeps the case's id
in the signed session cookie, so the replies below need not carry the access code; each
reply is a POST that redirects back to the page (post/redirect/get)."""
from datetime import datetime

from flask import flash, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import current_language
from app.limits import public_endpoint
from app.models import Complaint
from app.public import bp
from app.public.forms import MissingDataForm, ObjectionForm, RatingForm
from app.services.casework.case_errors import CaseError
from app.services.intake.complainant_replies import (
    ReplyRefused,
    answer_missing_data,
    object_to_outcome,
    rate_outcome,
)
from app.services.intake.complaints import MAX_FILE_BYTES, MAX_FILES, read_uploads
from app.services.intake.tracking import OBJECTION_WORKING_DAYS, tracking_view

_TRACKED = "tracked_case"


def remember_tracked(case_id: int) -> None:
    session[_TRACKED] = case_id


def render_tracking(case, *, forms: dict | None = None, status: int = 200):
    lang = current_language()
    view = tracking_view(case=case, lang=lang)
    forms = forms or {}
    response = make_response(render_template(
        "public/track_result.html",
        view=view,
        status=view,
        description=view["status_description"],
        timeline=[{**entry, "when": datetime.fromisoformat(entry["at"])} for entry in view["timeline"]],
        when=datetime.fromisoformat,
        missing_form=forms.get("missing") or MissingDataForm(formdata=None),
        rating_form=forms.get("rating") or RatingForm(formdata=None),
        objection_form=forms.get("objection") or ObjectionForm(formdata=None),
        objection_days=OBJECTION_WORKING_DAYS,
        max_files=MAX_FILES,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
    ), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _tracked_complaint() -> Complaint | None:
    case_id = session.get(_TRACKED)
    if case_id is None:
        return None
    return db.session.scalars(db.select(Complaint).where(Complaint.case_id == case_id)).first()


def _lookup_again():
    flash(_("Masukkan lagi nomor pelacakan dan kode akses Anda."))
    return redirect(url_for("public.track"))


@bp.get("/lacak/pengaduan")
def tracked_case():
    complaint = _tracked_complaint()
    if complaint is None:
        return _lookup_again()
    return render_tracking(complaint.case)


@bp.post("/lacak/pengaduan/keluar")
def forget_tracked_case():
    """On a shared computer: the next person cannot reopen the case from this browser."""
    session.pop(_TRACKED, None)
    return redirect(url_for("public.track"))


def _reply(form, key: str, act, done: str):
    complaint = _tracked_complaint()
    if complaint is None:
        return _lookup_again()
    if not form.validate_on_submit():  # only the CSRF token is checked here
        form.form_errors.append(_("Formulir sudah kedaluwarsa. Muat ulang halaman lalu kirim sekali lagi."))
        return render_tracking(complaint.case, forms={key: form}, status=400)
    try:
        act(complaint, form)
    except ReplyRefused as exc:
        form.show_errors(exc.errors)
        db.session.expire_all()
        return render_tracking(complaint.case, forms={key: form}, status=409 if "" in exc.errors else 400)
    except CaseError:
        db.session.expire_all()
        form.form_errors.append(_("Pengaduan ini baru saja berubah. Muat ulang halaman lalu periksa statusnya."))
        return render_tracking(complaint.case, forms={key: form}, status=409)
    flash(done)
    return redirect(url_for("public.tracked_case"))


def _refused_reply(form_class, key: str):
    """A refused reply (too many, spam-like, a misnamed file) is shown in its form on the
    tracking page with what was typed, as a validation error is."""
    def reshow(refusal):
        complaint = _tracked_complaint()
        if complaint is None:
            return _lookup_again()
        form = form_class()
        form.form_errors.append(refusal.message(current_language()))
        return render_tracking(complaint.case, forms={key: form}, status=refusal.status)

    return reshow


@bp.post("/lacak/pengaduan/kelengkapan")
@public_endpoint("public", content=True, uploads=True, reshow=_refused_reply(MissingDataForm, "missing"))
def answer_request():
    return _reply(MissingDataForm(), "missing", lambda complaint, form: answer_missing_data(
        complaint=complaint, text=form.jawaban.data or "", uploads=read_uploads(form.chosen_files()),
        lang=current_language()), _("Jawaban Anda sudah diterima dan diteruskan kepada petugas."))


@bp.post("/lacak/pengaduan/penilaian")
@public_endpoint("public", content=True, reshow=_refused_reply(RatingForm, "rating"))
def rate():
    return _reply(RatingForm(), "rating", lambda complaint, form: rate_outcome(
        complaint=complaint, rating=form.nilai.data or "", comment=form.komentar.data or "",
        lang=current_language()), _("Terima kasih atas penilaian Anda."))


@bp.post("/lacak/pengaduan/keberatan")
@public_endpoint("public", content=True, uploads=True, reshow=_refused_reply(ObjectionForm, "objection"))
def object_to():
    return _reply(ObjectionForm(), "objection", lambda complaint, form: object_to_outcome(
        complaint=complaint, reason=form.alasan.data or "", uploads=read_uploads(form.chosen_files()),
        lang=current_language()), _("Keberatan Anda sudah diterima dan akan diperiksa."))
