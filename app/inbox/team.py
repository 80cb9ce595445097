"""Saved inbox filters and a head assigning tasks to a colleague (the "Tim" tab)."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.inbox import bp
from app.services.worklist.assignment import AssignmentError, assign_tasks
from app.services.worklist.inbox import COUNT_CAP, held_for
from app.services.worklist.saved_filters import (
    FilterNotFound,
    SavedFilterError,
    clean_params,
    delete_filter,
    save_filter,
)


@bp.post("/tugas/filter")
@login_required
def save_saved_filter():
    try:
        params = clean_params(request.form)
        saved = save_filter(user=current_user, name=request.form.get("nama", ""), params=params,
                            share_with_unit=request.form.get("bagikan") == "1")
    except SavedFilterError as exc:
        flash(str(exc), "error")
        return redirect(url_for("inbox.index", **clean_params(request.form))), 303
    flash(_("Filter \u201c%(name)s\u201d disimpan.", name=saved.name))
    return redirect(url_for("inbox.index", **saved.params)), 303


@bp.post("/tugas/filter/<int:filter_id>/hapus")
@login_required
def delete_saved_filter(filter_id: int):
    try:
        delete_filter(user=current_user, filter_id=filter_id)
    except FilterNotFound:
        abort(404)
    flash(_("Filter dihapus."))
    return redirect(url_for("inbox.index")), 303


@bp.post("/tugas/tugaskan")
@login_required
def assign():
    back = url_for("inbox.index", tab="tim", **{k: v for k in ("proses", "lajur", "terlambat")
                                                if (v := request.form.get(k))})
    try:
        entries = assign_tasks(head=current_user, task_ids=request.form.getlist("tugas"),
                               assignee=request.form.get("penerima", ""), reason=request.form.get("alasan", ""))
    except AssignmentError as exc:
        flash(str(exc), "error")
        return redirect(back), 303
    flash(_("%(n)s tugas ditugaskan kepada %(user)s.", n=len(entries), user=request.form.get("penerima", "").strip()))
    return redirect(back), 303


@bp.app_template_filter("task_count")
def task_count(n: int) -> str:
    """A tab's count as read: "1.000+" once it passes the cap (counts stop there)."""
    return f"{format_decimal(COUNT_CAP)}+" if n > COUNT_CAP else format_decimal(n)


@bp.app_template_filter("held_for")
def held_for_text(claimed_at) -> str:
    """How long a task has been held, in words: "2 hari 3 jam", "4 jam 10 menit"."""
    parts = held_for(claimed_at)
    if parts is None:
        return ""
    days, hours, minutes = parts
    if days:
        return _("%(d)s hari %(h)s jam", d=days, h=hours)
    if hours:
        return _("%(h)s jam %(m)s menit", h=hours, m=minutes)
    return _("%(m)s menit", m=minutes)
