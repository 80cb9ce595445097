"""A filter of the staff inbox that a user names and reuses; a head may share it with
their unit (app/services/worklist/saved_filters.py)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.accounts import User
from app.models.types import UTCDateTime, utcnow


class SavedFilter(Model):
    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The inbox's query parameters it stands for (tab, process, lane, overdue), checked
    # against a fixed list when saved.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # Set when a head shares it: every member of this unit sees it too.
    shared_unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_units.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship()
