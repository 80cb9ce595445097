"""Seals close what the hash chain alone leaves open: an attacker with write access to the
database (here: the owner, with the append-only triggers out of the way) removes the last
events of a case, a whole case's trail, or rewrites events and re-hashes the chain with
the published algorithm. `flask audit verify` must name each, in Indonesian, and exit 1."""
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.background import start_seal_thread
from app.extensions import db
from app.models import AuditEvent, AuditSeal, Case
from app.models.types import utcnow
from app.services.audit_trail.audit import record_event
from app.services.audit_trail.audit_chain import event_hash, verify_chains
from app.services.audit_trail.audit_seals import PERIODIC, seal_chains
from app.tasks.audit import seal_audit_chains
from tests.helpers.audit_case import build_case

FIELDS = ("chain", "seq", "prev_hash", "case_id", "occurred_at", "actor", "action", "engine_task_id",
          "element_id", "lane", "data_before", "data_after", "detail")


def _last(case_id: int) -> tuple[int, int, str]:
    """The id, seq and hash of a case's last event (plain values that outlive its row)."""
    event = _trail(case_id)[-1]
    return event.id, event.seq, event.hash


def _trail(case_id: int) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case_id)
                                   .order_by(AuditEvent.seq)))


def _as_attacker(*statements: tuple[str, dict]) -> None:
    """Run raw SQL with the triggers out of the way, as the database's owner could (a
    superuser here: replica mode; a plain owner: ALTER TABLE ... DISABLE TRIGGER).
    Tests that use it are marked `committed`: on SQLite it needs a connection of its own,
    on PostgreSQL replica mode would last to the end of a rolled-back test."""
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        for statement, params in statements:
            db.session.execute(text(statement), params)
        db.session.commit()
        return
    with db.engine.connect() as connection:  # SQLite: foreign keys can only be switched off between transactions
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for statement, params in statements:
            connection.execute(text(statement), params)
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def _verify(runner, *args: str):
    result = runner.invoke(args=["audit", "verify", *args])
    return result.exit_code, result.output


def test_a_sealed_trail_verifies_and_names_how_far_it_is_sealed(staff, runner):
    case_id = build_case(close=False)
    events = _trail(case_id)
    seal = seal_chains(reason=PERIODIC)
    assert seal.chains == 2  # this case and the global chain (the deployments)
    code, output = _verify(runner)
    assert code == 0, output
    assert f"UTUH\tcase:{case_id}\t{len(events)} kejadian\tkepala {events[-1].hash}\t" \
           f"disegel sampai urutan {len(events)}" in output
    # The key signs the seal and is nowhere in the database.
    assert "test-only-seal-key" not in db.session.scalar(db.select(AuditSeal.content))
    assert db.session.scalar(db.select(AuditSeal.signature)) == hmac.new(
        b"test-only-seal-key", seal.content.encode(), hashlib.sha256).hexdigest()
    # Append-only in the ORM too (PostgreSQL's triggers: tests/integration/test_audit_roles.py).
    seal.reason = "diubah"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.committed
def test_a_missing_tail_is_reported(staff, runner):
    case_id = build_case(close=False)
    last_id, last_seq, _ = _last(case_id)
    seal_chains(reason=PERIODIC)
    _as_attacker(("DELETE FROM audit_events WHERE id = :id", {"id": last_id}))
    # The chain itself is still consistent: without the seal nothing would show.
    assert verify_chains(case_id=case_id)[0].ok
    code, output = _verify(runner, str(case_id))
    assert code == 1
    assert (f"RUSAK\tcase:{case_id}\tekor rantai hilang: urutan {last_seq}–{last_seq} disegel pada "
            in output)
    assert f"rantai kini berhenti di urutan {last_seq - 1}" in output


@pytest.mark.committed
def test_a_missing_chain_and_a_deleted_case_are_reported(staff, runner):
    kept = build_case(close=False)
    gone = build_case(close=False)
    length = len(_trail(gone))
    seal_chains(reason=PERIODIC)
    _as_attacker(("DELETE FROM audit_events WHERE case_id = :id", {"id": gone}))
    code, output = _verify(runner)
    assert code == 1
    assert f"RUSAK\tcase:{gone}\trantai hilang: {length} kejadian disegel pada" in output
    assert f"UTUH\tcase:{kept}\t" in output
    # Then the case row as well: the sealed number of cases no longer holds.
    _as_attacker(*[(f"DELETE FROM {table} WHERE case_id = :id", {"id": gone}) for table in (
        "task_index", "timer_index", "documents", "complaints", "case_units", "case_records",
        "notifications")], ("DELETE FROM cases WHERE id = :id", {"id": gone}))
    code, output = _verify(runner)
    assert code == 1 and "jumlah kasus 1, padahal segel" in output and "mencatat 2 (ada kasus yang dihapus)" in output


def _rewrite_and_rehash(case_id: int, *, from_seq: int, detail: str) -> None:
    """Change one event and recompute every later hash with the published algorithm, so
    each link checks out again."""
    events = _trail(case_id)
    statements, prev_hash = [], events[from_seq - 2].hash
    for event in events[from_seq - 1:]:
        fields = {name: getattr(event, name) for name in FIELDS} | {"prev_hash": prev_hash}
        if event.seq == from_seq:
            fields["detail"] = detail
        digest = event_hash(fields)
        statements.append(("UPDATE audit_events SET detail = :detail, prev_hash = :prev, hash = :hash WHERE id = :id",
                           {"detail": fields["detail"], "prev": prev_hash, "hash": digest, "id": event.id}))
        prev_hash = digest
    _as_attacker(*statements)


