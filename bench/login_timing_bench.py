"""Benchmark: how long a refused sign-in takes for a known username (wrong password)
and for an unknown one, through POST /masuk and POST /api/v1/auth/token with the
production password hash (scrypt). Equal times mean the answer does not reveal which
usernames exist. Prints figures, asserts nothing.

    .venv/bin/python bench/login_timing_bench.py [--runs 20]

The growing delay and the lockout are switched off here (DUMAS_LOGIN_DELAY_SECONDS=0,
limits of 100000), so what is timed is the check itself; SQLite in a temporary folder.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _app(url: str):
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.organisation.accounts import create_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DUMAS_TIMERS": "off",
                      "WTF_CSRF_ENABLED": False, "DUMAS_LOGIN_DELAY_SECONDS": 0,
                      "DUMAS_RATE_LIMITS": "login_user=100000/900,login_address=100000/900"})
    with app.app_context():
        flask_migrate.upgrade()
        create_user(username="petugas", password="kata-sandi-benar-1", roles=[])
        db.session.remove()
    return app


def _median_ms(send, runs: int) -> float:
    send()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        send()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(f"sqlite:///{tmp}/bench.sqlite")
        client = app.test_client()
        print(f"password hash: {app.config['PASSWORD_HASH_METHOD']}; median of {args.runs} refusals")
        for label, send in [
            ("/masuk", lambda user: client.post("/masuk", data={"username": user, "password": "salah-salah"})),
            ("/api/v1/auth/token",
             lambda user: client.post("/api/v1/auth/token", json={"username": user, "password": "salah-salah"})),
        ]:
            known = _median_ms(lambda send=send: send("petugas"), args.runs)
            unknown = _median_ms(lambda send=send: send("tidak.ada.orangnya"), args.runs)
            print(f"{label:22} known username {known:7.1f} ms   unknown username {unknown:7.1f} ms"
                  f"   difference {known - unknown:+6.1f} ms")


if __name__ == "__main__":
    main()
