"""Column helpers shared by the models."""
from datetime import datetime, timezone

from sqlalchemy import DateTime, TypeDecorator

# PostgreSQL INTEGER, the type of every id column; SQLite's range is wider.
MAX_DATABASE_ID = 2**31 - 1


def utcnow() -> datetime:
    """Called per row (passed as a callable), never evaluated once at import."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on SQLite (which drops the zone) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Dumas stores aware UTC datetimes only")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