@pytest.mark.committed
def test_a_rewritten_and_rehashed_chain_is_reported(staff, runner):
    case_id = build_case(close=False)
    events = _trail(case_id)
    seal_chains(reason=PERIODIC)
    _rewrite_and_rehash(case_id, from_seq=3, detail="Tidak pernah diterima")
    assert _trail(case_id)[2].detail == "Tidak pernah diterima"
    assert verify_chains(case_id=case_id)[0].ok  # every link checks out: only the seal tells
    code, output = _verify(runner, db.session.get(Case, case_id).tracking_number)
    assert code == 1
    assert (f"RUSAK\tcase:{case_id}\tkejadian urutan {len(events)} tidak cocok dengan hash yang disegel pada "
            in output)
    assert "(rantai ditulis ulang dan di-hash ulang)" in output


@pytest.mark.committed
def test_a_seal_made_without_the_key_is_refused_and_does_not_cover_a_rewrite(staff, runner):
    """Whoever may insert into audit_seals (the application role may) cannot re-seal a
    rewritten chain: the signature needs the key, which is not in the database."""
    case_id = build_case(close=False)
    seal_chains(reason=PERIODIC)
    _rewrite_and_rehash(case_id, from_seq=2, detail="diubah")
    forged = json.loads(db.session.scalar(db.select(AuditSeal.content)))
    forged["heads"][f"case:{case_id}"] = list(_last(case_id)[1:])
    forged["sealed_at"] = (utcnow() + timedelta(minutes=1)).isoformat()
    content = json.dumps(forged, sort_keys=True, separators=(",", ":"))
    other_key = hmac.new(b"guessed", content.encode(), hashlib.sha256).hexdigest()
    db.session.add(AuditSeal(sealed_at=utcnow(), reason=PERIODIC, chains=2, content=content, signature=other_key))
    db.session.commit()
    code, output = _verify(runner)
    assert code == 1
    assert "RUSAK\tsegel\tsegel #2 (" in output
    assert "tanda tangan tidak cocok dengan isinya (segel dipalsukan atau diubah)" in output
    assert f"RUSAK\tcase:{case_id}\tkejadian urutan" in output  # the genuine seal still pins it


@pytest.mark.committed
def test_the_seal_log_outlives_seals_deleted_from_the_database(app, staff, runner, tmp_path):
    app.config["DUMAS_AUDIT_SEAL_LOG"] = str(tmp_path / "segel" / "audit_seals.jsonl")
    case_id = build_case(close=False)
    last_id, last_seq, _ = _last(case_id)
    seal = seal_chains(reason=PERIODIC)
    [line] = (tmp_path / "segel" / "audit_seals.jsonl").read_text().splitlines()
    assert json.loads(line) == {"content": seal.content, "signature": seal.signature}
    # The owner removes the tail and every seal in the database.
    _as_attacker(("DELETE FROM audit_events WHERE id = :id", {"id": last_id}), ("DELETE FROM audit_seals", {}))
    code, output = _verify(runner)
    assert code == 1
    assert "baris 1 (" in output and "tidak ada di basis data (segel dihapus dari tabel audit_seals)" in output
    assert f"RUSAK\tcase:{case_id}\tekor rantai hilang: urutan {last_seq}–{last_seq}" in output


def test_a_seal_pins_only_what_changed_and_nothing_when_nothing_did(staff):
    first = build_case(close=False)
    second = build_case(close=False)
    assert seal_chains(reason=PERIODIC, now=utcnow() - timedelta(hours=1)).chains == 3
    record_event(case=db.session.get(Case, second), action="uji.catatan", actor="kepala")
    db.session.commit()
    later = seal_chains(reason=PERIODIC)
    assert set(json.loads(later.content)["heads"]) == {f"case:{second}"}  # not case:{first}, not global
    assert seal_chains(reason=PERIODIC) is None  # nothing new: no seal
    record_event(case=db.session.get(Case, first), action="uji.catatan", actor="kepala")
    db.session.commit()
    # Within the overlap the chains of the last seal are pinned again, beside the new one.
    assert set(json.loads(seal_chains(reason=PERIODIC).content)["heads"]) == {f"case:{first}", f"case:{second}"}


@pytest.mark.pdf
@pytest.mark.committed
def test_printing_a_case_file_seals_it(client, staff, auth, runner):
    case_id = build_case(close=False)
    last_id, last_seq, last_hash = _last(case_id)
    auth.login("admin")
    response = client.get(f"/kasus/{case_id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    seal = db.session.scalars(db.select(AuditSeal)).one()
    assert seal.reason == "cetak"
    assert json.loads(seal.content)["heads"][f"case:{case_id}"] == [last_seq, last_hash]
    _as_attacker(("DELETE FROM audit_events WHERE id = :id", {"id": last_id}))
    code, output = _verify(runner, str(case_id))
    assert code == 1 and "ekor rantai hilang" in output


@pytest.mark.committed
def test_beat_and_the_embedded_thread_seal_periodically(app, staff):
    case_id = build_case(close=False)
    seal_audit_chains.apply()  # the Celery task beat schedules
    assert db.session.scalars(db.select(AuditSeal)).one().reason == "berkala"
    record_event(case=db.session.get(Case, case_id), action="uji.catatan", actor="kepala")
    db.session.commit()
    stop = start_seal_thread(app, interval=0.2)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and db.session.scalar(db.select(db.func.count(AuditSeal.id))) < 2:
            db.session.rollback()
            time.sleep(0.1)
    finally:
        stop()
    assert db.session.scalar(db.select(db.func.count(AuditSeal.id))) == 2


def test_verify_warns_when_nothing_was_ever_sealed(staff, runner):
    build_case(close=False)
    code, output = _verify(runner)
    assert code == 0 and "PERINGATAN\tbelum ada segel" in output and "belum disegel" in output
