"""Dumas: public-complaint handling that runs each agency's SOP as written."""
from pathlib import Path

from flask import Flask

from app.config import load_config
from app.extensions import db, migrate


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    _tune_sqlite(app)

    from app import models  # noqa: F401  (registers the tables with the metadata)
    from app.public import bp as public_bp

    app.register_blueprint(public_bp)

    from app.cli import register_commands

    register_commands(app)
    return app


def _tune_sqlite(app: Flask) -> None:
    """SQLite as a server-side database: WAL so readers never wait for the writer, a
    busy timeout so a second writer waits instead of failing, foreign keys enforced."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
