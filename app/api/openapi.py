"""The OpenAPI 3.1 description of /api/v1, written by hand so that it says what the
routes promise, not what a generator guessed. tests/integration/test_api_openapi.py
checks it against the application's URL map."""
from typing import Any

from app.api import bp
from app.api.openapi_register import REGISTER_PARAMETERS, REGISTER_SCHEMAS
from app.models.types import MAX_DATABASE_ID
from app.services.accounts import TOKEN_MAX_AGE_SECONDS
from app.services.complaints import CHANNELS, COMPLAINT_TYPES, MAX_FILE_BYTES, MAX_FILES
from app.services.forms import FIELD_TYPES
from app.services.identity import CONFIDENTIALITY_LEVELS, IDENTITY_FIELDS
from app.services.inbox import PER_PAGE


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


_STAFF: list[dict[str, list[str]]] = [{"bearerAuth": []}]
_PUBLIC: list = []
_UNAUTHORISED = _error("Missing, invalid or expired bearer token.")
_RATE_LIMITED = {**_error("Too many requests from this address; the message says when to try again."),
                 "headers": {"Retry-After": {"schema": {"type": "integer"}}}}
# Every operation: refused input (a NUL character or a lone surrogate in any field, an
# unknown `lang`) and a database that cannot be reached (app/input_guard.py, app/errors.py).
_BAD_INPUT = _error("Invalid input: a field holds a NUL character or a lone surrogate (named in `errors`), "
                    "or a parameter is invalid.")
_UNAVAILABLE = {**_error("The database cannot be reached; try again after Retry-After seconds."),
                "headers": {"Retry-After": {"schema": {"type": "integer"}}}}
_TASK_ID = {"name": "task_id", "in": "path", "required": True, "description": "Engine task id (UUID).",
            "schema": {"type": "string"}}
