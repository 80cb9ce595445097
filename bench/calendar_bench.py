"""Benchmark: the working-day calendar, per call. Prints, asserts nothing.

    .venv/bin/python bench/calendar_bench.py [--calls 2000]

Uses only what the calendar offered before its per-year cache too (WorkingCalendar,
calendar_for), so the same script times an older checkout: copy it there and run it.
  1. engine: `working_days_left` over a 90-day span (what every inbox and SLA dashboard
     row asks), and `add_working_days(14)`;
  2. before and after: the same question with `holidays.country_holidays("ID")` built
     for every day checked (what issue 15 measured, ~12 ms a call) and with the cached
     calendar; 10 000 deadlines row by row, per distinct day (`working_days_left_by_day`)
     and as one threshold (`at_risk_until`, what the SLA dashboard's SQL compares);
  3. service, on a fresh SQLite database with a few administrator's holidays: one
     request's rows (`calendar_for(org).working_days_left`, same transaction), and the
     first call of a new transaction (which checks whether the calendar changed).
"""
import argparse
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _per_call(function, calls: int) -> float:
    """Milliseconds per call, best of three runs (the machine is shared)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1000


def _engine(calls: int) -> None:
    from app.engine import WorkingCalendar

    calendar = WorkingCalendar()
    now = datetime(2026, 11, 2, 3, tzinfo=timezone.utc)
    due = now + timedelta(days=90)
    left = calendar.working_days_left(due, now=now)
    print(f"engine  working_days_left (90-day span, {left} working days): "
          f"{_per_call(lambda: calendar.working_days_left(due, now=now), calls):.4f} ms/call")
    print(f"engine  add_working_days(14):                              "
          f"{_per_call(lambda: calendar.add_working_days(now, 14), calls):.4f} ms/call")


def _before_and_after(calls: int) -> None:
    """The calendar as it was measured in issue 15 (`holidays.country_holidays("ID")` built
    for every day it checked) against the cached one, on the same 90-day question."""
    import holidays

    from app.engine import WorkingCalendar

    now = datetime(2026, 11, 2, 3, tzinfo=timezone.utc)
    due = now + timedelta(days=90)

    def rebuilt_per_day():
        today, last = now.date(), due.date()
        count, day = 0, today + timedelta(days=1)
        while day <= last:
            off = holidays.country_holidays("ID", years=day.year, categories=("public", "government"))
            count += day.weekday() < 5 and day not in off
            day += timedelta(days=1)
        return count

    calendar = WorkingCalendar()
    assert rebuilt_per_day() == calendar.working_days_left(due, now=now)
    before = _per_call(rebuilt_per_day, max(calls // 200, 3))
    after = _per_call(lambda: calendar.working_days_left(due, now=now), calls)
    print(f"before  working_days_left, holidays rebuilt per day checked:  {before:.4f} ms/call")
    print(f"after   working_days_left, calendar cached per year:          {after:.4f} ms/call  ({before / after:,.0f}x)")
    # A dashboard or report with 10 000 deadlines on 40 distinct days: asked row by row,
    # or once per distinct day, or (the dashboard) as one threshold the database compares.
    dues = [now + timedelta(days=d % 40, hours=d % 24) for d in range(10_000)]
    per_row = _per_call(lambda: [calendar.working_days_left(d, now=now) for d in dues], 5)
    by_day = _per_call(lambda: calendar.working_days_left_by_day(
        {d.astimezone(calendar.zone).date() for d in dues}, now=now), 5)
    threshold = _per_call(lambda: calendar.at_risk_until(now=now, days=3), calls)
    print(f"10 000 deadlines, working_days_left row by row:              {per_row:.3f} ms")
    print(f"10 000 deadlines, working_days_left_by_day (40 days):        {by_day:.3f} ms")
    print(f"at_risk_until (one threshold per organisation and request):  {threshold:.4f} ms/call")


def _service(calls: int) -> None:
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.organisation.calendar import add_holiday, calendar_for
    from app.services.organisation.organisations import ensure_known_organisations

    with tempfile.TemporaryDirectory() as directory:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.sqlite", "SECRET_KEY": "bench",
                          "DUMAS_TIMERS": "off"})
        with app.app_context():
            flask_migrate.upgrade()
            ensure_known_organisations()
            for day in (date(2026, 11, 24), date(2026, 12, 31), date(2027, 1, 4)):
                add_holiday(day=day, name="bench", kind="cuti_bersama", organisation_code=None, actor="bench")
            now = datetime(2026, 11, 2, 3, tzinfo=timezone.utc)
            due = now + timedelta(days=90)
            row = lambda: calendar_for("bsn").working_days_left(due, now=now)  # noqa: E731
            print(f"service calendar_for(org).working_days_left, same request:  {_per_call(row, calls):.4f} ms/call")

            def new_transaction():
                db.session.rollback()
                row()

            print(f"service the same, first call of a new transaction:          "
                  f"{_per_call(new_transaction, max(calls // 4, 1)):.4f} ms/call")
            db.session.remove()
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    print(f"code: {ROOT}")
    _engine(args.calls)
    _before_and_after(args.calls)
    _service(args.calls)


if __name__ == "__main__":
    main()
