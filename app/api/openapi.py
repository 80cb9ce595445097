"""The OpenAPI 3.1 description of /api/v1, written by hand so that it says what the
routes promise, not what a generator guessed. tests/integration/test_api_openapi.py
checks it against the application's URL map."""
from typing import Any

from app.api import bp
from app.api.openapi_register import REGISTER_PARAMETERS, REGISTER_SCHEMAS
from app.api.openapi_schemas import (
    BAD_INPUT,
    CASE_ID,
    LANG,
    PUBLIC,
    RATE_LIMITED,
    SCHEMAS,
    STAFF,
    TASK_ID,
    UNAUTHORISED,
    UNAVAILABLE,
    error,
    json_content,
    ref,
)


def _task_action(summary: str, ok: dict, conflict: str, *, body: dict | None = None, extra: dict | None = None):
    operation: dict[str, Any] = {
        "summary": summary, "tags": ["tasks"], "security": STAFF, "parameters": [TASK_ID, LANG],
        "responses": {"200": ok, "401": UNAUTHORISED,
                      "404": error("No such task, or not one the caller may see."),
                      "409": error(conflict), **(extra or {})},
    }
    if body is not None:
        operation["requestBody"] = body
        operation["responses"]["400"] = error("The body is not a JSON object, or `data` is not an object.")
    return operation


