"""What the suite's databases and apps are made from: the paths, the backends, the
PostgreSQL server and the test configuration (tests/conftest.py builds on them; tests
that make an app or a database of their own use them too)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURE_MODELS = ROOT / "tests" / "fixtures" / "models"
POSTGRES_ADMIN_URL = os.environ.get(
    "DUMAS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = os.environ.get("DUMAS_TEST_BACKENDS", "sqlite,postgresql").split(",")


def app_config(database_url: str) -> dict:
    # CSRF is switched off for the test client's convenience; tests/integration/test_csrf.py
    # switches it back on and proves every form refuses a request without the token.
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-only",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Tests fire timers themselves (app.services.casework.timers) or start their own sweepers.
        "DUMAS_TIMERS": "off",
        # Test clients fill forms instantly; tests/integration/test_abuse*.py set their own.
        "DUMAS_MIN_FILL_SECONDS": 0,
        # Seals only in the database; tests of the seal log give it their own file.
        "DUMAS_AUDIT_SEAL_KEY": "test-only-seal-key",
        "DUMAS_AUDIT_SEAL_LOG": "",
    }
