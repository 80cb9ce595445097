"""Internal notes on the case page (app/services/casefile/case_notes.py)."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases import bp
from app.cases.routes import _case_or_404
from app.i18n import current_language
from app.services.casefile.case_notes import NoteInvalid, add_note
from app.services.intake.complaints import read_uploads


@bp.post("/kasus/<int:case_id>/catatan")
@login_required
def add_case_note(case_id: int):
    case = _case_or_404(case_id)
    files = [(f.filename or "", f.stream, f.mimetype or "") for f in request.files.getlist("lampiran") if f.filename]
    try:
        add_note(case=case, text=request.form.get("catatan", ""), uploads=read_uploads(files), actor=current_user,
                 lang=current_language())
    except NoteInvalid as exc:
        for problem in exc.errors.values():
            flash(problem, "error")
        return redirect(url_for("cases.show", case_id=case.id, _anchor="catatan")), 303
    flash(_("Catatan internal disimpan."))
    return redirect(url_for("cases.show", case_id=case.id, _anchor="catatan")), 303
