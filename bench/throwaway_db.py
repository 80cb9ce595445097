"""A PostgreSQL database made for one benchmark run and dropped after it, so that the
benchmarks measure the second backend on an empty database of their own."""
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text


@contextmanager
def throwaway_postgres(admin_url: str) -> Iterator[str]:
    """Yield the URL of a new database on the server of `admin_url`; drop it afterwards."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"dumas_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
