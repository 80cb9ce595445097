"""Messages as a citizen's mail program would send them, and a real IMAP mailbox for the
organisation "bsn" (tests/helpers/imap_server.py)."""
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

from app.services.mail.mail_settings import update_mail_settings
from app.services.organisation.organisations import ensure_known_organisations
from tests.helpers.complaints import PDF
from tests.helpers.imap_server import LocalImapServer

CITIZEN = "siti.rahayu@example.id"


def message(*, subject="Jalan rusak di depan kantor desa", text="Jalan berlubang sejak tiga bulan, mohon diperbaiki.",
            html=None, sender=CITIZEN, attachments=(), message_id=None, headers=None) -> bytes:
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = f"Siti Rahayu <{sender}>"
    mail["To"] = "pengaduan@bsn.example"
    mail["Subject"] = subject
    mail["Message-ID"] = message_id or make_msgid(domain="example.id")
    for name, value in (headers or {}).items():
        mail[name] = value
    if html is not None and text is None:
        mail.set_content(html, subtype="html")
    else:
        mail.set_content(text)
    for filename, content in attachments:
        maintype, subtype = ("application", "pdf") if filename.endswith(".pdf") else ("image", "png")
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes()


def with_attachment() -> bytes:
    return message(subject="Pungutan liar, bukti terlampir", attachments=[("kuitansi.pdf", PDF)])


def running_mailbox(app_context):
    """A running Dovecot with one mailbox, set as bsn's inbound mailbox (a test module's
    `imap` fixture yields from this)."""
    server = LocalImapServer().start()
    ensure_known_organisations()
    update_mail_settings(organisation_code="bsn", changes={
        "imap_host": "127.0.0.1", "imap_port": server.port, "imap_user": server.user, "imap_ssl": False})
    app_context.config["DUMAS_IMAP_PASSWORDS"] = {"bsn": server.password}
    yield server
    server.remove()
