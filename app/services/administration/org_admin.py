"""Units and organisations in the browser (/admin/unit, /admin/instansi).

The system administrator creates and edits both; an agency administrator creates and
edits the units of their own organisation and edits that organisation's name and
whether it takes public complaints. Every change is audited.
"""
from zoneinfo import available_timezones

from flask_babel import gettext as _

from app.extensions import db
from app.models import Organisation, OrgUnit
from app.services.administration.account_admin import AdminScope, NotInScope
from app.services.audit_trail.audit import record_event
from app.services.definitions.processes import deployed_processes, latest_version
from app.services.organisation.accounts import AccountError
from app.services.organisation.calendar_revision import calendar_changed

# The zones staff read as WIB, WITA and WIT.
TIMEZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def _code(value: str, label: str) -> str:
    value = value.strip()
    if not value or len(value) > 50 or any(c.isspace() for c in value):
        raise AccountError(_("%(label)s wajib diisi, tanpa spasi, paling banyak 50 karakter.", label=label))
    return value


def _name(value: str) -> str:
    value = value.strip()
    if not value or len(value) > 255:
        raise AccountError(_("Nama wajib diisi, paling banyak 255 karakter."))
    return value


def get_unit(*, scope: AdminScope, code: str) -> OrgUnit:
    unit = db.session.scalars(scope.units().where(OrgUnit.code == code)).first()
    if unit is None:
        raise NotInScope(_("Unit kerja tidak ditemukan."))
    return unit


def _unit_organisation(scope: AdminScope, organisation_code: str) -> str:
    if not scope.system:
        if organisation_code and organisation_code != scope.organisation_code:
            raise NotInScope(_("Anda hanya dapat mengelola unit instansi Anda sendiri."))
        return organisation_code or scope.organisation_code or ""
    if organisation_code and db.session.get(Organisation, organisation_code) is None:
        raise AccountError(_("Instansi tidak dikenal: %(code)s.", code=organisation_code))
    return organisation_code


def create_unit(*, scope: AdminScope, code: str, name: str, organisation_code: str) -> OrgUnit:
    code = _code(code, _("Kode unit"))
    if db.session.get(OrgUnit, code) is not None:
        raise AccountError(_("Kode unit '%(code)s' sudah dipakai.", code=code))
    unit = OrgUnit(code=code, name=_name(name), organisation=_unit_organisation(scope, organisation_code))
    db.session.add(unit)
    record_event(case=None, action="unit.created", actor=scope.actor, detail=code,
                 data_after={"nama": unit.name, "instansi": unit.organisation})
    db.session.commit()
    return unit


def update_unit(*, scope: AdminScope, code: str, name: str, organisation_code: str) -> OrgUnit:
    """The code stays: running workflows and accounts refer to it."""
    unit = get_unit(scope=scope, code=code)
    before = {"nama": unit.name, "instansi": unit.organisation}
    unit.name, unit.organisation = _name(name), _unit_organisation(scope, organisation_code)
    after = {"nama": unit.name, "instansi": unit.organisation}
    if after != before:
        record_event(case=None, action="unit.updated", actor=scope.actor, detail=code, data_before=before, data_after=after)
    db.session.commit()
    return unit


def get_organisation(*, scope: AdminScope, code: str) -> Organisation:
    if not scope.system and code != scope.organisation_code:
        raise NotInScope(_("Instansi tidak ditemukan."))
    organisation = db.session.get(Organisation, code)
    if organisation is None:
        raise NotInScope(_("Instansi tidak ditemukan."))
    return organisation


def _zone(value: str) -> str:
    if value not in available_timezones():
        raise AccountError(_("Zona waktu tidak dikenal: %(zone)s.", zone=value))
    return value


def _snapshot(o: Organisation) -> dict:
    return {"nama": o.name, "zona_waktu": o.timezone, "menerima_pengaduan": o.accepts_complaints,
            "proses": o.process_key, "jalur_identitas": sorted(o.identity_lanes or []),
            "jalur_luring": sorted(o.intake_lanes or []), "penerima_laporan": o.report_recipient,
            "jalur_laporan": sorted(o.report_lanes or [])}


def sop_lanes(organisation: Organisation) -> list[str]:
    """The staff lanes of the SOP the organisation runs (its newest version)."""
    version = latest_version(process_key=organisation.process_key) if organisation.process_key else None
    return sorted(version.lanes or []) if version is not None else []


