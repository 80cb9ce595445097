"""A case (one complaint running through one process version) and the two indexes the
application reads instead of deserialising workflows: ready user tasks and next timers."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.accounts import OrgUnit
from app.models.process import ProcessVersion
from app.models.types import UTCDateTime, utcnow


class Case(Model):
    __tablename__ = "cases"
    # The register's first page, newest first, and its sort by deadline, each read
    # straight off an index (keyset paging).
    __table_args__ = (Index("ix_cases_created_at_id", "created_at", "id"),
                      Index("ix_cases_next_due_at_id", "next_due_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # DUMAS-<year>-<6 digits>; set right after the row has its id.
    tracking_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    status: Mapped[str] = mapped_column(String(50), index=True)
    organisation_code: Mapped[str | None] = mapped_column(ForeignKey("organisations.code"), index=True)
    # The case this one was forwarded from (another organisation's), if any.
    source_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    title: Mapped[str] = mapped_column(String(255), default="")
    # The workflow instance without its spec (the spec lives on the version), as
    # compressed JSON: see app.engine.
    workflow_state: Mapped[bytes] = mapped_column(LargeBinary)
    completed: Mapped[bool] = mapped_column(default=False)
    # The last engine failure, kept for staff until the next successful step.
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The soonest deadline of the case's ready tasks (None: none has one), written with the
    # task index (app/services/casework/workflow_state.py) so the register sorts by it off an index.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic lock: every UPDATE checks and bumps it, so of two writers who loaded
    # the same state only the first wins.
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)

    process_version: Mapped[ProcessVersion] = relationship()
    tasks: Mapped[list["TaskIndexEntry"]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    timer: Mapped["TimerIndexEntry | None"] = relationship(cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": lock_version}


class TaskIndexEntry(Model):
    """One row per ready user task: what the inbox lists.

    It carries copies of what the inbox filters on from the case (organisation, process
    key), so the inbox never joins `cases` to filter. Each index below serves one kind of
    inbox page in its order (due first, tasks without a deadline last, then oldest): read
    as `ORDER BY due_at NULLS LAST, created_at, id`, which PostgreSQL's ascending b-tree
    order already is and SQLite walks off the same index, so the first page reads about
    one page of index entries whatever the number of waiting tasks."""

    __tablename__ = "task_index"
    __table_args__ = (
        # "Semua" and "Lajur saya" of an organisation's staff: their lane (role), in order;
        # on PostgreSQL with what the tabs and filters also test, so the capped count of a
        # tab reads the index only.
        Index("ix_task_index_inbox", "organisation_code", "role", "due_at", "created_at", "id",
              postgresql_include=["org_unit", "claimed_by", "process_key", "lane"]),
        # "Tim": everything of the organisations a head heads.
        Index("ix_task_index_team", "organisation_code", "due_at", "created_at", "id"),
        # "Untuk saya": what a user holds.
        Index("ix_task_index_claimant", "claimed_by", "due_at", "created_at", "id"),
        # National accounts (no organisation): their lanes across every organisation.
        Index("ix_task_index_role_due", "role", "due_at", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # Copies of the case's organisation and process key, written with the row.
    organisation_code: Mapped[str | None] = mapped_column(String(50))
    process_key: Mapped[str | None] = mapped_column(String(100))
    # The engine's task id (a UUID); unique across all cases.
    engine_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str] = mapped_column(String(100))
    # The role allowed to work on it; lanes name roles.
    role: Mapped[str] = mapped_column(String(100))
    # Set where the process routes the task to one organisation unit.
    org_unit: Mapped[str | None] = mapped_column(String(100))
    form_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The timer that sets due_at, and the lane whose members may extend it.
    deadline_element: Mapped[str | None] = mapped_column(String(100))
    extend_role: Mapped[str | None] = mapped_column(String(100))
    # Who holds it: claimed it themselves or was assigned it by a head ("Untuk saya").
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The deadline policy (app/services/casework/deadline_policy.py): when the task's lane is
    # reminded of its deadline, and when that reminder went out (or was dropped).
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set on an escalation item: a row that is not an engine task but the supervisor's
    # follow-up of a passed deadline, the id of that deadline's timer.
    escalation_of: Mapped[str | None] = mapped_column(String(100))

    case: Mapped[Case] = relationship(back_populates="tasks")
    # The unit routed to, for its name (staff read names, not codes). org_unit has no
    # foreign key: it is whatever the workflow holds, so a unit unknown here reads None.
    unit: Mapped[OrgUnit | None] = relationship(
        primaryjoin="foreign(TaskIndexEntry.org_unit) == OrgUnit.code", viewonly=True, lazy="joined"
    )

    @property
    def unit_label(self) -> str | None:
        """The unit as staff read it: its name, or its code when no such unit exists."""
        return self.unit.name if self.unit is not None else self.org_unit


class TimerIndexEntry(Model):
    """Each waiting case's next due timer, so a sweep reads only what is due."""

    __tablename__ = "timer_index"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    element_id: Mapped[str] = mapped_column(String(100))
