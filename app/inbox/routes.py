"""Staff inbox: the tabs (mine, my lanes, all, the team's), claim, and the task page;
saved filters and assigning tasks are in app/inbox/team.py."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.i18n import current_language
from app.inbox import bp
from app.services.casework.case_errors import CaseError, ConflictError, WorkflowFailed
from app.services.casework.cases import claim_task, complete_task, unclaim_task
from app.services.definitions.forms import FormValidationError
from app.services.definitions.processes import deployed_processes
from app.services.organisation.access import NotAllowed, completed_by, startable_processes, task_for
from app.services.organisation.supervision import colleagues, is_head
from app.services.worklist.inbox import COUNT_CAP, TAB_ALL, TAB_TEAM, BadCursor, inbox, tab_counts
from app.services.worklist.saved_filters import visible_filters
from app.services.worklist.task_page import task_page
from app.task_forms import build_task_form, help_texts, submitted_values


@bp.get("/tugas")
@login_required
def index():
    tab = request.args.get("tab") or TAB_ALL
    filters = {"user": current_user, "tab": tab, "process_key": request.args.get("proses") or None,
               "lane": request.args.get("lajur") or None, "overdue_only": request.args.get("terlambat") == "1"}
    try:
        page = inbox(**filters, cursor=request.args.get("setelah") or None)
    except BadCursor:  # a stale or mangled link: start the tab again
        page = inbox(**filters)
    # Unfiltered, the page's own total is its tab's count: not counted twice.
    unfiltered = not (filters["process_key"] or filters["lane"] or filters["overdue_only"])
    counts = tab_counts(user=current_user, known={page.tab: page.total} if unfiltered else None)
    return render_template(
        "inbox/index.html", page=page, processes=deployed_processes(), startable=startable_processes(current_user),
        counts=counts, count_cap=COUNT_CAP, filters=visible_filters(user=current_user),
        may_share=is_head(current_user) and bool(current_user.unit_code),
        colleagues=colleagues(current_user) if page.tab == TAB_TEAM else [],
        query={k: v for k in ("tab", "proses", "lajur", "terlambat") if (v := request.args.get(k))},
    )


def _gone(task_id: str):
    """A task the user may not work on: if they could have and someone has since completed
    it, back to the inbox saying who did; a task they were never allowed to see is 404."""
    message = _done_by_message(task_id)
    if message is None:
        abort(404)
    flash(message, "error")
    return redirect(url_for("inbox.index")), 303


def _done_by_message(task_id: str) -> str | None:
    """Who completed the task, if the user could have worked on it; the same user in
    another tab or session is told it was themselves, not "someone else"."""
    finisher = completed_by(user=current_user, task_id=task_id)
    if finisher == current_user.username:
        return _("Anda sendiri sudah menyelesaikan tugas ini, di jendela atau sesi lain.")
    if finisher:
        return _("Tugas ini sudah diselesaikan oleh %(user)s.", user=finisher)
    return None


@bp.route("/tugas/<task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: str):
    try:
        page = task_page(user=current_user, task_id=task_id)
    except NotAllowed:
        return _gone(task_id)
    lang = current_language()
    form = build_task_form(page.definition, lang=lang, choices=page.choices,
                           formdata=request.form if request.method == "POST" else None, defaults=page.defaults)
    status = 200
    # CSRFProtect has already checked the token; the service checks the fields, so the
    # WTForms instance only renders them and keeps what was typed.
    if request.method == "POST":
        try:
            complete_task(task_id=task_id, data=submitted_values(page.definition, request.form),
                          actor=current_user.username, lang=lang, user=current_user)
        except FormValidationError as exc:
            for name, message in exc.errors.items():
                if hasattr(form, name):
                    getattr(form, name).errors = [*getattr(form, name).errors, message]
                else:
                    flash(message, "error")
            status = 422
        except ConflictError as exc:
            flash(_done_by_message(task_id) or str(exc), "error")
            return redirect(url_for("inbox.index")), 303
        except WorkflowFailed as exc:
            flash(_("Langkah gagal dijalankan; kasus tetap seperti semula. Kesalahan: %(error)s", error=str(exc)), "error")
            return redirect(url_for("cases.show", case_id=page.entry.case_id)), 303
        else:
            flash(_("Tugas \u201c%(title)s\u201d selesai.", title=page.entry.title))
            return redirect(url_for("inbox.index")), 303
    return render_template(
        "inbox/task.html", entry=page.entry, case=page.case, definition=page.definition, form=form,
        help=help_texts(page.definition, lang=lang), events=page.events, complaint=page.complaint,
        documents=page.documents, records=page.records, lang=lang,
    ), status


@bp.post("/tugas/<task_id>/ambil")
@login_required
def claim(task_id: str):
    try:
        task_for(current_user, task_id)
    except NotAllowed:
        return _gone(task_id)
    try:
        claim_task(task_id=task_id, actor=current_user.username)
        flash(_("Tugas diambil: orang lain tidak dapat menyelesaikannya sampai Anda melepasnya."))
    except CaseError as exc:
        flash(str(exc), "error")
    return redirect(url_for("inbox.task", task_id=task_id)), 303


@bp.post("/tugas/<task_id>/lepas")
@login_required
def unclaim(task_id: str):
    try:
        task_for(current_user, task_id)
    except NotAllowed:
        return _gone(task_id)
    try:
        unclaim_task(task_id=task_id, actor=current_user.username)
        flash(_("Tugas dilepas."))
    except CaseError as exc:
        flash(str(exc), "error")
    return redirect(url_for("inbox.task", task_id=task_id)), 303
