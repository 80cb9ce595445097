"""The case register: every case a user may see, filtered, searched and paged.

Who sees what is app/services/organisation/access.py's `can_view_case`, written here as SQL so the
database applies it: the user's organisation (none: a national role, every one), and a
process version of which the user holds a lane that is not unit-scoped, or a unit-scoped
lane and the case has been routed to the user's unit; and, while a Plt. delegation is in
force, whatever the absent colleague could see. Nothing is filtered after the query, so
counts and pages never include a case the user may not open.

Search (app/services/reporting/register_search.py): a tracking number (with or without "DUMAS-")
matches exactly; anything else is full text over the case's searchable text
(app/services/reporting/search_index.py) and, only where the viewer may see the complainant's
identity (app/services/organisation/identity.py: "biasa", or "rahasia" for the process's admin
lanes), over that identity. A NIK typed by someone who may not see it therefore meets
the same empty result as any random number.

Pages are keyset (a cursor holding the last row's sort value and id; by deadline, the
case's stored next deadline, app/services/worklist/keyset.py), with a count capped at COUNT_CAP
so a million-row register never counts a million rows.
"""
import base64
import binascii
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, exists, false, func, literal, or_, select, tuple_, type_coerce

from app.extensions import db
from app.models import Case, CaseUnit, Complaint, Organisation, ProcessDefinition, ProcessVersion, TaskIndexEntry, User
from app.models.types import MAX_DATABASE_ID, UTCDateTime
from app.services.intake.complaints import CHANNELS, COMPLAINT_TYPES
from app.services.organisation.calendar import calendar_for
from app.services.organisation.delegations import active_delegations
from app.services.organisation.identity import CONFIDENTIALITY_LEVELS
from app.services.reporting.register_search import search_condition
from app.services.reporting.report_data import AT_RISK_DAYS
from app.services.worklist.keyset import ordering, rows_after

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
COUNT_CAP = 1000
# A full-text search counts up to this (register_search.py: a common word is tested row
# by row, and the count would test COUNT_CAP rows and more).
SEARCH_COUNT_CAP = 200
SORTS = ("-received", "received", "due", "-due", "status", "-status")
DEADLINES = ("overdue", "at_risk")
_MAX_QUERY = 200


class RegisterInputError(ValueError):
    """A filter the register cannot read; `field` names the parameter."""

    def __init__(self, message, *, field: str):
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass(frozen=True)
class RegisterQuery:
    organisation: str | None = None
    process: str | None = None
    status: str | None = None
    lane: str | None = None
    unit: str | None = None
    channel: str | None = None
    type: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    deadline: str | None = None
    claimed_by: str | None = None
    confidentiality: str | None = None
    q: str = ""
    sort: str = "-received"
    cursor: tuple | None = None
    limit: int = PAGE_SIZE

    def without_cursor(self) -> "RegisterQuery":
        return replace(self, cursor=None)


@dataclass
class RegisterPage:
    case_ids: list[int]
    # How many match, up to `count_cap`; `count_capped` when there are more.
    count: int
    count_capped: bool
    next_cursor: str | None
    count_cap: int = COUNT_CAP
    extra: dict = field(default_factory=dict)


def _choice(args, name: str, allowed, message) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise RegisterInputError(message, field=name)
    return value


def _text(args, name: str, limit: int = 100) -> str | None:
    value = (args.get(name) or "").strip()
    if len(value) > limit:
        raise RegisterInputError(_l("Isian '%(name)s' terlalu panjang.", name=name), field=name)
    return value or None


def _day(args, name: str) -> date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    # Outside these years a date is a typing error (and 0001-01-01 in WIB is before year 1 UTC).
    if day is None or not 1900 <= day.year <= 2999:
        raise RegisterInputError(_l("Tanggal '%(name)s' harus berformat TTTT-BB-HH.", name=name), field=name)
    return day