def free_processes(organisation: Organisation | None = None) -> list[tuple[str, str]]:
    """(key, name) of the deployed processes no other organisation runs: an organisation
    runs one SOP, an SOP belongs to one organisation."""
    taken = set(db.session.scalars(db.select(Organisation.process_key).where(Organisation.process_key.is_not(None))))
    own = organisation.process_key if organisation is not None else None
    return [(v.definition.key, v.definition.name) for v in deployed_processes()
            if v.definition.key not in taken or v.definition.key == own]


def _process(value: str, organisation: Organisation | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if value not in dict(free_processes(organisation)):
        raise AccountError(_("Proses %(key)s belum diterapkan atau sudah dijalankan instansi lain.", key=value))
    return value


def _lanes(values: list[str], *, allowed: list[str], what: str) -> list[str]:
    wrong = sorted(set(values) - set(allowed))
    if wrong:
        raise AccountError(_("%(what)s: %(lanes)s bukan jalur SOP instansi ini.", what=what, lanes=", ".join(wrong)))
    return sorted(set(values))


def update_agency_settings(*, scope: AdminScope, code: str, process_key: str, identity_lanes: list[str],
                           intake_lanes: list[str], report_recipient: str,
                           report_lanes: list[str] | None = None) -> Organisation:
    """What the system administrator sets for an agency running an SOP here: which SOP,
    the lanes of it that see a confidential reporter's identity, that enter offline
    complaints and that compile or receive the half-yearly report, and who the report is
    for. Audited; commits."""
    if not scope.system:
        raise NotInScope(_("Hanya Administrator Sistem yang dapat mengubah SOP dan jalur instansi."))
    organisation = get_organisation(scope=scope, code=code)
    before = _snapshot(organisation)
    organisation.process_key = _process(process_key, organisation)
    allowed = sop_lanes(organisation)
    organisation.identity_lanes = _lanes(identity_lanes, allowed=allowed, what=_("Jalur yang melihat identitas pelapor rahasia"))
    organisation.intake_lanes = _lanes(intake_lanes, allowed=allowed, what=_("Jalur yang mencatat pengaduan luring"))
    organisation.report_lanes = _lanes(report_lanes or [], allowed=allowed,
                                       what=_("Jalur yang menyusun atau menerima laporan semesteran"))
    recipient = " ".join((report_recipient or "").split())
    if len(recipient) > 255:
        raise AccountError(_("Penerima laporan paling banyak 255 karakter."))
    organisation.report_recipient = recipient or None
    return _commit_update(organisation, before=before, scope=scope)


def create_organisation(*, scope: AdminScope, code: str, name: str, timezone: str, accepts_complaints: bool) -> Organisation:
    """An agency not hosted here (no SOP: what is forwarded to it leaves as a letter);
    hosting one means deploying its SOP (`organisations create --process`)."""
    if not scope.system:
        raise NotInScope(_("Hanya Administrator Sistem yang dapat menambah instansi."))
    code = _code(code, _("Kode instansi"))
    if db.session.get(Organisation, code) is not None:
        raise AccountError(_("Kode instansi '%(code)s' sudah dipakai.", code=code))
    organisation = Organisation(code=code, name=_name(name), timezone=_zone(timezone), accepts_complaints=accepts_complaints)
    db.session.add(organisation)
    record_event(case=None, action="organisation.created", actor=scope.actor, detail=code, data_after=_snapshot(organisation))
    db.session.commit()
    return organisation


def update_organisation(*, scope: AdminScope, code: str, name: str, timezone: str,
                        accepts_complaints: bool) -> Organisation:
    """An agency administrator may rename their organisation and open or close its public
    complaint form; its time zone (its deadlines) is the system administrator's."""
    organisation = get_organisation(scope=scope, code=code)
    before = _snapshot(organisation)
    organisation.name = _name(name)
    organisation.accepts_complaints = accepts_complaints
    if scope.system and timezone != organisation.timezone:
        organisation.timezone = _zone(timezone)
        calendar_changed()  # deadlines are computed in the organisation's zone
    return _commit_update(organisation, before=before, scope=scope)


def _commit_update(organisation: Organisation, *, before: dict, scope: AdminScope) -> Organisation:
    """Commit an edit of the organisation, audited with what it was and is (nothing
    recorded when nothing changed)."""
    after = _snapshot(organisation)
    if after != before:
        record_event(case=None, action="organisation.updated", actor=scope.actor, detail=organisation.code,
                     data_before=before, data_after=after)
    db.session.commit()
    return organisation
