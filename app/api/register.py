"""GET /api/v1/cases: the case register (app/services/reporting/register.py) as JSON, keyset-paged."""
from flask import request

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.errors import ApiError
from app.api.parsing import language
from app.services.reporting.register import RegisterInputError, parse_query, register_page
from app.services.reporting.register_rows import RegisterRow, register_rows


def _item(row: RegisterRow) -> dict:
    item = {
        "id": row.case_id, "tracking_number": row.tracking_number, "title": row.title,
        "organisation": row.organisation, "process": row.process,
        "status": row.status_code, "status_label": row.status,
        "received_at": row.received_at.isoformat(), "received_label": row.received,
        "due_at": row.due_at.isoformat() if row.due_at else None, "overdue": row.overdue,
        "steps": row.steps, "lanes": row.lanes, "units": row.units, "claimed_by": row.claimed_by,
        "channel_label": row.channel, "type_label": row.type, "confidentiality_label": row.confidentiality,
        "complainant": row.complainant,
    }
    if row.identity is not None:
        item["identity"] = {k: row.identity[k] for k in ("nama_lengkap", "nik", "email", "no_hp")}
    return item


@bp.get("/cases")
@token_required
def list_cases():
    try:
        query = parse_query(request.args)
    except RegisterInputError as exc:
        raise ApiError(400, str(exc.message), errors={exc.field: str(exc.message)}) from None
    user = api_user()
    page = register_page(query, user=user)
    return {
        "items": [_item(r) for r in register_rows(page.case_ids, viewer=user, lang=language())],
        "count": page.count, "count_capped": page.count_capped, "count_cap": page.count_cap,
        "next_cursor": page.next_cursor,
    }
