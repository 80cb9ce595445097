"""Fetching an organisation's inbound mailbox over IMAP (imaplib, the standard library).

Each unseen message is read without marking it (BODY.PEEK), stored and committed, and
only then flagged \\Seen. A fetch cut off anywhere (the server gone, the process killed)
leaves the message unseen, so the next round fetches it again; the Message-ID check in
receive_mail stores it once. Nothing lost, nothing twice.
"""
import contextlib
import imaplib
import logging
import socket
from dataclasses import dataclass

from app.extensions import db
from app.models import Organisation
from app.services.mail.mail_intake import receive_mail
from app.services.mail.mail_settings import MailSettings, imap_password, mail_settings

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 30


class MailboxUnavailable(Exception):
    """The mailbox could not be reached or refused us; the next round tries again."""


@dataclass
class FetchResult:
    stored: int = 0
    duplicates: int = 0


def fetch_mailbox(*, organisation_code: str) -> FetchResult:
    organisation = db.session.get(Organisation, organisation_code)
    settings = mail_settings(organisation) if organisation else MailSettings()
    if not settings.fetches:
        return FetchResult()
    result = FetchResult()
    try:
        connection = _connect(settings)
        try:
            connection.login(settings.imap_user, imap_password(organisation_code))
            _check(connection.select("INBOX"))
            uids = _check(connection.uid("SEARCH", "UNSEEN"))[0].split()
            for uid in uids:
                data = _check(connection.uid("FETCH", uid, "(BODY.PEEK[])"))
                raw = next((item[1] for item in data if isinstance(item, tuple)), None)
                if raw is None:
                    continue
                _, new = receive_mail(organisation_code=organisation_code, raw=raw, source="imap")
                result.stored += new
                result.duplicates += not new
                # Only now that the message is committed.
                _check(connection.uid("STORE", uid, "+FLAGS", "(\\Seen)"))
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                connection.logout()
    except (imaplib.IMAP4.error, OSError, socket.timeout) as exc:
        db.session.rollback()
        raise MailboxUnavailable(f"{organisation_code}: {exc}") from exc
    return result


def _connect(settings: MailSettings) -> imaplib.IMAP4:
    if settings.imap_ssl:
        return imaplib.IMAP4_SSL(settings.imap_host, settings.imap_port, timeout=TIMEOUT_SECONDS)
    return imaplib.IMAP4(settings.imap_host, settings.imap_port, timeout=TIMEOUT_SECONDS)


def _check(response):
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"{status} {data!r}")
    return data


def fetch_all_mailboxes() -> FetchResult:
    """One round over every organisation with a mailbox; one unreachable mailbox is
    logged and does not stop the others."""
    total = FetchResult()
    for organisation in db.session.scalars(db.select(Organisation).order_by(Organisation.code)):
        if not mail_settings(organisation).fetches:
            continue
        try:
            result = fetch_mailbox(organisation_code=organisation.code)
        except MailboxUnavailable as exc:
            log.warning("mailbox unavailable: %s", exc)
            continue
        total.stored += result.stored
        total.duplicates += result.duplicates
    return total
