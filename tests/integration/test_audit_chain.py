"""The audit trail as a hash chain per case: what a case records, that the chain holds,
that tampering shows in `flask audit verify`, that PostgreSQL refuses changes outright,
and that two writers at once cannot fork a chain."""
import threading
import time
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.extensions import db
from app.models import AuditEvent, Case
from app.services.audit_trail.audit import record_event
from app.services.audit_trail.audit_chain import event_hash, verify_chains
from app.services.organisation.calendar import add_holiday
from tests.helpers.audit_case import ESCALATION, EXTENSION_REASON, REVIEW, UNIT_REPORT, build_case


def _trail(case_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case_id)
                                   .order_by(AuditEvent.seq)))


def test_a_case_records_every_kind_of_event_the_inspectors_need(staff):
    case_id = build_case()
    events = _trail(case_id)
    by_action = {}
    for event in events:
        by_action.setdefault(event.action, []).append(event)
    [started] = by_action["case.started"]
    assert started.actor == "pengadu" and "sop_000 versi 1" in started.detail  # received, with the version
    [document] = by_action["document.added"]
    assert len(document.data_after["sha256"]) == 64
    completed = {e.element_id: e for e in by_action["task.completed"]}
    assert completed["tugas_tindak_lanjut_unit"].data_after == UNIT_REPORT  # with the form data
    assert completed["tugas_tindak_lanjut_unit"].actor == "unit.dpspk"
    assert completed["eskalasi_tugas_tindak_lanjut_unit"].data_after == ESCALATION
    assert {e.element_id for e in by_action["task.created"]} >= set(completed)
    assert [e.actor for e in by_action["task.claimed"]] == ["unit.dpspk", "unit.dpspk"]
    [decision] = by_action["decision.evaluated"]
    assert decision.data_before == {k: REVIEW[k] for k in ("logis", "berkadar_pengawasan", "kewenangan")}
    assert decision.data_after == {"rute": "unit_kerja"}
    fired = {e.element_id for e in by_action["timer.fired"]}
    # The unit's deadline and the objection period running out (engine timers); the
    # reminder before the deadline and the escalation are the deadline policy's.
    assert fired == {"tenggat_tugas_tindak_lanjut_unit", "ev_batas_keberatan"}
    [reminded] = by_action["deadline.reminded"]
    assert (reminded.element_id, reminded.lane) == ("tugas_tindak_lanjut_unit", "Unit Eselon II")
    [escalated] = by_action["deadline.escalated"]
    assert (escalated.element_id, escalated.lane) == ("tenggat_tugas_tindak_lanjut_unit", "Kepala Inspektorat")
    assert any(e.detail.startswith("Eskalasi: 6.") for e in by_action["task.created"])  # the escalation item
    assert EXTENSION_REASON in [e.detail for e in by_action["deadline.moved"]]  # extension with its reason
    assert by_action["case.status_changed"] and by_action["case.closed"]
    # One unbroken chain: 1, 2, 3 ... each pointing at the one before.
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash is None
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    [report] = verify_chains(case_id=case_id)
    assert report.ok and report.events == len(events) and report.head_hash == events[-1].hash


def test_the_hash_covers_the_content_exactly_as_documented(staff):
    case_id = build_case(close=False)
    event = _trail(case_id)[5]
    fields = {name: getattr(event, name) for name in (
        "chain", "seq", "prev_hash", "case_id", "occurred_at", "actor", "action", "engine_task_id",
        "element_id", "lane", "data_before", "data_after", "detail")}
    assert event_hash(fields) == event.hash
    assert event_hash(fields | {"detail": (event.detail or "") + "."}) != event.hash
    assert event_hash(fields | {"prev_hash": "0" * 64}) != event.hash


def test_events_without_a_case_form_their_own_chain(staff, runner):
    add_holiday(day=date(2026, 12, 24), name="Cuti bersama Natal", kind="cuti_bersama", organisation_code=None,
                actor="admin")
    add_holiday(day=date(2026, 12, 31), name="Cuti bersama", kind="cuti_bersama", organisation_code=None,
                actor="admin")
    # Deploying the models (process.deployed) came first in the same chain.
    events = list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id.is_(None))
                                     .order_by(AuditEvent.seq)))
    assert {e.chain for e in events} == {"global"}
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.action for e in events[-2:]] == ["calendar.holiday_added"] * 2
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"global\t{len(events)} kejadian" in result.output


