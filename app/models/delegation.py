"""A Plt. (pelaksana tugas): colleague `to_user` acts for `from_user` from `starts_at`
until `ends_at` (or until someone ends it early, `ended_at`)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.accounts import User
from app.models.types import UTCDateTime, utcnow


class Delegation(Model):
    __tablename__ = "delegations"
    # Who acts for whom now (every access check), and which edges are due (every request):
    # both read only the few rows not yet ended.
    __table_args__ = (Index("ix_delegations_to_user_window", "to_user_id", "ended_at", "starts_at"),
                      Index("ix_delegations_open", "ended_at", "ends_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(30))  # app.services.organisation.delegations.REASONS
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the window's start has been acted on (claimed tasks moved to the Plt.):
    # the sweeper and the request-time check each do it once.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when it ended, at `ends_at` by itself or earlier by hand; never deleted.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The engine task ids moved from the absent user's claims at the start, given back
    # at the end.
    moved_task_ids: Mapped[list] = mapped_column(JSON, default=list)

    from_user: Mapped[User] = relationship(foreign_keys=[from_user_id], lazy="joined")
    to_user: Mapped[User] = relationship(foreign_keys=[to_user_id], lazy="joined")