_CASE_ID = {"name": "case_id", "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DATABASE_ID}}
_LANG = {"name": "lang", "in": "query", "required": False, "description": "Language of labels and messages.",
         "schema": {"type": "string", "enum": ["id", "en"], "default": "id"}}
_NULLABLE_STRING = {"type": ["string", "null"]}
_REQUIRED_STRING = {"type": "string", "minLength": 1}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_TIME = {"type": "string", "format": "date-time"}


def _object(properties: dict, *, required: list[str] | None = None, **extra) -> dict:
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
                             "timeline": {"type": "array", "items": _ref("TimelineEntry")},
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
        "items": {"type": "array", "items": _ref("Task")},
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
    "TaskDetail": {"allOf": [_ref("Task"), _object(
        {"case_status": {"type": "string"}, "form": {"oneOf": [_ref("TaskForm"), {"type": "null"}]}})]},
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
        "documents": {"type": "array", "items": _ref("Document")},
        "complaint": {"oneOf": [_ref("CaseComplaint"), {"type": "null"}],
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
    "CaseCompleted": _object({"case": _ref("Case")}),
    "AssignRequest": _object({
        "task_ids": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 200},
        "assignee": {"type": "string", "description": "The colleague's username."},
        "reason": {"type": "string", "maxLength": 500},
    }),
    "TaskList": _object({"items": {"type": "array", "items": _ref("Task")}}),
    "Event": _object({
        "id": {"type": "integer"}, "at": _TIME, "actor": {"type": "string"}, "action": {"type": "string"},
        "element_id": _NULLABLE_STRING, "lane": _NULLABLE_STRING, "detail": _NULLABLE_STRING,
        "data_before": {"type": ["object", "null"]}, "data_after": {"type": ["object", "null"]},
        "seq": {"type": "integer"}, "hash": {"type": "string"}, "prev_hash": _NULLABLE_STRING,
        "at_local": {"type": "string", "description": "The time in the organisation's zone, e.g. 2026-12-04 09:15 WIB."},
        "text": {"type": "string", "description": "The event in words, in the asked language."},
    }),
    "EventList": _object({"items": {"type": "array", "items": _ref("Event")}}),
    "NoteInput": _object({"text": {"type": "string", "maxLength": 4000}}, required=["text"]),
    "NoteMultipart": _object({
        "text": {"type": "string", "maxLength": 4000},
        "lampiran": {"type": "array", "maxItems": MAX_FILES,
                     "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                     "description": f"PDF, JPEG or PNG, at most {MAX_FILE_BYTES // (1024 * 1024)} MB each."}},
        required=["text"]),
}


def _task_action(summary: str, ok: dict, conflict: str, *, body: dict | None = None, extra: dict | None = None):
    operation: dict[str, Any] = {
        "summary": summary, "tags": ["tasks"], "security": _STAFF, "parameters": [_TASK_ID, _LANG],
        "responses": {"200": ok, "401": _UNAUTHORISED,
                      "404": _error("No such task, or not one the caller may see."),
                      "409": _error(conflict), **(extra or {})},
    }
    if body is not None:
        operation["requestBody"] = body
        operation["responses"]["400"] = _error("The body is not a JSON object, or `data` is not an object.")
    return operation


PATHS = {
    "/openapi.json": {"get": {"summary": "This document.", "tags": ["meta"], "security": _PUBLIC,
                              "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1 document.")}}},
    "/auth/token": {"post": {
        "summary": "Exchange a username and password for a bearer token.", "tags": ["auth"], "security": _PUBLIC,
        "parameters": [_LANG],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("TokenRequest")}}},
        "responses": {"200": _json(_ref("Token"), "Token issued."),
                      "400": _error("Username or password missing."),
                      "401": _error("Wrong username or password."),
                      "403": _error("The password was chosen by an administrator and must first be changed "
                                    "at /akun/kata-sandi."),
                      "429": _error("Too many failed attempts for this username or address: locked until "
                                    "the window ends (Retry-After, seconds); the right password too.")},
    }},
    "/complaints": {"post": {
        "summary": "File a complaint (public, no account).", "tags": ["public"], "security": _PUBLIC,
        "parameters": [_LANG],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("ComplaintInput")},
            "multipart/form-data": {"schema": _ref("ComplaintMultipart"),
                                    "encoding": {"lampiran": {"contentType": "application/pdf, image/jpeg, image/png"}}},
        }},
        "responses": {"201": {**_json(_ref("ComplaintCreated"), "Complaint accepted."),
                              "headers": {"Location": {"schema": {"type": "string"}}}},
                      "400": _error("The body is not a JSON object, or a file name does not match its content, "
                                    "or the text looks like spam."),
                      "422": _json(_ref("ValidationError"), "Invalid fields, each named with its message."),
                      "429": _RATE_LIMITED,
                      "503": _error("The complaint process is not deployed, or the database cannot be reached.")},
    }},
    "/complaints/{tracking_number}": {"get": {
        "summary": "A complaint's public status and timeline (needs the access code).", "tags": ["public"],
        "security": _PUBLIC,
        "parameters": [
            {"name": "tracking_number", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "X-Access-Code", "in": "header", "required": False, "schema": {"type": "string"}},
            {"name": "access_code", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "Instead of the X-Access-Code header."},
            _LANG,
        ],
        "responses": {"200": _json(_ref("PublicStatus"), "Status and timeline; nothing internal."),
                      "429": _RATE_LIMITED,
                      "404": _error("Wrong tracking number or access code (the same answer for both).")},
    }},
    **{f"/complaints/{{tracking_number}}/{action}": {"post": {
        "summary": summary, "tags": ["public"], "security": _PUBLIC,
        "parameters": [
            {"name": "tracking_number", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "X-Access-Code", "in": "header", "required": False, "schema": {"type": "string"}},
            {"name": "access_code", "in": "query", "required": False, "schema": {"type": "string"}},
            _LANG,
        ],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref(schema)},
            **({"multipart/form-data": {"schema": _ref(schema)}} if schema != "RatingInput" else {}),
        }},
        "responses": {"200": _json(_ref("PublicStatus"), "Taken; the complaint as the complainant now sees it."),
                      "400": _error("The body is not a JSON object (or form), or a file name does not match its "
                                    "content, or the text looks like spam."),
                      "429": _RATE_LIMITED,
                      "404": _error("Wrong tracking number or access code (the same answer for both)."),
                      "409": _error(conflict),
                      "422": _json(_ref("ValidationError"), "Invalid fields, each named with its message.")},
    }} for action, summary, schema, conflict in (
        ("missing-data", "Answer a request for missing data (text and files).", "ReplyInput",
         "The complaint is not waiting for missing data."),
        ("rating", "Rate the outcome 1-5, once, after it was delivered.", "RatingInput",
         "No outcome delivered yet, or already rated."),
        ("objection", "Object to the outcome (keberatan) within the objection period.", "ReplyInput",
         "The objection period is over or an objection was already made."),
    )},
    "/tasks": {"get": {
        "summary": "The caller's inbox: ready tasks of their roles (and unit).", "tags": ["tasks"],
        "security": _STAFF,
        "parameters": [
            {"name": "tab", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["semua", "saya", "lajur", "tim"], "default": "semua"},
             "description": "semua: every task of the caller's lanes (and unit); saya: the tasks the caller holds "
                            "(claimed or assigned); lajur: unclaimed tasks of the caller's lanes; tim: for heads, "
                            "every task of the organisations they head."},
            {"name": "process", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "Only tasks of this process key, e.g. sop_000."},
            {"name": "overdue", "in": "query", "required": False, "schema": {"type": "boolean", "default": False}},
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 300},
             "description": "The `next_cursor` of the previous page (keyset paging); omit for the first page."},
            _LANG,
        ],
        "responses": {"200": _json(_ref("TaskPage"), (
            "One page of tasks, soonest due first (tasks without a deadline last), then oldest.")),
                      "400": _error("Invalid query parameter."), "401": _UNAUTHORISED},
    }},
    "/tasks/assign": {"post": {
        "summary": "A head assigns (or reassigns) one or many tasks to a colleague, with one reason.",
        "description": "All or nothing: if one task is not the head's to assign, or the colleague may not hold "
                       "it (lane role, unit, organisation), nothing changes and the message names that task. "
                       "Each task is audited as task.assigned; the assignee gets one e-mail listing them.",
        "tags": ["tasks"], "security": _STAFF, "parameters": [_LANG],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("AssignRequest")}}},
        "responses": {"200": _json(_ref("TaskList"), "Assigned; the tasks as they now stand."),
                      "400": _error("The body is not a JSON object, or a field has the wrong type."),
                      "401": _UNAUTHORISED,
                      "422": _error("Nothing assigned: no reason, an unknown or inactive colleague, or a task "
                                    "that is not the head's to assign or the colleague's to hold (named).")},
    }},
    "/tasks/{task_id}": {"get": {
        "summary": "A task with its form as JSON Schema.", "tags": ["tasks"], "security": _STAFF,
        "parameters": [_TASK_ID, _LANG],
        "responses": {"200": _json(_ref("TaskDetail"), "The task."), "401": _UNAUTHORISED,
                      "404": _error("No such task, or not one the caller may see.")},
    }},
    "/tasks/{task_id}/claim": {"post": _task_action(
        "Claim a task so that nobody else completes it.", _json(_ref("Task"), "Claimed (or already yours)."),
        "Claimed by someone else, or already completed.")},
    "/tasks/{task_id}/unclaim": {"post": _task_action(
        "Release one's claim on a task.", _json(_ref("Task"), "Released."),
        "Not claimed by the caller, or already completed.")},
    "/tasks/{task_id}/complete": {"post": _task_action(
        "Complete a task with its form data and run the process to the next wait.",
        _json(_ref("CaseCompleted"), "Completed; the case as it now stands."),
        "Already completed, claimed by someone else, or the case just changed.",
        body={"required": True, "content": {"application/json": {"schema": _ref("CompleteRequest")}}},
        extra={"422": _json(_ref("ValidationError"), "Invalid form fields, each named with its message."),
               "500": _error("The process engine failed; the case stays at its last good state and the error is recorded on it.")},
    )},
    "/cases": {"get": {
        "summary": "The case register: every case the caller may see (the case page's rule, in the query), "
                   "filtered, searched, sorted and keyset-paged.", "tags": ["cases"], "security": _STAFF,
        "parameters": [*REGISTER_PARAMETERS, _LANG],
        "responses": {"200": _json(_ref("RegisterPage"), "One page of the register."), "401": _UNAUTHORISED},
    }},
    "/cases/{case_id}": {"get": {
        "summary": "A case: status, current tasks, process version, documents.", "tags": ["cases"],
        "security": _STAFF, "parameters": [_CASE_ID, _LANG],
        "responses": {"200": _json(_ref("Case"), "The case."), "401": _UNAUTHORISED,
                      "404": _error("No such case, or not one the caller may see.")},
    }},
    "/cases/{case_id}/events": {"get": {
        "summary": "A case's audit trail, oldest first.", "tags": ["cases"], "security": _STAFF,
        "parameters": [_CASE_ID, _LANG],
        "responses": {"200": _json(_ref("EventList"), "The audit events."), "401": _UNAUTHORISED,
                      "404": _error("No such case, or not one the caller may see.")},
    }},
    "/cases/{case_id}/notes": {"post": {
        "summary": "Add an internal note (text, documents or both) to a case: staff only, never shown to the "
                   "complainant; identity values in it are blanked for readers who may not see them.",
        "tags": ["cases"], "security": _STAFF, "parameters": [_CASE_ID, _LANG],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("NoteInput")},
            "multipart/form-data": {"schema": _ref("NoteMultipart"),
                                    "encoding": {"lampiran": {"contentType": "application/pdf, image/jpeg, image/png"}}},
        }},
        "responses": {"201": _json(_ref("Event"), "The note's audit event (case.note_added)."),
                      "401": _UNAUTHORISED,
                      "404": _error("No such case, or not one the caller may see."),
                      "422": _json(_ref("ValidationError"), "An empty or too long note, or a refused file.")},
    }},
    "/cases/{case_id}/pdf": {"get": {
        "summary": "The printable case file (PDF): timeline, decisions, documents, the SOP diagram with the "
                   "path taken, and the audit chain's head hash with its verification.", "tags": ["cases"],
        "security": _STAFF, "parameters": [_CASE_ID, _LANG],
        "responses": {"200": {"description": "The PDF.", "content": {"application/pdf": {}}},
                      "401": _UNAUTHORISED, "404": _error("No such case, or not one the caller may see.")},
    }},
}


def _with_common_responses(paths: dict) -> dict:
    return {path: {method: {**operation, "responses": {"400": _BAD_INPUT, **operation["responses"],
                                                       "503": operation["responses"].get("503", _UNAVAILABLE)}}
                   for method, operation in operations.items()}
            for path, operations in paths.items()}


def openapi_document(*, server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Dumas API",
            "version": "1",
            "description": "Penanganan pengaduan masyarakat sesuai SOP. Errors are JSON {\"message\": ...} "
                           "in Indonesian, or English with Accept-Language: en or ?lang=en.",
        },
        "servers": [{"url": server_url}],
        "paths": _with_common_responses(PATHS),
        "components": {
            "schemas": SCHEMAS | REGISTER_SCHEMAS,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "A token from POST /auth/token."}},
        },
        "security": _STAFF,
    }


@bp.get("/openapi.json")
def openapi():
    return openapi_document(server_url=bp.url_prefix)
