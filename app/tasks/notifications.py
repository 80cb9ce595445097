"""Thin Celery task for the notification outbox (beat runs it every few seconds)."""
from celery import shared_task

from app.extensions import db
from app.services.mail.notifications import queue_staff_digests, send_due_notifications


@shared_task(ignore_result=True)
def send_notifications() -> int:
    """Queue the day's staff digests once their hour has come, then send what is due.
    Two workers running it at once send each message once: each is claimed first."""
    try:
        queue_staff_digests()
        return send_due_notifications()
    finally:
        db.session.remove()