def encode_cursor(value, case_id: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, case_id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor(args, sort: str) -> tuple | None:
    value = (args.get("cursor") or "").strip()
    if not value:
        return None
    try:
        key, case_id = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        if not isinstance(case_id, int) or isinstance(case_id, bool) or not 0 < case_id <= MAX_DATABASE_ID:
            raise ValueError
        if key is None and sort.lstrip("-") == "due":  # past the cases with a deadline
            return None, case_id
        if not isinstance(key, str) or len(key) > 100 or not key.isprintable():
            raise ValueError
        key.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError
        if sort.lstrip("-") in ("received", "due"):
            key = datetime.fromisoformat(key)
            if key.tzinfo is None:
                raise ValueError
        return key, case_id
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise RegisterInputError(_l("Penanda halaman tidak valid; mulai lagi dari halaman pertama."),
                                 field="cursor") from None


def parse_query(args) -> RegisterQuery:
    """The register's parameters (a mapping of strings: query string or form) read and
    checked; a value it cannot use raises RegisterInputError naming the parameter."""
    sort = _choice(args, "sort", SORTS, _l("Urutan tidak dikenal.")) or "-received"
    limit_raw = (args.get("limit") or "").strip()
    if limit_raw and (not limit_raw.isascii() or not limit_raw.isdigit() or not 1 <= int(limit_raw) <= MAX_PAGE_SIZE):
        raise RegisterInputError(_l("Jumlah per halaman harus 1 sampai %(max)d.", max=MAX_PAGE_SIZE), field="limit")
    query = RegisterQuery(
        organisation=_text(args, "organisation"), process=_text(args, "process"), status=_text(args, "status"),
        lane=_text(args, "lane"), unit=_text(args, "unit"),
        channel=_choice(args, "channel", CHANNELS, _l("Kanal tidak dikenal.")),
        type=_choice(args, "type", COMPLAINT_TYPES, _l("Jenis laporan tidak dikenal.")),
        received_from=_day(args, "received_from"), received_to=_day(args, "received_to"),
        deadline=_choice(args, "deadline", DEADLINES, _l("Pilihan batas waktu tidak dikenal.")),
        claimed_by=_text(args, "claimed_by"),
        confidentiality=_choice(args, "confidentiality", CONFIDENTIALITY_LEVELS, _l("Tingkat kerahasiaan tidak dikenal.")),
        q=_text(args, "q", _MAX_QUERY) or "", sort=sort, cursor=_cursor(args, sort),
        limit=int(limit_raw) if limit_raw else PAGE_SIZE,
    )
    if query.received_from and query.received_to and query.received_from > query.received_to:
        raise RegisterInputError(_l("Tanggal awal tidak boleh setelah tanggal akhir."), field="received_from")
    return query


@dataclass(frozen=True)
class _Scope:
    full: list[int]  # versions the user sees every case of (in their organisation)
    unit: list[int]  # versions whose cases the user sees when routed to their unit
    identity_admin: list[int]  # versions whose confidential identities the user sees


def _scope(user: User) -> _Scope:
    roles = user.role_names
    full, unit, admin = [], [], []
    # The identity lanes are the organisation's running the version's process
    # (app/services/organisation/identity.py).
    for version_id, lanes, scoped, identity_lanes in db.session.execute(
            select(ProcessVersion.id, ProcessVersion.lanes, ProcessVersion.unit_scoped_lanes, Organisation.identity_lanes)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessVersion.definition_id)
            .outerjoin(Organisation, Organisation.process_key == ProcessDefinition.key)):
        lanes, scoped = set(lanes or []), set(scoped or [])
        if roles & (lanes - scoped):
            full.append(version_id)
        elif roles & scoped and user.unit_code:
            unit.append(version_id)
        if roles & set(identity_lanes or []) & lanes:
            admin.append(version_id)
    return _Scope(full=full, unit=unit, identity_admin=admin)


def scope_versions(user: User) -> list[int]:
    """The process versions of which the user may see at least some cases."""
    scope = _scope(user)
    return scope.full + scope.unit


def visible_cases(user: User, scope: _Scope | None = None):
    """The SQL condition on Case equal to `can_view_case(user, case)`."""
    scope = scope or _scope(user)
    routes: list[ColumnElement[bool]] = []
    if scope.full:
        routes.append(Case.process_version_id.in_(scope.full))
    if scope.unit:
        routes.append(and_(Case.process_version_id.in_(scope.unit), exists().where(
            CaseUnit.case_id == Case.id, CaseUnit.unit_code == user.unit_code)))
    if not routes:
        return false()
    condition = or_(*routes)
    if user.organisation_code is not None:
        condition = and_(Case.organisation_code == user.organisation_code, condition)
    return condition


def sort_key(sort: str):
    """The column a sort orders by: by due, the case's stored next deadline (written with
    the task index), whose index serves both directions."""
    name = sort.lstrip("-")
    if name == "received":
        return Case.created_at
    if name == "due":
        return Case.next_due_at
    return Case.status


def register_order(sort: str) -> tuple:
    """ORDER BY of a sort, the case id breaking ties; by due, cases without a deadline
    come last (first when descending)."""
    key, descending = sort_key(sort), sort.startswith("-")
    if sort.lstrip("-") == "due":
        return ordering(key, (Case.id,), descending=descending)
    return (key.desc(), Case.id.desc()) if descending else (key.asc(), Case.id.asc())


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(timezone.utc)


def _task_exists(*conditions):
    return exists().where(TaskIndexEntry.case_id == Case.id, *conditions)


def _filters(query: RegisterQuery, *, user: User, scope: _Scope, now: datetime) -> tuple[list, int]:
    """The conditions of the filters and search, and how far the count goes (lower for a
    full-text search, whose common words are tested row by row: each counted row is one
    such test)."""
    where = _field_filters(query, zone=ZoneInfo(_zone_name(user)))
    deadline = _deadline_filter(query.deadline, now=now)
    if deadline is not None:
        where.append(deadline)
    count_cap = COUNT_CAP
    if query.q:
        search = search_condition(query.q, identity_admin=scope.identity_admin)
        where.append(search.condition)
        count_cap = SEARCH_COUNT_CAP if search.full_text else COUNT_CAP
    return where, count_cap


