"""Thin Celery task for the inbound mailboxes (beat runs it every DUMAS_MAIL_FETCH_SECONDS)."""
from celery import shared_task

from app.extensions import db
from app.services.mail.imap_fetch import fetch_all_mailboxes


@shared_task(ignore_result=True)
def fetch_mail() -> int:
    try:
        return fetch_all_mailboxes().stored
    finally:
        db.session.remove()
