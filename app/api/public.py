"""The complainant's side, without an account: file a complaint, then follow it with the
tracking number and the access code shown once at filing."""
from flask import request, url_for
from flask_babel import gettext as _

from app.api import bp
from app.api.errors import ApiError
from app.api.parsing import json_body, language
from app.limits import public_endpoint, screen_content
from app.models import Complaint
from app.services.casework.case_errors import CaseError, ProcessNotDeployed
from app.services.intake.complainant_replies import ReplyRefused, answer_missing_data, object_to_outcome, rate_outcome
from app.services.intake.complaints import ComplaintInvalid, Upload, find_complaint, read_uploads, submit_complaint
from app.services.intake.tracking import tracking_view

_NO_STORE = {"Cache-Control": "no-store"}
_FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


def _submission() -> tuple[dict, list[Upload]]:
    """A JSON object, or form fields with files under `lampiran` (multipart)."""
    if request.mimetype in _FORM_TYPES:
        files = [
            (f.filename, f.stream, f.mimetype or "")
            for f in request.files.getlist("lampiran")
            if f.filename  # a browser sends an empty part for an empty file input
        ]
        return request.form.to_dict(), read_uploads(files)
    return json_body(), []


@bp.post("/complaints")
@public_endpoint("complaint", content=True, uploads=True)
def file_complaint():
    raw, uploads = _submission()
    try:
        case, access_code = submit_complaint(raw=raw, uploads=uploads, lang=language(), channel="api")
    except ComplaintInvalid as exc:
        raise ApiError(422, _("Pengaduan belum dapat diterima; periksa isian yang ditandai."), errors=exc.errors) from None
    except ProcessNotDeployed:
        raise ApiError(503, _("Layanan pengaduan belum tersedia.")) from None
    location = url_for("api.complaint_status", tracking_number=case.tracking_number)
    return (
        {"tracking_number": case.tracking_number, "access_code": access_code, "status": case.status},
        201,
        {**_NO_STORE, "Location": location},
    )


def _complaint(tracking_number: str) -> Complaint:
    access_code = request.headers.get("X-Access-Code") or request.args.get("access_code") or ""
    complaint = find_complaint(tracking_number=tracking_number, access_code=access_code) if access_code else None
    if complaint is None:
        # One answer for a wrong number and a wrong code: nothing says which was wrong.
        raise ApiError(404, _("Nomor pelacakan atau kode akses tidak cocok."), headers=_NO_STORE)
    return complaint


@bp.get("/complaints/<tracking_number>")
@public_endpoint("track", methods=("GET",))
def complaint_status(tracking_number: str):
    # The same view as the web tracking page: status, timeline, current unit and
    # deadline, reports to the complainant, and what they may do now.
    return tracking_view(case=_complaint(tracking_number).case, lang=language()), 200, _NO_STORE


def _reply(tracking_number: str, act):
    """Run one of the complainant's replies; the body is JSON or form fields with files
    under `lampiran` (multipart). Answers with the tracking view, as the GET does. The
    case is looked up before the content is read: an unknown one costs nothing more."""
    complaint = _complaint(tracking_number)
    screen_content()  # a refusal is answered by public_endpoint
    raw, uploads = _submission()
    try:
        act(complaint, raw, uploads)
    except ReplyRefused as exc:
        if "" in exc.errors:  # the case is not in a state to take it
            raise ApiError(409, exc.errors[""], headers=_NO_STORE) from None
        raise ApiError(422, _("Periksa isian yang ditandai."), errors=exc.errors, headers=_NO_STORE) from None
    except CaseError:
        raise ApiError(409, _("Pengaduan ini baru saja berubah. Muat ulang lalu periksa statusnya."),
                       headers=_NO_STORE) from None
    return tracking_view(case=complaint.case, lang=language()), 200, _NO_STORE


@bp.post("/complaints/<tracking_number>/missing-data")
@public_endpoint("public", uploads=True)
def answer_request(tracking_number: str):
    return _reply(tracking_number, lambda complaint, raw, uploads: answer_missing_data(
        complaint=complaint, text=str(raw.get("text") or ""), uploads=uploads, lang=language()))


@bp.post("/complaints/<tracking_number>/rating")
@public_endpoint("public")
def rate(tracking_number: str):
    return _reply(tracking_number, lambda complaint, raw, uploads: rate_outcome(
        complaint=complaint, rating=raw.get("rating", ""), comment=str(raw.get("comment") or ""), lang=language()))


@bp.post("/complaints/<tracking_number>/objection")
@public_endpoint("public", uploads=True)
def object_to(tracking_number: str):
    return _reply(tracking_number, lambda complaint, raw, uploads: object_to_outcome(
        complaint=complaint, reason=str(raw.get("text") or ""), uploads=uploads, lang=language()))
