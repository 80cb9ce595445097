"""An organisation's inbound mailbox and how its mail is handled, kept in
`Organisation.mail_settings`; the IMAP password only in DUMAS_IMAP_PASSWORDS."""
from dataclasses import dataclass, field

from flask import current_app

from app.extensions import db
from app.models import Organisation


class MailSettingsError(ValueError):
    pass


@dataclass
class MailSettings:
    imap_host: str = ""
    imap_port: int = 993
    imap_user: str = ""
    imap_ssl: bool = True
    # The mailbox's own address, where replies go (as a plus-address with the tracking number).
    address: str = ""
    # Send the complainant the tracking number when a mailed complaint becomes a case.
    auto_reply: bool = False
    # Addresses ("budi@example.id") or domains ("@example.id"): allowed ones skip the spam
    # heuristics; denied ones are refused (and kept).
    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)

    @property
    def fetches(self) -> bool:
        return bool(self.imap_host and self.imap_user)


def mail_settings(organisation: Organisation) -> MailSettings:
    stored = organisation.mail_settings or {}
    known = MailSettings.__dataclass_fields__
    return MailSettings(**{key: value for key, value in stored.items() if key in known})


def imap_password(organisation_code: str) -> str:
    return str(current_app.config.get("DUMAS_IMAP_PASSWORDS", {}).get(organisation_code, ""))


def update_mail_settings(*, organisation_code: str, changes: dict) -> MailSettings:
    """Change some settings of one organisation; commits."""
    organisation = db.session.get(Organisation, organisation_code)
    if organisation is None:
        raise MailSettingsError(f"Instansi tidak dikenal: {organisation_code}")
    current = {**(organisation.mail_settings or {})}
    for key, value in changes.items():
        if key not in MailSettings.__dataclass_fields__:
            raise MailSettingsError(f"Pengaturan tidak dikenal: {key}")
        if key in ("allow", "deny"):
            value = sorted({item.strip().lower() for item in value if item.strip()})
        current[key] = value
    organisation.mail_settings = current
    db.session.commit()
    return mail_settings(organisation)


def listed(address: str, entries: list[str]) -> bool:
    """Whether an address is on a list of addresses and "@domain" entries."""
    address = address.lower()
    domain = "@" + address.rpartition("@")[2]
    return any(entry in (address, domain) for entry in entries)
