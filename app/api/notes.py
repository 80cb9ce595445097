"""POST /api/v1/cases/<id>/notes: an internal note (and documents) on a case, as the
case page's form adds one (app/services/casefile/case_notes.py)."""
from flask import request
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.errors import ApiError
from app.api.parsing import json_body, language
from app.api.routes import _visible_case
from app.services.casefile import api_views
from app.services.casefile.case_notes import NoteInvalid, add_note
from app.services.intake.complaints import read_uploads


@bp.post("/cases/<int:case_id>/notes")
@token_required
def add_case_note(case_id: int):
    case = _visible_case(case_id)
    if request.mimetype == "multipart/form-data":
        text = request.form.get("text", "")
        files = [(f.filename or "", f.stream, f.mimetype or "") for f in request.files.getlist("lampiran") if f.filename]
        uploads = read_uploads(files)
    else:
        text, uploads = json_body().get("text", ""), []
        if not isinstance(text, str):
            raise ApiError(400, _("'text' harus berupa teks."))
    try:
        event = add_note(case=case, text=text, uploads=uploads, actor=api_user(), lang=language())
    except NoteInvalid as exc:
        raise ApiError(422, _("Catatan tidak valid."), errors=exc.errors) from None
    return api_views.event_items([event], case=case, viewer=api_user(), lang=language())[0], 201
