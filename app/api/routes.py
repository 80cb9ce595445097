"""Staff routes: the inbox, one task with its form, claiming and completing it, a case
and its audit trail. Each checks per object through app.services.organisation.access; what a user
may not see answers 404 exactly as what does not exist."""
from flask import Response, request
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.errors import ApiError
from app.api.parsing import json_body, language, query_bool
from app.downloads import content_disposition
from app.services.audit_trail.audit import case_events
from app.services.casefile import api_views
from app.services.casefile.case_pdf import render_case_pdf
from app.services.casework.case_errors import ConflictError, TaskNotFound, WorkflowFailed
from app.services.casework.cases import claim_task, complete_task, unclaim_task
from app.services.definitions.forms import FormValidationError
from app.services.organisation.access import NotAllowed, case_for, completed_by, task_for
from app.services.worklist.assignment import AssignmentError, assign_tasks
from app.services.worklist.inbox import COUNT_CAP, PER_PAGE, TAB_ALL, TABS, BadCursor, inbox


def _task_not_found() -> ApiError:
    return ApiError(404, _("Tugas tidak ditemukan."))


def _conflict(task_id: str, *, fallback: str) -> ApiError:
    """A 409 saying, in the caller's language, who stands in the way. The services'
    own messages are Indonesian only, so the state is read again and described here."""
    user = api_user()
    finisher = completed_by(user=user, task_id=task_id)
    if finisher == user.username:
        return ApiError(409, _("Anda sendiri sudah menyelesaikan tugas ini, di jendela atau sesi lain."))
    if finisher:
        return ApiError(409, _("Tugas ini sudah diselesaikan oleh %(user)s.", user=finisher))
    claimant = api_views.task_claimant(task_id=task_id)
    if claimant and claimant != user.username:
        return ApiError(409, _("Tugas ini sedang dikerjakan oleh %(user)s.", user=claimant))
    return ApiError(409, fallback)


def _stale() -> str:
    return _("Kasus ini baru saja diubah oleh orang lain; muat ulang lalu coba lagi.")


def _ready_task(task_id: str):
    """The ready task if the user may work on it; a task this user could have worked on
    but someone has already completed is a 409, anything else a 404."""
    try:
        return task_for(api_user(), task_id)
    except NotAllowed:
        if completed_by(user=api_user(), task_id=task_id):
            raise _conflict(task_id, fallback=_stale()) from None
        raise _task_not_found() from None


@bp.get("/tasks")
@token_required
def list_tasks():
    tab = request.args.get("tab") or TAB_ALL
    if tab not in TABS:
        raise ApiError(400, _("Parameter 'tab' harus salah satu dari: %(tabs)s.", tabs=", ".join(TABS)))
    try:
        page = inbox(
            user=api_user(),
            tab=tab,
            process_key=request.args.get("process") or None,
            overdue_only=query_bool("overdue"),
            cursor=request.args.get("cursor") or None,
        )
    except BadCursor:
        raise ApiError(400, _("Penanda halaman tidak valid; mulai lagi dari halaman pertama.")) from None
    return {
        "items": api_views.task_items(page.entries, viewer=api_user(), complaints=page.complaints),
        "next_cursor": page.next_cursor,
        "total": min(page.total, COUNT_CAP),
        "total_capped": page.capped,
        "per_page": PER_PAGE,
    }


@bp.post("/tasks/assign")
@token_required
def assign():
    """A head gives one or many tasks to a colleague, with one reason: all or nothing."""
    body = json_body()
    task_ids, assignee, reason = body.get("task_ids"), body.get("assignee"), body.get("reason")
    if not isinstance(task_ids, list) or not all(isinstance(t, str) for t in task_ids):
        raise ApiError(400, _("'task_ids' harus berupa daftar id tugas."))
    if not isinstance(assignee, str) or not isinstance(reason, str):
        raise ApiError(400, _("'assignee' dan 'reason' harus berupa teks."))
    try:
        entries = assign_tasks(head=api_user(), task_ids=task_ids, assignee=assignee, reason=reason)
    except AssignmentError as exc:
        raise ApiError(422, str(exc)) from None
    return {"items": api_views.task_items(entries, viewer=api_user())}


@bp.get("/tasks/<task_id>")
@token_required
def get_task(task_id: str):
    try:
        entry = task_for(api_user(), task_id)
    except NotAllowed:
        raise _task_not_found() from None
    return api_views.task_detail(entry, lang=language(), viewer=api_user())


@bp.post("/tasks/<task_id>/claim")
@token_required
def claim(task_id: str):
    _ready_task(task_id)
    try:
        entry = claim_task(task_id=task_id, actor=api_user().username)
    except ConflictError:
        raise _conflict(task_id, fallback=_stale()) from None
    except TaskNotFound:
        raise _task_not_found() from None
    return api_views.task_item(entry, viewer=api_user())


@bp.post("/tasks/<task_id>/unclaim")
@token_required
def unclaim(task_id: str):
    _ready_task(task_id)
    try:
        entry = unclaim_task(task_id=task_id, actor=api_user().username)
    except ConflictError:
        raise _conflict(task_id, fallback=_("Hanya yang mengambil tugas ini yang dapat melepaskannya.")) from None
    except TaskNotFound:
        raise _task_not_found() from None
    return api_views.task_item(entry, viewer=api_user())


@bp.post("/tasks/<task_id>/complete")
@token_required
def complete(task_id: str):
    entry = _ready_task(task_id)
    data = json_body().get("data", {})
    if not isinstance(data, dict):
        raise ApiError(400, _("'data' harus berupa objek JSON."))
    case_id = entry.case_id
    lang = language()
    try:
        case = complete_task(
            task_id=task_id, data=data, actor=api_user().username, lang=lang, user=api_user()
        )
    except FormValidationError as exc:
        raise ApiError(422, _("Isian formulir tidak valid."), errors=exc.errors) from None
    except ConflictError:
        raise _conflict(task_id, fallback=_stale()) from None
    except TaskNotFound:
        raise _task_not_found() from None
    except WorkflowFailed as exc:
        message = _("Langkah gagal dijalankan; kasus tetap seperti semula. Kesalahan: %(error)s", error=str(exc))
        raise ApiError(500, message, case_id=case_id) from None
    return {"case": api_views.case_detail(case, viewer=api_user())}


def _visible_case(case_id: int):
    try:
        return case_for(api_user(), case_id)
    except NotAllowed:
        raise ApiError(404, _("Kasus tidak ditemukan.")) from None


@bp.get("/cases/<int:case_id>")
@token_required
def get_case(case_id: int):
    return api_views.case_detail(_visible_case(case_id), viewer=api_user())


@bp.get("/cases/<int:case_id>/events")
@token_required
def list_case_events(case_id: int):
    case = _visible_case(case_id)
    return {"items": api_views.event_items(case_events(case_id=case.id), case=case, viewer=api_user(),
                                          lang=language())}


@bp.get("/cases/<int:case_id>/pdf")
@token_required
def case_pdf(case_id: int):
    case = _visible_case(case_id)
    return Response(render_case_pdf(case=case, viewer=api_user(), lang=language()), mimetype="application/pdf",
                    headers={"Content-Disposition": content_disposition(f"{case.tracking_number}.pdf", inline=True),
                             "Cache-Control": "private, no-store"})
