"""Benchmark: seconds to render the printed case file (app/services/casefile/case_pdf.py) of a
SOP 000 case with about 100 audit events, WeasyPrint included. Prints figures, asserts
nothing.

    .venv/bin/python bench/pdf_bench.py [--runs 5] [--events 100]

The case (tests/helpers/audit_case.py) goes through verification, review, the
unit's follow-up with claims, a reminder, an escalation and extensions (left open, so the
extensions can go on); claims and extensions are repeated until the trail has --events
events. Times: building
the template's data alone (audit trail, chain verification, diagram SVG), and the whole
PDF; the median of --runs runs after one warm-up.
"""
import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _app(url: str):
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.administration.demo import ACCOUNTS, DEMO_PASSWORD, ORGANISATION, seed_reference_data
    from app.services.definitions.processes import deploy_directory
    from app.services.organisation.accounts import create_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DUMAS_TIMERS": "off",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        flask_migrate.upgrade()
        seed_reference_data()
        deploy_directory(ROOT, deployed_by="bench")
        for username, role, unit in ACCOUNTS:
            create_user(username=username, password=DEMO_PASSWORD, roles=[role], unit_code=unit,
                        organisation_code=ORGANISATION)
        db.session.remove()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=100)
    args = parser.parse_args()

    from app.extensions import db
    from app.models import AuditEvent, Case, User
    from app.services.casefile.case_pdf import case_file, render_case_pdf
    from app.services.casework.events import move_deadline
    from tests.helpers.audit_case import build_case

    with tempfile.TemporaryDirectory() as tmp:
        app = _app(f"sqlite:///{tmp}/bench.sqlite")
        with app.app_context():
            # A plain case has ~40 events; each claim/unclaim adds 2, each extension 1.
            extra = max(args.events - 40, 0)
            case_id = build_case(claims=1 + extra // 3, extensions=1 + extra // 3, close=False)
            events = db.session.scalar(db.select(db.func.count()).where(AuditEvent.case_id == case_id))
            for n in range(args.events - events):  # top up with extensions, one event each
                move_deadline(case_id=case_id, element_id="tenggat_tugas_tindak_lanjut_unit", actor="kepala",
                              due_at=datetime.now(timezone.utc) + timedelta(days=30 + n), reason="Tambahan waktu")
            events = db.session.scalar(db.select(db.func.count()).where(AuditEvent.case_id == case_id))
            case = db.session.get(Case, case_id)
            reader = db.session.scalars(db.select(User).where(User.username == "admin")).one()
            render_case_pdf(case=case, viewer=reader)  # warm-up: fonts, templates, imports
            data_times, pdf_times, cpu_times, size = [], [], [], 0
            for _ in range(args.runs):
                started = time.perf_counter()
                case_file(case=case, viewer=reader)
                data_times.append(time.perf_counter() - started)
                started, cpu = time.perf_counter(), time.process_time()
                content = render_case_pdf(case=case, viewer=reader)
                pdf_times.append(time.perf_counter() - started)
                cpu_times.append(time.process_time() - cpu)
                size = len(content)
    print(f"case with {events} audit events, SQLite, {args.runs} runs after a warm-up")
    print(f"template data (trail, chain check, diagram SVG): median {statistics.median(data_times):.3f} s")
    print(f"whole PDF (WeasyPrint):                         median {statistics.median(pdf_times):.3f} s "
          f"(min {min(pdf_times):.3f}, max {max(pdf_times):.3f}); {size // 1024} KiB")
    # Wall time moves with other load on the machine; CPU time much less.
    print(f"whole PDF, CPU time of this process:            median {statistics.median(cpu_times):.3f} s")


if __name__ == "__main__":
    main()
