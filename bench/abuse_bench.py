"""Benchmark: how long a large unauthenticated body keeps a web worker busy. Prints,
asserts nothing.

    .venv/bin/python bench/abuse_bench.py [--sizes 277,1024] [--root PATH] 2>/dev/null
    .venv/bin/python bench/abuse_bench.py --redis-outage 20 [--root PATH] 2>/dev/null

Posts a JSON objection of each size (KB of distinct words, the worst case for a
repetition count) to /api/v1/complaints/<unknown number>/objection and to
/api/v1/complaints, on a fresh SQLite database, and prints the time until the answer and
its status. `--root` runs the app of another checkout (e.g. main, for the "before"
figure); each request runs in its own process, stopped after `--timeout` seconds.

`--redis-outage N`: with REDIS_URL on a redis-server of its own, files one complaint on
the web form, kills Redis, files N more (each from another person) and prints how each
answered (as gunicorn would: no test mode, errors become 500 pages).
"""
import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _body(kilobytes: int) -> str:
    words, size, i = [], 0, 0
    while size < kilobytes * 1024:
        word = f"kata{i}"
        words.append(word)
        size += len(word) + 1
        i += 1
    return json.dumps({"text": " ".join(words)})


def _one(root: str, path: str, kilobytes: int, queue) -> None:
    sys.path.insert(0, root)
    import flask_migrate

    from app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "bench",
                          "DUMAS_TIMERS": "off", "DUMAS_NOTIFICATIONS": "off", "REDIS_URL": None})
        with app.app_context():
            flask_migrate.upgrade(directory=str(Path(root) / "migrations"))
        body = _body(kilobytes)
        client = app.test_client()
        started = time.perf_counter()
        response = client.post(path, data=body, content_type="application/json")
        queue.put((time.perf_counter() - started, response.status_code))


def _outage(root: str, filings: int) -> None:
    import importlib.util
    from collections import Counter

    # This checkout's redis-server helper, whichever app is measured.
    spec = importlib.util.spec_from_file_location("redis_server", ROOT / "tests/helpers/redis_server.py")
    redis_server = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(redis_server)
    sys.path.insert(0, root)

    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.administration.demo import seed_reference_data
    from app.services.definitions.processes import deploy_directory
    from tests.helpers.complaints import COMPLAINANT

    server = redis_server.RedisServer().start()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "bench",
                          "DUMAS_TIMERS": "off", "DUMAS_NOTIFICATIONS": "off", "REDIS_URL": server.url,
                          "WTF_CSRF_ENABLED": False, "DUMAS_MIN_FILL_SECONDS": 0,
                          "DUMAS_RATE_LIMITS": f"complaint={filings + 10}/3600"})
        with app.app_context():
            flask_migrate.upgrade(directory=str(Path(root) / "migrations"))
            seed_reference_data()
            deploy_directory(Path(root), deployed_by="bench")
            db.session.remove()
        client = app.test_client()

        def file(n: int) -> int:
            person = {**COMPLAINANT, "instansi": "bsn", "nik": f"3273011204{n:06d}", "email": f"w{n}@example.id",
                      "no_hp": f"+6281311{n:06d}"}
            return client.post("/lapor", data=person).status_code

        print(f"Redis up:   1 filing -> {file(0)}")
        server.stop()
        started = time.perf_counter()
        statuses = Counter(file(n) for n in range(1, filings + 1))
        seconds = time.perf_counter() - started
        print(f"Redis down: {filings} filings -> " + ", ".join(f"{count} x {status}" for status, count in sorted(statuses.items()))
              + f" ({seconds / filings * 1000:.0f} ms each)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="277,1024", help="body sizes in KB, comma-separated")
    parser.add_argument("--root", default=str(ROOT), help="the checkout whose app is measured")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--redis-outage", type=int, default=0, help="filings during a Redis outage")
    args = parser.parse_args()
    print(f"app: {args.root}")
    if args.redis_outage:
        _outage(args.root, args.redis_outage)
        return
    for path in ("/api/v1/complaints/DUMAS-2026-999999/objection", "/api/v1/complaints"):
        for kilobytes in (int(s) for s in args.sizes.split(",")):
            queue = multiprocessing.Queue()
            process = multiprocessing.Process(target=_one, args=(args.root, path, kilobytes, queue))
            process.start()
            process.join(args.timeout + 30)  # + app start and migration
            if process.is_alive():
                process.terminate()
                print(f"{path:50s} {kilobytes:5d} KB  > {args.timeout:.0f} s (stopped)")
                continue
            seconds, status = queue.get()
            print(f"{path:50s} {kilobytes:5d} KB  {seconds * 1000:9.1f} ms  status {status}")


if __name__ == "__main__":
    main()
