"""A case (one complaint running through one process version) and the two indexes the
application reads instead of deserialising workflows: ready user tasks and next timers."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import OrgUnit
from app.models.process import ProcessVersion
from app.models.types import UTCDateTime, utcnow


class Case(db.Model):
    __tablename__ = "cases"
    # The register's first page, newest first, read straight off this index (keyset paging).
    __table_args__ = (Index("ix_cases_created_at_id", "created_at", "id"),)

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
    # Optimistic lock: every UPDATE checks and bumps it, so of two writers who loaded
    # the same state only the first wins.
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)

    process_version: Mapped[ProcessVersion] = relationship()
    tasks: Mapped[list["TaskIndexEntry"]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    timer: Mapped["TimerIndexEntry | None"] = relationship(cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": lock_version}


class TaskIndexEntry(db.Model):
    """One row per ready user task: what the inbox lists."""

    __tablename__ = "task_index"
    __table_args__ = (Index("ix_task_index_role_unit_due", "role", "org_unit", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
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
    claimed_by: Mapped[str | None] = mapped_column(String(100), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The deadline policy (app/services/deadline_policy.py): when the task's lane is
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
        primaryjoin="foreign(TaskIndexEntry.org_unit) == OrgUnit.code", viewonly=True, lazy="selectin"
    )

    @property
    def unit_label(self) -> str | None:
        """The unit as staff read it: its name, or its code when no such unit exists."""
        return self.unit.name if self.unit is not None else self.org_unit


class TimerIndexEntry(db.Model):
    """Each waiting case's next due timer, so a sweep reads only what is due."""

    __tablename__ = "timer_index"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    element_id: Mapped[str] = mapped_column(String(100))
