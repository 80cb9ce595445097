"""Counting the SQL statements a block of code sends (the inbox's and the case page's
statement ceilings)."""
import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db

_SAVEPOINT = re.compile(r"\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements sent while the block runs, as a request in production sends
    them: without the savepoints a rolled-back test's commits become
    (tests/helpers/rolled_back.py), which a real request never sends."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        if not _SAVEPOINT.match(statement):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