PATHS = {
    "/openapi.json": {"get": {"summary": "This document.", "tags": ["meta"], "security": PUBLIC,
                              "responses": {"200": json_content({"type": "object"}, "OpenAPI 3.1 document.")}}},
    "/auth/token": {"post": {
        "summary": "Exchange a username and password for a bearer token.", "tags": ["auth"], "security": PUBLIC,
        "parameters": [LANG],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("TokenRequest")}}},
        "responses": {"200": json_content(ref("Token"), "Token issued."),
                      "400": error("Username or password missing."),
                      "401": error("Wrong username or password."),
                      "403": error("The password was chosen by an administrator and must first be changed "
                                    "at /akun/kata-sandi."),
                      "429": error("Too many failed attempts for this username or address: locked until "
                                    "the window ends (Retry-After, seconds); the right password too.")},
    }},
    "/complaints": {"post": {
        "summary": "File a complaint (public, no account).", "tags": ["public"], "security": PUBLIC,
        "parameters": [LANG],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": ref("ComplaintInput")},
            "multipart/form-data": {"schema": ref("ComplaintMultipart"),
                                    "encoding": {"lampiran": {"contentType": "application/pdf, image/jpeg, image/png"}}},
        }},
        "responses": {"201": {**json_content(ref("ComplaintCreated"), "Complaint accepted."),
                              "headers": {"Location": {"schema": {"type": "string"}}}},
                      "400": error("The body is not a JSON object, or a file name does not match its content, "
                                    "or the text looks like spam."),
                      "422": json_content(ref("ValidationError"), "Invalid fields, each named with its message."),
                      "429": RATE_LIMITED,
                      "503": error("The complaint process is not deployed, or the database cannot be reached.")},
    }},
    "/complaints/{tracking_number}": {"get": {
        "summary": "A complaint's public status and timeline (needs the access code).", "tags": ["public"],
        "security": PUBLIC,
        "parameters": [
            {"name": "tracking_number", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "X-Access-Code", "in": "header", "required": False, "schema": {"type": "string"}},
            {"name": "access_code", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "Instead of the X-Access-Code header."},
            LANG,
        ],
        "responses": {"200": json_content(ref("PublicStatus"), "Status and timeline; nothing internal."),
                      "429": RATE_LIMITED,
                      "404": error("Wrong tracking number or access code (the same answer for both).")},
    }},
    **{f"/complaints/{{tracking_number}}/{action}": {"post": {
        "summary": summary, "tags": ["public"], "security": PUBLIC,
        "parameters": [
            {"name": "tracking_number", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "X-Access-Code", "in": "header", "required": False, "schema": {"type": "string"}},
            {"name": "access_code", "in": "query", "required": False, "schema": {"type": "string"}},
            LANG,
        ],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": ref(schema)},
            **({"multipart/form-data": {"schema": ref(schema)}} if schema != "RatingInput" else {}),
        }},
        "responses": {"200": json_content(ref("PublicStatus"), "Taken; the complaint as the complainant now sees it."),
                      "400": error("The body is not a JSON object (or form), or a file name does not match its "
                                    "content, or the text looks like spam."),
                      "429": RATE_LIMITED,
                      "404": error("Wrong tracking number or access code (the same answer for both)."),
                      "409": error(conflict),
                      "422": json_content(ref("ValidationError"), "Invalid fields, each named with its message.")},
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
        "security": STAFF,
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
            LANG,
        ],
        "responses": {"200": json_content(ref("TaskPage"), (
            "One page of tasks, soonest due first (tasks without a deadline last), then oldest.")),
                      "400": error("Invalid query parameter."), "401": UNAUTHORISED},
    }},
    "/tasks/assign": {"post": {
        "summary": "A head assigns (or reassigns) one or many tasks to a colleague, with one reason.",
        "description": "All or nothing: if one task is not the head's to assign, or the colleague may not hold "
                       "it (lane role, unit, organisation), nothing changes and the message names that task. "
                       "Each task is audited as task.assigned; the assignee gets one e-mail listing them.",
        "tags": ["tasks"], "security": STAFF, "parameters": [LANG],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("AssignRequest")}}},
        "responses": {"200": json_content(ref("TaskList"), "Assigned; the tasks as they now stand."),
                      "400": error("The body is not a JSON object, or a field has the wrong type."),
                      "401": UNAUTHORISED,
                      "422": error("Nothing assigned: no reason, an unknown or inactive colleague, or a task "
                                    "that is not the head's to assign or the colleague's to hold (named).")},
    }},
    "/tasks/{task_id}": {"get": {
        "summary": "A task with its form as JSON Schema.", "tags": ["tasks"], "security": STAFF,
        "parameters": [TASK_ID, LANG],
        "responses": {"200": json_content(ref("TaskDetail"), "The task."), "401": UNAUTHORISED,
                      "404": error("No such task, or not one the caller may see.")},
    }},
    "/tasks/{task_id}/claim": {"post": _task_action(
        "Claim a task so that nobody else completes it.", json_content(ref("Task"), "Claimed (or already yours)."),
        "Claimed by someone else, or already completed.")},
    "/tasks/{task_id}/unclaim": {"post": _task_action(
        "Release one's claim on a task.", json_content(ref("Task"), "Released."),
        "Not claimed by the caller, or already completed.")},
    "/tasks/{task_id}/complete": {"post": _task_action(
        "Complete a task with its form data and run the process to the next wait.",
        json_content(ref("CaseCompleted"), "Completed; the case as it now stands."),
        "Already completed, claimed by someone else, or the case just changed.",
        body={"required": True, "content": {"application/json": {"schema": ref("CompleteRequest")}}},
        extra={"422": json_content(ref("ValidationError"), "Invalid form fields, each named with its message."),
               "500": error("The process engine failed; the case stays at its last good state and the error is recorded on it.")},
    )},
    "/cases": {"get": {
        "summary": "The case register: every case the caller may see (the case page's rule, in the query), "
                   "filtered, searched, sorted and keyset-paged.", "tags": ["cases"], "security": STAFF,
        "parameters": [*REGISTER_PARAMETERS, LANG],
        "responses": {"200": json_content(ref("RegisterPage"), "One page of the register."), "401": UNAUTHORISED},
    }},
    "/cases/{case_id}": {"get": {
        "summary": "A case: status, current tasks, process version, documents.", "tags": ["cases"],
        "security": STAFF, "parameters": [CASE_ID, LANG],
        "responses": {"200": json_content(ref("Case"), "The case."), "401": UNAUTHORISED,
                      "404": error("No such case, or not one the caller may see.")},
    }},
    "/cases/{case_id}/events": {"get": {
        "summary": "A case's audit trail, oldest first.", "tags": ["cases"], "security": STAFF,
        "parameters": [CASE_ID, LANG],
        "responses": {"200": json_content(ref("EventList"), "The audit events."), "401": UNAUTHORISED,
                      "404": error("No such case, or not one the caller may see.")},
    }},
    "/cases/{case_id}/notes": {"post": {
        "summary": "Add an internal note (text, documents or both) to a case: staff only, never shown to the "
                   "complainant; identity values in it are blanked for readers who may not see them.",
        "tags": ["cases"], "security": STAFF, "parameters": [CASE_ID, LANG],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": ref("NoteInput")},
            "multipart/form-data": {"schema": ref("NoteMultipart"),
                                    "encoding": {"lampiran": {"contentType": "application/pdf, image/jpeg, image/png"}}},
        }},
        "responses": {"201": json_content(ref("Event"), "The note's audit event (case.note_added)."),
                      "401": UNAUTHORISED,
                      "404": error("No such case, or not one the caller may see."),
                      "422": json_content(ref("ValidationError"), "An empty or too long note, or a refused file.")},
    }},
    "/cases/{case_id}/pdf": {"get": {
        "summary": "The printable case file (PDF): timeline, decisions, documents, the SOP diagram with the "
                   "path taken, and the audit chain's head hash with its verification.", "tags": ["cases"],
        "security": STAFF, "parameters": [CASE_ID, LANG],
        "responses": {"200": {"description": "The PDF.", "content": {"application/pdf": {}}},
                      "401": UNAUTHORISED, "404": error("No such case, or not one the caller may see.")},
    }},
}


def _with_common_responses(paths: dict) -> dict:
    return {path: {method: {**operation, "responses": {"400": BAD_INPUT, **operation["responses"],
                                                       "503": operation["responses"].get("503", UNAVAILABLE)}}
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
        "security": STAFF,
    }


@bp.get("/openapi.json")
def openapi():
    return openapi_document(server_url=bp.url_prefix)
