"""One test, one database transaction, rolled back at its end.

While a test runs, every app it creates on the test database (its `app`, a second app
with CSRF on, another rate-limit setting ...) gets `OneConnection` for its engine:
every Flask-SQLAlchemy session (the test's own, each request's, each eager task's) and
every `db.engine.begin()` of the services run on one connection inside one outer
transaction. A session's commit() only releases a savepoint (join_transaction_mode
"create_savepoint"), so services commit as they do in production, and the test still
ends with nothing written. Other connections (a live server's threads, Celery workers,
a second process, a second connection on purpose) cannot see that transaction: such
tests are marked `committed` (tests/conftest.py).
"""
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from weakref import WeakKeyDictionary

from flask import Flask
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import Connection, Engine

from app.extensions import db


class OneConnection(Engine):
    """Stands in for an app's Engine: the dialect, URL, pool and events are the real
    engine's; `begin()` is a savepoint on the test's connection."""

    def __init__(self, engine: Engine, connection: Connection) -> None:  # no Engine.__init__: all is delegated
        self.real_engine = engine
        self.shared_connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["real_engine"], name)

    # Event listeners (a test counting statements) go on the real engine, whose
    # connection the test uses.
    @property
    def dispatch(self) -> Any:  # type: ignore[override]
        return self.real_engine.dispatch

    @property
    def _has_events(self) -> bool:  # type: ignore[override]
        return self.real_engine._has_events

    @_has_events.setter
    def _has_events(self, value: bool) -> None:
        self.real_engine._has_events = value

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.shared_connection.begin_nested():
            yield self.shared_connection

    def connect(self) -> Connection:
        raise RuntimeError("This test opens a database connection of its own, which cannot see the test's "
                           "rolled-back transaction: mark it @pytest.mark.committed.")

    def dispose(self, close: bool = True) -> None:
        """The test's connection outlives every app of the test."""


class _Session(FlaskSession):
    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any) -> Any:
        found = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        return found.shared_connection if isinstance(found, OneConnection) else found


class _Engines(WeakKeyDictionary):
    """Flask-SQLAlchemy's engines per app, except that during a rolled-back test every
    app on the test's database is handed the test's connection."""

    shared: tuple[str, OneConnection] | None = None

    def __getitem__(self, app: Flask) -> dict:
        engines = super().__getitem__(app)
        if self.shared is not None and app.config.get("SQLALCHEMY_DATABASE_URI") == self.shared[0]:
            return {**engines, None: self.shared[1]}
        return engines


def install() -> None:
    """Sessions and engines that follow OneConnection. Outside a rolled-back test
    (committed tests) they behave as Flask-SQLAlchemy's own: the join mode only matters
    on a connection that is already in a transaction."""
    db.session.session_factory.class_ = _Session
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    engines = _Engines()
    engines.update(db._app_engines)
    db._app_engines = engines


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """Everything written on the app's database while this is open is undone when it
    closes."""
    engines: _Engines = db._app_engines
    with app.app_context():
        engine = db.engine
        connection = engine.connect()
        if engine.dialect.name == "sqlite":
            # pysqlite opens transactions itself, late and without savepoints in mind; in
            # autocommit mode it leaves BEGIN, SAVEPOINT and ROLLBACK to us.
            connection.connection.driver_connection.isolation_level = None
            outer = connection.begin()
            connection.exec_driver_sql("BEGIN")
        else:
            outer = connection.begin()
    engines.shared = (app.config["SQLALCHEMY_DATABASE_URI"], OneConnection(engine, connection))
    try:
        yield
    finally:
        engines.shared = None
        with app.app_context():
            db.session.remove()
        outer.rollback()
        connection.close()
        engine.dispose()
