"""Agencies in one deployment: those that run their SOP here, and those we only write to."""
from app.extensions import db
from app.models import Case, Organisation

# The agencies of the five SOPs shipped in bpmn/, and the ones they forward to that do not
# run here (their cases leave as outgoing letters). A deployment adds its own with
# `flask --app app organisations create`.
KNOWN_ORGANISATIONS = [
    ("bsn", "Inspektorat Badan Standardisasi Nasional", "sop_000", "Asia/Jakarta"),
    ("katingan", "Inspektorat Kabupaten Katingan", "sop_001", "Asia/Jakarta"),
    ("dpmdppkb", "Dinas PMD, Pengendalian Penduduk dan KB", "sop_002", "Asia/Jakarta"),
    ("bps-kaltim", "BPS Provinsi Kalimantan Timur", "sop_003", "Asia/Makassar"),
    ("setneg", "Kementerian Sekretariat Negara", "sop_004", "Asia/Jakarta"),
    ("lapor-nasional", "Admin Nasional SP4N-LAPOR!", None, "Asia/Jakarta"),
    ("apip", "APIP yang terhubung dengan SP4N-LAPOR!", None, "Asia/Jakarta"),
    ("ombudsman", "Ombudsman Republik Indonesia", None, "Asia/Jakarta"),
    ("kemendagri", "Kementerian Dalam Negeri", None, "Asia/Jakarta"),
]


def ensure_organisation(*, code: str, name: str, process_key: str | None = None, timezone: str = "Asia/Jakarta") -> Organisation:
    organisation = db.session.get(Organisation, code)
    if organisation is None:
        organisation = Organisation(code=code, name=name, process_key=process_key, timezone=timezone)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def ensure_known_organisations() -> None:
    """Create the shipped organisations that are missing; commits."""
    for code, name, process_key, zone in KNOWN_ORGANISATIONS:
        ensure_organisation(code=code, name=name, process_key=process_key, timezone=zone)
    db.session.commit()


def organisation_running(process_key: str) -> Organisation | None:
    return db.session.scalars(db.select(Organisation).where(Organisation.process_key == process_key)).first()


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(db.select(Organisation).order_by(Organisation.name)))


def organisation_codes() -> set[str]:
    return set(db.session.scalars(db.select(Organisation.code)))


def organisation_of(case: Case) -> Organisation | None:
    return db.session.get(Organisation, case.organisation_code) if case.organisation_code else None
