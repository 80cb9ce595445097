"""Agencies in one deployment: those that run their SOP here, and those we only write to."""
from app.extensions import db
from app.models import Organisation, ProcessDefinition, ProcessVersion

# The agencies of the five SOPs shipped in bpmn/, and the ones they forward to that do not
# run here (their cases leave as outgoing letters). A deployment adds its own with
# `flask --app app organisations create`.
# (code, name, SOP run here, time zone, offered on the public complaint form)
KNOWN_ORGANISATIONS = [
    ("bsn", "Inspektorat Badan Standardisasi Nasional", "sop_000", "Asia/Jakarta", True),
    ("katingan", "Inspektorat Kabupaten Katingan", "sop_001", "Asia/Jakarta", True),
    ("dpmdppkb", "Dinas PMD, Pengendalian Penduduk dan KB", "sop_002", "Asia/Jakarta", True),
    ("bps-kaltim", "BPS Provinsi Kalimantan Timur", "sop_003", "Asia/Makassar", True),
    ("setneg", "Kementerian Sekretariat Negara", "sop_004", "Asia/Jakarta", False),
    ("lapor-nasional", "Admin Nasional SP4N-LAPOR!", None, "Asia/Jakarta", False),
    ("apip", "APIP yang terhubung dengan SP4N-LAPOR!", None, "Asia/Jakarta", False),
    ("ombudsman", "Ombudsman Republik Indonesia", None, "Asia/Jakarta", False),
    ("kemendagri", "Kementerian Dalam Negeri", None, "Asia/Jakarta", False),
]


def ensure_organisation(
    *, code: str, name: str, process_key: str | None = None, timezone: str = "Asia/Jakarta",
    accepts_complaints: bool = False,
) -> Organisation:
    organisation = db.session.get(Organisation, code)
    if organisation is None:
        organisation = Organisation(code=code, name=name, process_key=process_key, timezone=timezone,
                                    accepts_complaints=accepts_complaints)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def ensure_known_organisations() -> None:
    """Create the shipped organisations that are missing; commits."""
    for code, name, process_key, zone, public in KNOWN_ORGANISATIONS:
        ensure_organisation(code=code, name=name, process_key=process_key, timezone=zone, accepts_complaints=public)
    db.session.commit()


def complaint_intakes() -> list[Organisation]:
    """Organisations a citizen can file with here: hosted, offered, SOP deployed. One
    query: every filing asks (it used to take one more per organisation)."""
    deployed = (db.select(ProcessVersion.id).join(ProcessDefinition)
                .where(ProcessDefinition.key == Organisation.process_key).exists())
    return list(db.session.scalars(
        db.select(Organisation).where(Organisation.accepts_complaints.is_(True), deployed).order_by(Organisation.name)
    ))


def organisation_running(process_key: str) -> Organisation | None:
    return db.session.scalars(db.select(Organisation).where(Organisation.process_key == process_key)).first()


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(db.select(Organisation).order_by(Organisation.name)))
