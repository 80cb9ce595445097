"""System administration: the notification outbox (what was, or will be, emailed)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.routes import admin_required
from app.models.notification import NOTIFICATION_STATUSES
from app.services.mail.notifications import (
    NotificationError,
    mail_configured,
    outbox_counts,
    outbox_entries,
    retry_notification,
)


@bp.get("/kotak-keluar")
@admin_required
def outbox():
    status = request.args.get("status") or None
    if status not in NOTIFICATION_STATUSES:
        status = None
    return render_template("admin/outbox.html", entries=outbox_entries(viewer=current_user, status=status),
                           counts=outbox_counts(), status=status, mail_configured=mail_configured(),
                           statuses=[s for s in NOTIFICATION_STATUSES if s != "skipped"])


@bp.post("/kotak-keluar/<int:notification_id>/kirim-ulang")
@admin_required
def retry(notification_id: int):
    try:
        retry_notification(notification_id=notification_id, actor=current_user.username)
    except NotificationError:
        flash(_("Hanya pesan yang gagal dapat dikirim ulang."), "error")
    else:
        flash(_("Pesan dijadwalkan untuk dikirim ulang."))
    return redirect(url_for("admin.outbox")), 303
