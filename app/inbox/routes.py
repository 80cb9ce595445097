"""Staff inbox: the tabs (mine, my lanes, all, the team's), claim, and the task page;
saved filters and assigning tasks are in app/inbox/team.py."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.i18n import current_language
from app.inbox import bp
from app.inbox.forms import build_task_form, help_texts, submitted_values
from app.services.access import NotAllowed, completed_by, startable_processes, task_for
from app.services.audit import case_events
from app.services.case_files import complaint_for_case, documents_for_case, records_for_case
from app.services.cases import CaseError, ConflictError, WorkflowFailed, claim_task, complete_task, unclaim_task
from app.services.forms import FormValidationError, default_values, reference_types
from app.services.inbox import COUNT_CAP, TAB_ALL, TAB_TEAM, BadCursor, inbox, tab_counts
from app.services.processes import deployed_processes, version_forms
from app.services.references import reference_choices
from app.services.saved_filters import visible_filters
from app.services.supervision import colleagues, is_head


@bp.get("/tugas")
@login_required
def index():
    tab = request.args.get("tab") or TAB_ALL
    filters = dict(user=current_user, tab=tab, process_key=request.args.get("proses") or None,
                   lane=request.args.get("lajur") or None, overdue_only=request.args.get("terlambat") == "1")
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


class _AlreadyDone(Exception):
    pass


def _task_or_404(task_id: str):
    """The ready task; a task this user could have worked on that someone has since
    completed says who did (nothing for tasks the user was never allowed to see)."""
    try:
        return task_for(current_user, task_id)
    except NotAllowed:
        message = _done_by_message(task_id)
        if message:
            flash(message, "error")
            raise _AlreadyDone from None
        abort(404)


def _done_by_message(task_id: str) -> str | None:
    """Who completed the task, if the user could have worked on it; the same user in
    another tab or session is told it was themselves, not "someone else"."""
    finisher = completed_by(user=current_user, task_id=task_id)
    if finisher == current_user.username:
        return _("Anda sendiri sudah menyelesaikan tugas ini, di jendela atau sesi lain.")
    if finisher:
        return _("Tugas ini sudah diselesaikan oleh %(user)s.", user=finisher)
    return None


@bp.errorhandler(_AlreadyDone)
def _already_done(_exc):
    return redirect(url_for("inbox.index")), 303


@bp.route("/tugas/<task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: str):
    entry = _task_or_404(task_id)
    lang = current_language()
    definition = version_forms(entry.case.process_version).get(entry.form_key) if entry.form_key else None
    definition = definition or {"key": "", "fields": []}
    choices = reference_choices(reference_types(definition), organisation_code=entry.case.organisation_code)
    formdata = request.form if request.method == "POST" else None
    complaint = complaint_for_case(case_id=entry.case_id)
    form = build_task_form(definition, lang=lang, choices=choices, formdata=formdata,
                           defaults=default_values(definition, complaint=complaint))
    status = 200
    # CSRFProtect has already checked the token; the service checks the fields, so the
    # WTForms instance only renders them and keeps what was typed.
    if request.method == "POST":
        try:
            complete_task(
                task_id=task_id,
                data=submitted_values(definition, request.form),
                actor=current_user.username,
                lang=lang,
                user=current_user,
            )
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
            return redirect(url_for("cases.show", case_id=entry.case_id)), 303
        else:
            flash(_("Tugas \u201c%(title)s\u201d selesai.", title=entry.title))
            return redirect(url_for("inbox.index")), 303
    return render_template(
        "inbox/task.html",
        entry=entry,
        case=entry.case,
        definition=definition,
        form=form,
        help=help_texts(definition, lang=lang),
        events=case_events(case_id=entry.case_id),
        complaint=complaint,
        documents=documents_for_case(case_id=entry.case_id),
        records=records_for_case(case_id=entry.case_id),
        lang=lang,
    ), status


@bp.post("/tugas/<task_id>/ambil")
@login_required
def claim(task_id: str):
    _task_or_404(task_id)
    try:
        claim_task(task_id=task_id, actor=current_user.username)
        flash(_("Tugas diambil: orang lain tidak dapat menyelesaikannya sampai Anda melepasnya."))
    except CaseError as exc:
        flash(str(exc), "error")
    return redirect(url_for("inbox.task", task_id=task_id)), 303


@bp.post("/tugas/<task_id>/lepas")
@login_required
def unclaim(task_id: str):
    _task_or_404(task_id)
    try:
        unclaim_task(task_id=task_id, actor=current_user.username)
        flash(_("Tugas dilepas."))
    except CaseError as exc:
        flash(str(exc), "error")
    return redirect(url_for("inbox.task", task_id=task_id)), 303
