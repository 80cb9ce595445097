"""The staff case page and its documents."""
from flask import Response, abort, render_template
from flask_login import current_user, login_required

from app.cases import bp
from app.services.access import NotAllowed, case_for
from app.services.audit import case_events
from app.services.case_files import complaint_for_case, document_with_content, documents_for_case, records_for_case


def _case_or_404(case_id: int):
    try:
        return case_for(current_user, case_id)
    except NotAllowed:
        abort(404)


@bp.get("/kasus/<int:case_id>")
@login_required
def show(case_id: int):
    case = _case_or_404(case_id)
    return render_template(
        "cases/show.html",
        case=case,
        complaint=complaint_for_case(case_id=case.id),
        documents=documents_for_case(case_id=case.id),
        records=records_for_case(case_id=case.id),
        events=case_events(case_id=case.id),
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
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