def _field_filters(query: RegisterQuery, *, zone: ZoneInfo) -> list[ColumnElement[bool]]:
    """One condition per filter field given (deadline and search aside)."""
    where: list[ColumnElement[bool]] = []
    if query.organisation:
        where.append(Case.organisation_code == query.organisation)
    if query.process:
        where.append(Case.process_version_id.in_(
            select(ProcessVersion.id).join(ProcessDefinition).where(ProcessDefinition.key == query.process)))
    if query.status:
        where.append(Case.status == query.status)
    if query.lane:
        where.append(_task_exists(TaskIndexEntry.lane == query.lane))
    if query.unit:
        where.append(exists().where(CaseUnit.case_id == Case.id, CaseUnit.unit_code == query.unit))
    if query.channel:
        where.append(Complaint.channel == query.channel)
    if query.type:
        where.append(Complaint.jenis == query.type)
    if query.confidentiality:
        where.append(func.coalesce(Complaint.confidentiality, "biasa") == query.confidentiality)
    if query.received_from:
        where.append(Case.created_at >= _local_midnight(query.received_from, zone))
    if query.received_to:
        where.append(Case.created_at < _local_midnight(date.fromordinal(query.received_to.toordinal() + 1), zone))
    if query.claimed_by:
        where.append(_task_exists(TaskIndexEntry.claimed_by == query.claimed_by))
    return where


def _deadline_filter(deadline: str | None, *, now: datetime) -> ColumnElement[bool] | None:
    if deadline == "overdue":
        # A task is past its deadline exactly when the soonest one is.
        return Case.next_due_at < now
    if deadline == "at_risk":
        # Due within AT_RISK_DAYS working days of each organisation's own calendar, as the
        # SLA dashboard counts it.
        codes = [c for (c,) in db.session.execute(select(Organisation.code))]
        return or_(false(), *[and_(Case.organisation_code == code, _task_exists(
            TaskIndexEntry.due_at >= now,
            TaskIndexEntry.due_at <= calendar_for(code).add_working_days(now, AT_RISK_DAYS))) for code in codes])
    return None


def _zone_name(user: User) -> str:
    if user.organisation_code:
        organisation = db.session.get(Organisation, user.organisation_code)
        if organisation is not None and organisation.timezone:
            return organisation.timezone
    return "Asia/Jakarta"


def _visibility(user: User):
    """What the user may see, as (SQL condition on Case, scope for identities): their own
    and, while a Plt. delegation is in force (app/services/organisation/delegations.py), what each
    absent colleague could, as `can_view_case` allows."""
    scope = _scope(user)
    conditions, identity_admin = [visible_cases(user, scope)], list(scope.identity_admin)
    for delegation in active_delegations(user):
        absent = delegation.from_user
        absent_scope = _scope(absent)
        conditions.append(visible_cases(absent, absent_scope))
        identity_admin += absent_scope.identity_admin
    return or_(*conditions), _Scope(full=scope.full, unit=scope.unit, identity_admin=sorted(set(identity_admin)))


def _matching(query: RegisterQuery, *, user: User, now: datetime | None):
    now = now or datetime.now(timezone.utc)
    visible, scope = _visibility(user)
    where, count_cap = _filters(query, user=user, scope=scope, now=now)
    return (select(Case.id).select_from(Case).outerjoin(Complaint, Complaint.case_id == Case.id)
            .where(visible, *where)), count_cap


def base_query(query: RegisterQuery, *, user: User, now: datetime | None = None):
    """SELECT Case.id of the matching cases, unordered and unpaged (for exports and
    counts as well as pages)."""
    return _matching(query, user=user, now=now)[0]


def register_page(query: RegisterQuery, *, user: User, now: datetime | None = None) -> RegisterPage:
    """One page of the register in the chosen order, and the capped count."""
    base, count_cap = _matching(query, user=user, now=now)
    key = sort_key(query.sort)
    descending = query.sort.startswith("-")
    ordered = base.add_columns(key.label("sort_key"))
    if query.sort.lstrip("-") == "due":
        # A deadline may be empty: keyset over two index ranges (app/services/worklist/keyset.py).
        rows = rows_after(ordered, first=key, rest=(Case.id,), cursor=query.cursor, limit=query.limit + 1,
                          descending=descending)
    else:
        if query.cursor is not None:
            value, last_id = query.cursor
            if isinstance(value, datetime):
                value = type_coerce(literal(value, UTCDateTime()), UTCDateTime())
            after = (tuple_(key, Case.id) < tuple_(value, last_id) if descending
                     else tuple_(key, Case.id) > tuple_(value, last_id))
            ordered = ordered.where(after)
        rows = list(db.session.execute(ordered.order_by(*register_order(query.sort)).limit(query.limit + 1)).all())
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    next_cursor = encode_cursor(rows[-1].sort_key, rows[-1].id) if more and rows else None
    counted = db.session.scalar(select(func.count()).select_from(base.limit(count_cap + 1).subquery()))
    return RegisterPage(case_ids=[r.id for r in rows], count=min(counted, count_cap),
                        count_capped=counted > count_cap, next_cursor=next_cursor, count_cap=count_cap)
