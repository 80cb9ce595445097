"""The inbox: ready tasks a user may work on, read from the task index only.

Tabs: "semua" every task of the user's lanes (and unit), claimed or not; "saya" the tasks
the user holds (claimed, or assigned by a head); "lajur" the unclaimed tasks of the
user's lanes; "tim" (heads only, app/services/organisation/supervision.py) every task of the
organisations they head, with who holds it.

What the tabs filter on (organisation, process key, lane, unit, holder, deadline) is on
the index row itself, so no page joins `cases` to filter, and each tab's order (soonest
due, no deadline last, then oldest) is an index of the table (app/models/case.py): the
first page reads about a page of index entries however many tasks wait. Later pages are
keyset (app/services/worklist/keyset.py), never an OFFSET. Counts stop at COUNT_CAP: a count never
reads more than COUNT_CAP + 1 index rows. A page is one query for its rows (with their
case and unit) and one for their complaints, whatever its length.
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Select, false
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Case, Complaint, Organisation, TaskIndexEntry, User
from app.services.casefile.case_files import complaints_by_case
from app.services.definitions.processes import deployed_processes
from app.services.organisation.access import workable_clause
from app.services.organisation.supervision import headed_organisations
from app.services.worklist.keyset import decode_cursor, encode_cursor, rows_after

PER_PAGE = 20
COUNT_CAP = 1000
TAB_ALL, TAB_MINE, TAB_LANES, TAB_TEAM = "semua", "saya", "lajur", "tim"
TABS = (TAB_MINE, TAB_LANES, TAB_ALL, TAB_TEAM)
# The inbox's order: the deadline (none last), then the oldest, then the row.
_FIRST, _REST = TaskIndexEntry.due_at, (TaskIndexEntry.created_at, TaskIndexEntry.id)
_CURSOR_KINDS = ("time?", "time", "int")


@dataclass(frozen=True)
class InboxPage:
    entries: list[TaskIndexEntry]
    # The complaint behind each case on the page, so the page can mask a hidden identity.
    complaints: dict[int, Complaint]
    # Counted up to COUNT_CAP + 1: `capped` says there are more than COUNT_CAP.
    total: int
    capped: bool = False
    # The cursor of the page after this one (None: this is the last); `first`: no cursor
    # was given, this page starts the tab.
    next_cursor: str | None = None
    first: bool = True
    tab: str = TAB_ALL
    # The lanes the tab's tasks stand in, for the lane filter.
    lanes: list[str] = field(default_factory=list)


class BadCursor(ValueError):
    """A page cursor that is not one this inbox made."""


def _tab_query(user: User, tab: str) -> Select:
    query = db.select(TaskIndexEntry)
    if tab == TAB_MINE:
        return query.where(TaskIndexEntry.claimed_by == user.username)
    if tab == TAB_TEAM:
        # The organisation boundary is part of the query: a head sees nothing outside it.
        organisations = headed_organisations(user)
        return query.where(TaskIndexEntry.organisation_code.in_(organisations) if organisations else false())
    query = query.where(workable_clause(user))  # own lanes, and those of whom the user is Plt. for
    if user.organisation_code is not None:
        query = query.where(TaskIndexEntry.organisation_code == user.organisation_code)
    if tab == TAB_LANES:
        query = query.where(TaskIndexEntry.claimed_by.is_(None))
    return query


def _filtered(query: Select, *, process_key: str | None, lane: str | None, overdue_only: bool) -> Select:
    if process_key:
        query = query.where(TaskIndexEntry.process_key == process_key)
    if lane:
        query = query.where(TaskIndexEntry.lane == lane)
    if overdue_only:
        query = query.where(TaskIndexEntry.due_at.is_not(None), TaskIndexEntry.due_at < datetime.now(timezone.utc))
    return query


def capped_count(query: Select, *, cap: int = COUNT_CAP) -> int:
    """How many rows the query has, reading at most cap + 1 of them."""
    return db.session.scalar(_capped_count_query(query, cap=cap))


def _capped_count_query(query: Select, *, cap: int = COUNT_CAP) -> Select:
    limited = query.with_only_columns(TaskIndexEntry.id).order_by(None).limit(cap + 1).subquery()
    return db.select(db.func.count()).select_from(limited)


def tab_counts(*, user: User, known: dict[str, int] | None = None) -> dict[str, int]:
    """Each tab's number of tasks (without filters), each at most COUNT_CAP + 1; the
    team tab only for heads. `known`: counts already made (an unfiltered page's total)."""
    shown = [tab for tab in TABS if tab != TAB_TEAM or headed_organisations(user)]
    found = {tab: count for tab, count in (known or {}).items() if tab in shown}
    missing = [tab for tab in shown if tab not in found]
    if missing:
        # Every count in one statement (a scalar subquery each): one round trip a page.
        counts = db.session.execute(db.select(*(
            _capped_count_query(_tab_query(user, tab)).scalar_subquery().label(f"n_{i}")
            for i, tab in enumerate(missing)
        ))).one()
        found.update(zip(missing, counts, strict=True))
    return {tab: found[tab] for tab in shown}


def read_cursor(text: str | None) -> tuple | None:
    """The position a page cursor names; BadCursor if it is not one."""
    if not text:
        return None
    try:
        return decode_cursor(text, _CURSOR_KINDS)
    except ValueError:
        raise BadCursor(text) from None


def inbox(
    *, user: User, tab: str = TAB_ALL, process_key: str | None = None, lane: str | None = None,
    overdue_only: bool = False, cursor: str | None = None, per_page: int = PER_PAGE,
) -> InboxPage:
    """One page of a tab, soonest due first (no deadline last), then oldest; after
    `cursor` (a page's `next_cursor`) or from the start. BadCursor for a cursor this
    inbox did not make."""
    if tab not in TABS:
        tab = TAB_ALL
    position = read_cursor(cursor)
    query = _filtered(_tab_query(user, tab), process_key=process_key, lane=lane, overdue_only=overdue_only)
    total = capped_count(query)
    # The case's columns for the row (not its serialised workflow) and the unit's name,
    # in the same query.
    rows = rows_after(query.options(joinedload(TaskIndexEntry.case).defer(Case.workflow_state)),
                      first=_FIRST, rest=_REST, cursor=position, limit=per_page + 1)
    entries = [row[0] for row in rows[:per_page]]
    last = entries[-1] if entries else None
    next_cursor = (encode_cursor((last.due_at, last.created_at, last.id))
                   if len(rows) > per_page and last is not None else None)
    complaints = complaints_by_case({entry.case_id for entry in entries})
    return InboxPage(entries=entries, complaints=complaints, total=total, capped=total > COUNT_CAP,
                     next_cursor=next_cursor, first=position is None, tab=tab, lanes=_lanes_of_tab(user, tab))


def _lanes_of_tab(user: User, tab: str) -> list[str]:
    """The lanes a tab's tasks can stand in, read from the deployed diagrams (never a
    scan of the index): the team's lanes for a head, else the user's own."""
    if tab == TAB_TEAM:
        keys = set(db.session.scalars(db.select(Organisation.process_key).where(
            Organisation.code.in_(headed_organisations(user)))))
        return sorted({lane for v in deployed_processes() if v.definition.key in keys for lane in v.lanes or []})
    return sorted({lane for v in deployed_processes() for lane in v.lanes or []} & user.role_names)


def held_for(claimed_at: datetime | None, *, now: datetime | None = None) -> tuple[int, int, int] | None:
    """How long a task has been held, as (days, hours, minutes), for the team tab."""
    if claimed_at is None:
        return None
    minutes = max(0, int(((now or datetime.now(timezone.utc)) - claimed_at).total_seconds() // 60))
    return minutes // 1440, minutes % 1440 // 60, minutes % 60
