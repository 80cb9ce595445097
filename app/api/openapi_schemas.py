"""The shared pieces of the OpenAPI description of /api/v1 (app/api/openapi.py): the
helpers that write a response or a reference, the parameters and responses every path
repeats, and the component schemas of tasks, cases and complaints."""
from app.input_guard import MAX_DATABASE_ID
from app.services.definitions.forms import FIELD_TYPES
from app.services.intake.complaints import CHANNELS, COMPLAINT_TYPES, MAX_FILE_BYTES, MAX_FILES
from app.services.organisation.accounts import TOKEN_MAX_AGE_SECONDS
from app.services.organisation.identity import CONFIDENTIALITY_LEVELS, IDENTITY_FIELDS
from app.services.worklist.inbox import PER_PAGE


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error(description: str) -> dict:
    return json_content(ref("Error"), description)


STAFF: list[dict[str, list[str]]] = [{"bearerAuth": []}]
PUBLIC: list[dict[str, list[str]]] = []
UNAUTHORISED = error("Missing, invalid or expired bearer token.")
RATE_LIMITED = {**error("Too many requests from this address; the message says when to try again."),
                 "headers": {"Retry-After": {"schema": {"type": "integer"}}}}
# Every operation: refused input (a NUL character or a lone surrogate in any field, an
# unknown `lang`) and a database that cannot be reached (app/input_guard.py, app/errors.py).
BAD_INPUT = error("Invalid input: a field holds a NUL character or a lone surrogate (named in `errors`), "
                    "or a parameter is invalid.")
UNAVAILABLE = {**error("The database cannot be reached; try again after Retry-After seconds."),
                "headers": {"Retry-After": {"schema": {"type": "integer"}}}}
TASK_ID = {"name": "task_id", "in": "path", "required": True, "description": "Engine task id (UUID).",
            "schema": {"type": "string"}}