def test_the_orm_refuses_to_change_or_delete_an_event(staff):
    case_id = build_case(close=False)
    event = _trail(case_id)[0]
    event.detail = "diubah"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_postgresql_refuses_raw_updates_and_deletes(staff):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    case_id = build_case(close=False)
    for statement in ("UPDATE audit_events SET detail = 'diubah' WHERE case_id = :case",
                      "DELETE FROM audit_events WHERE case_id = :case"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement), {"case": case_id})
        db.session.rollback()
    assert verify_chains(case_id=case_id)[0].ok


def _tamper(statement: str, params: dict) -> None:
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:  # an attacker with DDL rights: the trigger is the first line, the chain the second
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    try:
        db.session.execute(text(statement), params)
    finally:
        if postgres:
            db.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
        db.session.commit()


def test_a_tampered_event_fails_verify_and_is_named(staff, runner):
    case_id = build_case(close=False)
    other_id = build_case(close=False)
    tracking = db.session.get(Case, case_id).tracking_number
    assert runner.invoke(args=["audit", "verify", tracking]).exit_code == 0
    victim = next(e for e in _trail(case_id) if e.action == "task.completed")
    victim_id, victim_seq = victim.id, victim.seq
    _tamper("UPDATE audit_events SET data_after = :data WHERE id = :id",
            {"data": '{"lengkap": false, "lokasi_kasus": "Jakarta"}', "id": victim_id})
    result = runner.invoke(args=["audit", "verify", tracking])
    assert result.exit_code == 1
    assert f"RUSAK\tcase:{case_id}\tkejadian #{victim_id} (urutan {victim_seq})" in result.output
    assert runner.invoke(args=["audit", "verify", str(other_id)]).exit_code == 0  # other chains are intact
    everything = runner.invoke(args=["audit", "verify"])
    assert everything.exit_code == 1 and "1 rusak" in everything.output


def test_a_deleted_event_breaks_the_chain(staff, runner):
    case_id = build_case(close=False)
    victim = _trail(case_id)[3]
    seq = victim.seq
    _tamper("DELETE FROM audit_events WHERE id = :id", {"id": victim.id})
    result = runner.invoke(args=["audit", "verify", str(case_id)])
    assert result.exit_code == 1 and f"urutan {seq + 1}, seharusnya {seq}" in result.output


def test_verify_names_an_unknown_case(staff, runner):
    result = runner.invoke(args=["audit", "verify", "DUMAS-2026-999999"])
    assert result.exit_code != 0 and "tidak ditemukan" in result.output


@pytest.mark.committed
def test_two_writers_on_one_case_never_fork_its_chain(app, staff):
    """Writer A reads the case's chain head; writer B appends and commits meanwhile. On
    PostgreSQL B waits for A's advisory lock and follows A; on SQLite (no such lock) A's
    insert hits the unique (chain, seq) constraint. Either way the chain stays one line."""
    case_id = build_case(close=False)
    length = len(_trail(case_id))
    case = db.session.get(Case, case_id)
    record_event(case=case, action="uji.penulis_a", actor="a")
    postgres = db.engine.dialect.name == "postgresql"
    errors = []

    def writer_b():
        with app.app_context():
            try:
                record_event(case=db.session.get(Case, case_id), action="uji.penulis_b", actor="b")
                db.session.commit()
            except Exception as exc:  # reported to the test below
                errors.append(exc)

    other = threading.Thread(target=writer_b)
    other.start()
    if postgres:
        time.sleep(0.5)
        assert other.is_alive()  # waiting on A's lock on the chain
        db.session.commit()
        other.join(10)
        assert [e.action for e in _trail(case_id)[length:]] == ["uji.penulis_a", "uji.penulis_b"]
    else:
        other.join(10)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert [e.action for e in _trail(case_id)[length:]] == ["uji.penulis_b"]
    assert errors == []
    [report] = verify_chains(case_id=case_id)
    assert report.ok and report.events == len(_trail(case_id))
