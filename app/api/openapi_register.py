"""The OpenAPI description of GET /cases (the case register), merged into the document
by app/api/openapi.py."""
from app.services.intake.complaints import CHANNELS, COMPLAINT_TYPES
from app.services.organisation.identity import CONFIDENTIALITY_LEVELS
from app.services.reporting.register import COUNT_CAP, DEADLINES, MAX_PAGE_SIZE, PAGE_SIZE, SEARCH_COUNT_CAP, SORTS

_STRING = {"type": "string", "maxLength": 100}
_DATE = {"type": "string", "format": "date"}


def _param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


REGISTER_PARAMETERS = [
    _param("q", {"type": "string", "maxLength": 200},
           "A tracking number (DUMAS-2026-000123 or 2026-000123, exact), or words searched in the title, "
           "description, location, terlapor and staff outputs (PostgreSQL: Indonesian stemming; SQLite: word "
           "prefixes), and in the complainant's name, NIK, e-mail and phone only where the caller may see them."),
    _param("organisation", _STRING, "Organisation code (useful to national roles; others see only their own)."),
    _param("process", _STRING, "Process key of the SOP, e.g. sop_000_bsn."),
    _param("status", _STRING, "Status code of the case."),
    _param("lane", _STRING, "A lane (role) holding one of the case's open tasks."),
    _param("unit", _STRING, "A unit code the case has been routed to."),
    _param("channel", {"type": "string", "enum": list(CHANNELS)}, "How the complaint arrived."),
    _param("type", {"type": "string", "enum": list(COMPLAINT_TYPES)}, "Kind of report."),
    _param("received_from", _DATE, "Received on or after this day (the organisation's local time)."),
    _param("received_to", _DATE, "Received on or before this day."),
    _param("deadline", {"type": "string", "enum": list(DEADLINES)},
           "overdue: an open task past its deadline; at_risk: one due within 3 working days."),
    _param("claimed_by", _STRING, "Username holding one of the case's open tasks."),
    _param("confidentiality", {"type": "string", "enum": list(CONFIDENTIALITY_LEVELS)}, "Confidentiality level."),
    _param("sort", {"type": "string", "enum": list(SORTS), "default": "-received"},
           "received, due (soonest open-task deadline; none last) or status; '-' for descending."),
    _param("cursor", {"type": "string", "maxLength": 400}, "next_cursor of the previous page."),
    _param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE},
           "Cases per page."),
]

_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_STRINGS = {"type": "array", "items": {"type": "string"}}

REGISTER_SCHEMAS = {
    "RegisterCase": {"type": "object", "required": [
        "id", "tracking_number", "title", "organisation", "process", "status", "status_label", "received_at",
        "received_label", "due_at", "overdue", "steps", "lanes", "units", "claimed_by", "channel_label",
        "type_label", "confidentiality_label", "complainant"], "properties": {
        "id": {"type": "integer"}, "tracking_number": {"type": "string"}, "title": {"type": "string"},
        "organisation": {"type": "string", "description": "Organisation name."},
        "process": {"type": "string", "description": "SOP name."},
        "status": {"type": "string"}, "status_label": {"type": "string"},
        "received_at": {"type": "string", "format": "date-time"},
        "received_label": {"type": "string", "description": "Local time with WIB/WITA/WIT."},
        "due_at": _NULLABLE_TIME, "overdue": {"type": "boolean"},
        "steps": _STRINGS, "lanes": _STRINGS, "units": {**_STRINGS, "description": "Unit names."},
        "claimed_by": _STRINGS, "channel_label": {"type": "string"}, "type_label": {"type": "string"},
        "confidentiality_label": {"type": "string"},
        "complainant": {"type": "string", "description": "The name, or the hidden-identity label."},
        "identity": {"type": "object", "description": "Present only where the caller may see the identity.",
                     "properties": {k: {"type": "string"} for k in ("nama_lengkap", "nik", "email", "no_hp")}},
    }},
    "RegisterPage": {"type": "object", "required": ["items", "count", "count_capped", "count_cap", "next_cursor"],
                     "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/RegisterCase"}},
        "count": {"type": "integer", "description": "Matching cases, counted up to `count_cap`."},
        "count_capped": {"type": "boolean", "description": "More than `count_cap` match."},
        "count_cap": {"type": "integer", "enum": [SEARCH_COUNT_CAP, COUNT_CAP], "description": (
            f"Where counting stops: {COUNT_CAP}, or {SEARCH_COUNT_CAP} for a full-text search (`q` other than "
            "a tracking number), whatever the words.")},
        "next_cursor": {"type": ["string", "null"]},
    }},
}
