"""The headers that let a complainant's reply find its case again (issue 16 item 3): a
Message-ID naming the case's tracking number, and a Reply-To plus-address with it
(pengaduan+DUMAS-2026-000123@bsn.example) at the organisation's inbound mailbox."""
from email.utils import make_msgid, parseaddr

from flask import current_app

from app.extensions import db
from app.models import Case, Notification, Organisation
from app.services.mail.mail_settings import mail_settings


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


def reply_address(case: Case) -> str:
    """The organisation's inbound address (mail settings "address", else
    DUMAS_MAIL_REPLY_TO), plus the tracking number; "" when neither is set."""
    organisation = db.session.get(Organisation, case.organisation_code) if case.organisation_code else None
    base = (mail_settings(organisation).address if organisation else "") or current_app.config.get(
        "DUMAS_MAIL_REPLY_TO", "")
    address = parseaddr(base)[1]
    if "@" not in address:
        return ""
    local, _, domain = address.partition("@")
    return f"{local}+{case.tracking_number}@{domain}"


def thread_headers(*, notification: Notification, case: Case | None) -> dict[str, str]:
    domain = _domain(current_app.config["DUMAS_MAIL_FROM"])
    if case is None:
        return {"Message-ID": make_msgid(idstring=f"dumas-{notification.id}", domain=domain)}
    headers = {"Message-ID": f"<dumas.{notification.id}.{case.tracking_number}@{domain}>"}
    if reply_to := reply_address(case):
        headers["Reply-To"] = reply_to
    return headers
