"""Who heads an organisation's work: sees the "Tim" tab and assigns tasks to colleagues.

The heads are the members of the roles an organisation's setting names
(`organisations.head_roles`, set with `flask --app app organisations heads`). Without a
setting, they are the **supervising lanes** of the SOP the organisation runs, read from
its newest deployed diagram: the lanes a missed deadline escalates to, named by its
deadline timers (`escalate_to`, else `extend_role`; app/services/definitions/deadline_timers.py), or
holding a drawn escalation task with the form `eskalasi_tenggat` (older diagrams). With the shipped SOPs that is Kepala Inspektorat (000),
Inspektur (001), Pejabat Pengelola Pengaduan, Admin Instansi and Admin Nasional (002), Admin BPS Provinsi and Admin
Nasional (003), and Kepala Subbidang, Kepala Bidang, Asdep Dumas and Deputi Hublemmas
(004). The diagram says who supervises whom, so a process owner who moves an escalation
moves the heads with it, and no list is kept in step by hand.

A head's reach is every ready task of their organisation's cases (a head with no
organisation, a national role: every organisation whose heads include their role).
"""
from xml.etree import ElementTree

from app.extensions import db
from app.models import Organisation, ProcessVersion, Role, User
from app.services.definitions.deadline_timers import ESCALATION_FORM, deadline_timers
from app.services.definitions.processes import latest_version
from app.services.definitions.transaction_memo import forget_remembered, remembered

_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_CAMUNDA_FORM_KEY = "{http://camunda.org/schema/1.0/bpmn}formKey"

# content hash -> supervising lanes; versions never change, so neither does this.
_lanes_cache: dict[str, frozenset[str]] = {}


class SupervisionError(ValueError):
    """A setting that cannot be saved; the message says why, in Indonesian."""


def supervising_lanes(version: ProcessVersion) -> frozenset[str]:
    """The lanes of a deployed diagram that its deadline escalations go to."""
    lanes = _lanes_cache.get(version.content_hash)
    if lanes is None:
        # The XML passed the deploy gate (no DOCTYPE), so the standard parser is safe here.
        root = ElementTree.fromstring(version.bpmn_xml)
        escalations = {task.get("id") for task in root.iter(f"{_BPMN}userTask")
                       if task.get(_CAMUNDA_FORM_KEY) == ESCALATION_FORM}
        drawn = frozenset(
            lane.get("name", "") for lane in root.iter(f"{_BPMN}lane")
            if {(ref.text or "").strip() for ref in lane.findall(f"{_BPMN}flowNodeRef")} & escalations
        )
        # The deadline policy's escalations, named by the deadline timers' properties.
        lanes = drawn | {timer.escalate_to for timer in deadline_timers(version.bpmn_xml)
                         if timer.under_policy and timer.escalate_to}
        lanes = _lanes_cache.setdefault(version.content_hash, lanes)
    return lanes


def head_roles(organisation: Organisation) -> frozenset[str]:
    """The roles whose members head this organisation: its setting, else its SOP's
    supervising lanes (none for an agency that runs no SOP here)."""
    if organisation.head_roles is not None:
        return frozenset(organisation.head_roles)
    if not organisation.process_key:
        return frozenset()
    version = latest_version(process_key=organisation.process_key)
    return supervising_lanes(version) if version is not None else frozenset()


def headed_organisations(user: User) -> list[str]:
    """The codes of the organisations whose work this user heads (possibly none)."""
    roles = user.role_names
    if not roles or not user.active:
        return []
    organisation_code = user.organisation_code

    def load() -> list[str]:
        query = db.select(Organisation).where(Organisation.process_key.is_not(None))
        if organisation_code is not None:
            query = query.where(Organisation.code == organisation_code)
        return [org.code for org in db.session.scalars(query.order_by(Organisation.code)) if roles & head_roles(org)]

    # The inbox's tabs, its saved filters and the team tab each ask: once per transaction.
    return list(remembered(("headed_organisations", frozenset(roles), organisation_code), load))


def is_head(user: User) -> bool:
    return bool(headed_organisations(user))


def set_head_roles(*, organisation_code: str, roles: list[str] | None) -> Organisation:
    """Name the heads' roles of an organisation; None restores the default. Commits."""
    organisation = db.session.get(Organisation, organisation_code)
    forget_remembered()  # who heads what may change in this transaction
    if organisation is None:
        raise SupervisionError(f"Instansi {organisation_code!r} tidak dikenal (lihat `organisations list`).")
    if roles is not None:
        known = set(db.session.scalars(db.select(Role.name).where(Role.name.in_(roles))))
        unknown = [role for role in roles if role not in known]
        if unknown:
            raise SupervisionError(f"Peran tidak dikenal: {', '.join(unknown)} (lihat `roles`).")
        roles = sorted(set(roles))
    organisation.head_roles = roles
    db.session.commit()
    return organisation


def colleagues(head: User) -> list[User]:
    """The active accounts of the organisations a head heads: whom they may pick as an
    assignee (each task is checked again against the picked one)."""
    organisations = headed_organisations(head)
    if not organisations:
        return []
    return list(db.session.scalars(
        db.select(User).where(User.active.is_(True), User.organisation_code.in_(organisations)).order_by(User.username)
    ))
