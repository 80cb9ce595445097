"""The process owner's choices where an SOP leaves one, per organisation, each with the
SOP's default (issue 14, item 3):

- `anonymous_reports`: whether an anonymous report is accepted (SOP 000 and 001 make the
  identity mandatory);
- `objection_days`: the objection period before `selesai`, in the SOP's days (0: none,
  SOP 000/001; 10 for the SP4N-LAPOR! SOPs);
- `working_days`: where the SOP says only "hari", whether it counts working days
  (SP4N-LAPOR! practice) or calendar days;
- `deadline_policy`: reminders and escalations of the deadline timers
  (app/services/casework/deadline_policy.py): `remind_before` (working days), `escalate_to` (a
  lane; empty: the timer's own), `interrupt`, and `steps`, the same three per timer id.

The defaults are the diagram's: `camunda:properties` on the `bpmn:process` element
(`anonymous_reports`, `objection_days`, `working_days`), else DEFAULTS. Every change is
audited (`organisation.settings_changed`, with before and after).
"""
import re
from dataclasses import dataclass
from xml.etree import ElementTree

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Organisation, ProcessVersion
from app.services.audit_trail.audit import record_event
from app.services.definitions.deadline_timers import BPMN, deadline_timers, element_properties
from app.services.definitions.processes import latest_version
from app.services.organisation.calendar_revision import calendar_changed

DEFAULTS = {"anonymous_reports": True, "objection_days": 10, "working_days": True, "deadline_policy": {}}
KEYS = tuple(DEFAULTS)


class SettingsError(ValueError):
    """A setting that cannot be saved; the message says why, in Indonesian."""


# The defaults each deployed version's diagram declares, by content hash: a version never
# changes, so its XML is read and parsed once per process, not at every filing.
_declared: dict[str, dict] = {}


def sop_defaults(process_key: str | None, *, version: ProcessVersion | None = None) -> dict:
    """The SOP's defaults as its deployed diagram declares them; `version`: the newest
    version of `process_key` when the caller has it loaded, saving the lookup."""
    if version is None and process_key:
        version = latest_version(process_key=process_key)
    if version is None:
        return dict(DEFAULTS)
    declared = _declared.get(version.content_hash)
    if declared is None:
        declared = _declared.setdefault(version.content_hash, _declared_defaults(version.bpmn_xml))
    return dict(declared)


def _declared_defaults(bpmn_xml: str) -> dict:
    defaults = dict(DEFAULTS)
    process = ElementTree.fromstring(bpmn_xml).find(f"{BPMN}process")
    props = element_properties(process.find(f"{BPMN}extensionElements")) if process is not None and \
        process.find(f"{BPMN}extensionElements") is not None else {}
    for key in ("anonymous_reports", "working_days"):
        if key in props:
            defaults[key] = props[key] == "true"
    if props.get("objection_days", "").isdigit():
        defaults["objection_days"] = int(props["objection_days"])
    return defaults


def settings_for(organisation_code: str | None, *, version: ProcessVersion | None = None) -> dict:
    """The settings in force: the organisation's choices over its SOP's defaults.
    `version`: the newest version of the organisation's process, when the caller has it."""
    organisation = db.session.get(Organisation, organisation_code) if organisation_code else None
    if organisation is None:
        return dict(DEFAULTS)
    chosen = organisation.process_settings or {}
    return sop_defaults(organisation.process_key, version=version) | {k: v for k, v in chosen.items() if k in KEYS}


def update_settings(*, organisation_code: str, changes: dict, actor: str) -> dict:
    """Record the owner's choices (checked), audited with before and after; commits."""
    organisation = db.session.get(Organisation, organisation_code)
    if organisation is None:
        raise SettingsError(_l("Instansi tidak ditemukan."))
    cleaned = _checked(changes)
    version = latest_version(process_key=organisation.process_key) if organisation.process_key else None
    lanes = set(version.lanes or []) if version else set()
    policy = cleaned.get("deadline_policy") or {}
    for entry in [policy, *(policy.get("steps") or {}).values()]:
        if entry.get("escalate_to") and entry["escalate_to"] not in lanes:
            raise SettingsError(_l(
                "Eskalasi kepada “%(escalate_to)s”: bukan jalur (lane) SOP instansi ini.",
                escalate_to=entry['escalate_to']))
    before = settings_for(organisation_code)
    organisation.process_settings = {**(organisation.process_settings or {}), **cleaned}
    after = settings_for(organisation_code)
    if after != before:
        record_event(case=None, action="organisation.settings_changed", actor=actor, detail=organisation_code,
                     data_before={k: before[k] for k in cleaned}, data_after={k: after[k] for k in cleaned})
        calendar_changed()  # "hari" as working or calendar days is part of the organisation's calendar
    db.session.commit()
    return after


def _checked(changes: dict) -> dict:
    cleaned = {}
    for key, value in changes.items():
        if key not in KEYS:
            raise SettingsError(_l("Pengaturan tidak dikenal: %(key)s.", key=key))
        if key in ("anonymous_reports", "working_days"):
            if not isinstance(value, bool):
                raise SettingsError(_l("%(key)s: harus ya atau tidak.", key=key))
        elif key == "objection_days":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 60:
                raise SettingsError(_l("Masa keberatan harus 0 sampai 60 hari."))
        else:
            value = _checked_policy(value)
        cleaned[key] = value
    return cleaned


def _checked_policy(policy) -> dict:
    if not isinstance(policy, dict):
        raise SettingsError(_l("Kebijakan batas waktu tidak sah."))

    def one(entry: dict) -> dict:
        out: dict[str, int | str | bool] = {}
        if entry.get("remind_before") not in (None, ""):
            days = entry["remind_before"]
            if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 30:
                raise SettingsError(_l("Pengingat harus 0 sampai 30 hari kerja sebelum batas waktu."))
            out["remind_before"] = days
        if entry.get("escalate_to"):
            out["escalate_to"] = str(entry["escalate_to"])[:100]
        if entry.get("interrupt") is not None:
            out["interrupt"] = bool(entry["interrupt"])
        return out

    cleaned = one(policy)
    steps = {str(timer)[:100]: one(entry) for timer, entry in (policy.get("steps") or {}).items()
             if isinstance(entry, dict)}
    if steps:
        cleaned["steps"] = {timer: entry for timer, entry in steps.items() if entry}
    return cleaned


@dataclass(frozen=True)
class OwnerView:
    """What the settings page shows: the settings in force, the SOP's defaults, the lanes a
    deadline may escalate to, and the deadline timers of the organisation's diagram."""

    settings: dict
    defaults: dict
    lanes: list
    timers: list


def owner_view(organisation_code: str) -> OwnerView:
    organisation = db.session.get(Organisation, organisation_code)
    version = latest_version(process_key=organisation.process_key) if organisation and organisation.process_key else None
    return OwnerView(settings=settings_for(organisation_code),
                     defaults=sop_defaults(organisation.process_key if organisation else None),
                     lanes=sorted(version.lanes or []) if version else [],
                     timers=_in_step_order(deadline_timers(version.bpmn_xml)) if version else [])


def _in_step_order(timers: list) -> list:
    """The timers as the SOP numbers its steps (6 before 7, 4a before 4b), not as the XML
    happens to list them; a timer with no step number last."""
    def key(timer):
        match = re.match(r"(\d+)(.*)", timer.properties.get("step") or "")
        return (0, int(match.group(1)), match.group(2)) if match else (1, 0, "")
    return sorted(timers, key=key)