CASE_ID = {"name": "case_id", "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DATABASE_ID}}
LANG = {"name": "lang", "in": "query", "required": False, "description": "Language of labels and messages.",
         "schema": {"type": "string", "enum": ["id", "en"], "default": "id"}}
_NULLABLE_STRING = {"type": ["string", "null"]}
_REQUIRED_STRING = {"type": "string", "minLength": 1}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_TIME = {"type": "string", "format": "date-time"}


def _object(properties: dict, *, required: list[str] | None = None, **extra: object) -> dict:
    return {"type": "object", "properties": properties, "required": required or list(properties), **extra}


_TASK_PROPERTIES = {
    "id": {"type": "string", "description": "Engine task id."},
    "case_id": {"type": "integer"},
    "tracking_number": {"type": "string"},
    "case_title": {"type": "string"},
    "process_key": {"type": "string"},
    "title": {"type": "string"},
    "element_id": {"type": "string"},
    "lane": {"type": "string", "description": "The BPMN lane, which names the role allowed to work on it."},
    "org_unit": {**_NULLABLE_STRING, "description": "Unit code, where the task is routed to one unit."},
    "org_unit_name": {**_NULLABLE_STRING, "description": "That unit's name, as staff read it."},
    "form_key": _NULLABLE_STRING,
    "created_at": _TIME,
    "due_at": _NULLABLE_TIME,
    "claimed_by": _NULLABLE_STRING,
}
_CASE_TASK = {k: _TASK_PROPERTIES[k] for k in
              ("id", "title", "element_id", "lane", "org_unit", "org_unit_name", "form_key", "created_at", "due_at",
               "claimed_by")}

_COMPLAINT_FIELDS = {
    "kerahasiaan": {"type": "string", "enum": list(CONFIDENTIALITY_LEVELS), "default": "biasa", "description": (
        "biasa: staff handling the case see the identity; rahasia: only the admin role does, and the report "
        "is kept out of anything public; anonim: nobody does, the identity fields are not required and are "
        "dropped, and the complainant follows the case only with the tracking number and access code.")},
    "nama_lengkap": {"type": "string", "minLength": 1, "maxLength": 200},
    "nik": {"type": "string", "pattern": "^[0-9]{16}$", "description": "Nomor Induk Kependudukan."},
    "email": {"type": "string", "format": "email", "maxLength": 255},
    "no_hp": {"type": "string", "minLength": 1, "description": "Indonesian phone number, e.g. 081234567890 or +6281234567890."},
    "pekerjaan": {"type": "string", "minLength": 1, "maxLength": 100},
    "alamat": {"type": "string", "minLength": 1, "maxLength": 500},
    "instansi": {"type": "string", "description": "Kode instansi tujuan (default: bsn); lihat formulir /lapor."},
    "jenis": {"type": "string", "enum": list(COMPLAINT_TYPES)},
    "judul": {"type": "string", "minLength": 1, "maxLength": 200},
    "uraian": {"type": "string", "minLength": 1, "maxLength": 10000},
    "lokasi_kejadian": {"type": "string", "maxLength": 255},
    "terlapor": {"type": "string", "maxLength": 255},
    "tanggal_kejadian": {"type": "string", "format": "date", "description": "Not in the future."},
}
_COMPLAINT_REQUIRED = ["jenis", "judul", "uraian"]
# The identity (SOP 000 step 1) is required unless the report is anonymous.
_IDENTITY_UNLESS_ANONYMOUS = {
    "if": {"properties": {"kerahasiaan": {"const": "anonim"}}, "required": ["kerahasiaan"]},
    "else": {"required": list(IDENTITY_FIELDS)},
}

SCHEMAS = {
    "Error": _object({"message": {"type": "string", "description": "In the caller's language."}},
                     additionalProperties=True),
    "ValidationError": _object(
        {"message": {"type": "string"},
         "errors": {"type": "object", "additionalProperties": {"type": "string"},
                    "description": "Field name -> what is wrong with it."}}),
    "TokenRequest": _object({"username": _REQUIRED_STRING, "password": _REQUIRED_STRING}),
    "Token": _object({"token": {"type": "string"}, "token_type": {"const": "Bearer"},
                      "expires_in": {"type": "integer", "description": f"Seconds ({TOKEN_MAX_AGE_SECONDS})."}}),
    "ComplaintInput": _object(_COMPLAINT_FIELDS, required=_COMPLAINT_REQUIRED, **_IDENTITY_UNLESS_ANONYMOUS),
    "ComplaintMultipart": _object(
        {**_COMPLAINT_FIELDS,
         "lampiran": {"type": "array", "maxItems": MAX_FILES,
                      "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                      "description": f"PDF, JPEG or PNG, at most {MAX_FILE_BYTES // (1024 * 1024)} MB each."}},
        required=_COMPLAINT_REQUIRED, **_IDENTITY_UNLESS_ANONYMOUS),
    "ComplaintCreated": _object({"tracking_number": {"type": "string"},
                                 "access_code": {"type": "string", "description": "Shown only this once."},
                                 "status": {"type": "string"}}),
    "TimelineEntry": _object({"at": _TIME, "event": {"type": "string"}, "label": {"type": "string"}}),
    "PublicStatus": _object({"tracking_number": {"type": "string"}, "status": {"type": "string"},
                             "status_label": {"type": "string"}, "closed": {"type": "boolean"},
                             "timeline": {"type": "array", "items": ref("TimelineEntry")},
                             "status_description": {"type": "string"},
                             "current_step": {"type": ["object", "null"], "description":
                                              "unit (a unit's name, never a person), due_at, working_days_left, overdue"},
                             "reports": {"type": "array", "items": {"type": "object"}, "description":
                                         "Reports to the complainant: title, at, content [{label, value}]."},
                             "missing_data_request": {"type": ["object", "null"],
                                                      "description": "missing, answer_until"},
                             "rating": {"type": ["object", "null"]}, "can_rate": {"type": "boolean"},
                             "objection": {"type": "object", "description": "open, until, submitted"}}),
    "ReplyInput": _object(
        {"text": {"type": "string", "minLength": 1, "maxLength": 5000},
         "lampiran": {"type": "array", "maxItems": MAX_FILES,
                      "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                      "description": "Multipart only: PDF, JPEG or PNG."}},
        required=["text"]),
    "RatingInput": _object({"rating": {"type": "integer", "minimum": 1, "maximum": 5},
                            "comment": {"type": "string", "maxLength": 1000}}, required=["rating"]),
    "Task": _object(_TASK_PROPERTIES),
    "TaskPage": _object({
        "items": {"type": "array", "items": ref("Task")},
        "next_cursor": {"type": ["string", "null"], "description": (
            "Pass as `cursor` for the next page; null on the last page.")},
        "total": {"type": "integer", "minimum": 0, "maximum": 1000, "description": (
            "How many tasks match, counted up to 1000.")},
        "total_capped": {"type": "boolean", "description": "More than 1000 match (`total` is then 1000)."},
        "per_page": {"type": "integer", "const": PER_PAGE}}),
    "TaskForm": _object(
        {"key": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
         "schema": {"type": "object", "description": (
             "JSON Schema 2020-12 of the form's data. Field types map as: text/textarea -> string "
             "(maxLength), boolean -> boolean, choice -> string enum, multichoice -> array of enum, "
             "date -> string (format date), integer -> integer, unit -> string enum of unit codes. "
             "`x-field-type` keeps the form type (one of " + ", ".join(sorted(FIELD_TYPES)) + "), "
             "`x-enum-labels` maps values to labels, `x-required-when` {field: value} makes a field "
             "required when all those fields have those values.")}}),
    "TaskDetail": {"allOf": [ref("Task"), _object(
        {"case_status": {"type": "string"}, "form": {"oneOf": [ref("TaskForm"), {"type": "null"}]}})]},
    "CompleteRequest": _object({"data": {"type": "object", "description": "Field values of the task's form."}}),
    "Document": _object({"id": {"type": "integer"}, "kind": {"type": "string"}, "filename": {"type": "string"},
                         "content_type": {"type": "string"}, "size": {"type": "integer"},
                         "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "created_at": _TIME}),
    "Case": _object({
        "id": {"type": "integer"}, "tracking_number": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "string"}, "completed": {"type": "boolean"}, "created_at": _TIME,
        "closed_at": _NULLABLE_TIME,
        "process": _object({"key": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "integer"}}),
        "last_error": {**_NULLABLE_STRING, "description": "The last engine failure, until the next good step."},
        "last_error_at": _NULLABLE_TIME,
        "tasks": {"type": "array", "items": _object(_CASE_TASK)},
        "documents": {"type": "array", "items": ref("Document")},
        "complaint": {"oneOf": [ref("CaseComplaint"), {"type": "null"}],
                      "description": "What the complainant filed; null for a staff-started case."},
    }),
    "CaseComplaint": _object({
        **{name: {"type": "string"} for name in ("jenis", "judul", "uraian", "lokasi_kejadian", "terlapor")},
        "tanggal_kejadian": {"type": ["string", "null"], "format": "date"},
        "channel": {"type": "string", "enum": list(CHANNELS)},
        "kerahasiaan": {"type": "string", "enum": list(CONFIDENTIALITY_LEVELS)},
        "identity_visible": {"type": "boolean", "description": (
            "Whether the caller may see who filed it: never for anonim, only the admin role for rahasia.")},
        "reporter": _object({name: {"type": "string"} for name in IDENTITY_FIELDS}, description=(
            "The identity, or, where hidden, the label \"Anonim\" / \"Identitas dirahasiakan\" in nama_lengkap "
            "and empty strings elsewhere.")),
    }),
    "CaseCompleted": _object({"case": ref("Case")}),
    "AssignRequest": _object({
        "task_ids": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 200},
        "assignee": {"type": "string", "description": "The colleague's username."},
        "reason": {"type": "string", "maxLength": 500},
    }),
    "TaskList": _object({"items": {"type": "array", "items": ref("Task")}}),
    "Event": _object({
        "id": {"type": "integer"}, "at": _TIME, "actor": {"type": "string"}, "action": {"type": "string"},
        "element_id": _NULLABLE_STRING, "lane": _NULLABLE_STRING, "detail": _NULLABLE_STRING,
        "data_before": {"type": ["object", "null"]}, "data_after": {"type": ["object", "null"]},
        "seq": {"type": "integer"}, "hash": {"type": "string"}, "prev_hash": _NULLABLE_STRING,
        "at_local": {"type": "string", "description": "The time in the organisation's zone, e.g. 2026-12-04 09:15 WIB."},
        "text": {"type": "string", "description": "The event in words, in the asked language."},
    }),
    "EventList": _object({"items": {"type": "array", "items": ref("Event")}}),
    "NoteInput": _object({"text": {"type": "string", "maxLength": 4000}}, required=["text"]),
    "NoteMultipart": _object({
        "text": {"type": "string", "maxLength": 4000},
        "lampiran": {"type": "array", "maxItems": MAX_FILES,
                     "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                     "description": f"PDF, JPEG or PNG, at most {MAX_FILE_BYTES // (1024 * 1024)} MB each."}},
        required=["text"]),
}
