"""Seals: what stops the audit chains from being shortened, removed or rewritten unseen.

A hash chain shows an event changed or removed in its middle, but not a missing tail, a
missing chain, or a chain rewritten and re-hashed with the published algorithm
(app/services/audit_trail/audit_chain.py). So, periodically and at every print of a case file, the
chains' heads (chain -> last seq and hash) and the number of cases are sealed: written
as canonical JSON and signed with HMAC-SHA-256 under DUMAS_AUDIT_SEAL_KEY, a key that is
in the configuration and never in the database. Whoever can write the database cannot
make a seal that matches a rewritten history.

A seal is kept in two places, each out of reach of an attacker of the other:
- the `audit_seals` table, append-only like the events (ORM, PostgreSQL triggers, and an
  application role that may only INSERT and SELECT it);
- a JSON-lines file (DUMAS_AUDIT_SEAL_LOG, instance/audit_seals.jsonl by default), which
  the database's owner or a restored dump cannot touch. A seal in the file but not in the
  table means seals were deleted from the database.

Size: a seal pins only the chains that gained events since the last valid seal made at
least OVERLAP earlier (the first seal pins every chain), so seals grow with the activity,
not with the number of cases. OVERLAP covers transactions still open while a seal was
made: an event committed after that seal, with a lower id than the seal saw, is pinned by
the next one.

`verify_audit` compares every chain with the highest seq any valid seal pinned for it:
fewer events (a missing tail), none (a missing chain), or another hash at that seq (a
rewritten chain) breaks it; a seal whose signature does not match is reported too.
"""
import fcntl
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, func

from app.extensions import db
from app.models import AuditEvent, AuditSeal, Case
from app.models.types import utcnow
from app.services.audit_trail.audit_chain import ChainReport, chain_of, timestamp, verify_chains

log = logging.getLogger(__name__)

SEAL_VERSION = 1
PERIODIC = "berkala"
PRINT = "cetak"
OVERLAP = timedelta(minutes=15)


def _key() -> bytes:
    return current_app.config["DUMAS_AUDIT_SEAL_KEY"].encode("utf-8")


def key_id(key: bytes) -> str:
    """Names the key in each seal (a digest, not the key), so a seal made under another
    key is told apart from a forged one."""
    return hashlib.sha256(b"dumas-audit-seal-key:" + key).hexdigest()[:16]


def sign(content: str) -> str:
    return hmac.new(_key(), content.encode("utf-8"), hashlib.sha256).hexdigest()


def _valid(content: str, signature: str) -> bool:
    return hmac.compare_digest(sign(content), signature)


def current_heads(*, since_event_id: int | None) -> dict[str, list]:
    """chain -> [last seq, its hash], for the chains with an event after
    `since_event_id` (every chain when None), as committed now."""
    latest = db.select(AuditEvent.chain, func.max(AuditEvent.seq).label("seq")).group_by(AuditEvent.chain)
    if since_event_id is not None:
        # Named first (a range of the primary key), so only their heads are looked up.
        changed = list(db.session.scalars(
            db.select(AuditEvent.chain).where(AuditEvent.id > since_event_id).distinct()))
        if not changed:
            return {}
        latest = latest.where(AuditEvent.chain.in_(changed))
    latest = latest.subquery()
    rows = db.session.execute(
        db.select(AuditEvent.chain, AuditEvent.seq, AuditEvent.hash)
        .join(latest, and_(AuditEvent.chain == latest.c.chain, AuditEvent.seq == latest.c.seq))
    )
    return {row.chain: [row.seq, row.hash] for row in rows}


def _parsed(seal: AuditSeal) -> dict | None:
    return json.loads(seal.content) if _valid(seal.content, seal.signature) else None


def _base(now: datetime) -> tuple[dict | None, dict | None]:
    """The newest valid seal made at least OVERLAP before `now` (from which the next seal
    continues) and the newest valid seal of all (to skip sealing when nothing changed).
    Forged rows (which the application role could insert) are passed over."""
    base = newest = None
    for seal in db.session.scalars(db.select(AuditSeal).order_by(AuditSeal.id.desc())):
        content = _parsed(seal)
        if content is None:
            continue
        newest = newest or content
        if datetime.fromisoformat(content["sealed_at"]) <= now - OVERLAP:
            base = content
            break
    return base, newest


def seal_chains(*, reason: str, now: datetime | None = None) -> AuditSeal | None:
    """Seal the chains that changed since the last seal, commit, and append the seal to
    the seal log. Nothing is written when nothing changed. Its own transaction: call it
    with nothing else pending."""
    now = now or utcnow()
    base, newest = _base(now)
    # The highest id first: an event inserted while the heads are read is sealed next time.
    max_event_id = db.session.scalar(db.select(func.max(AuditEvent.id))) or 0
    heads = current_heads(since_event_id=base["max_event_id"] if base else None)
    cases = db.session.scalar(db.select(func.count(Case.id)))
    if newest is not None and cases == newest["cases"] and all(
            newest["heads"].get(chain) == head for chain, head in heads.items()):
        db.session.rollback()
        return None
    content = json.dumps({
        "v": SEAL_VERSION, "key": key_id(_key()), "sealed_at": timestamp(now), "reason": reason,
        "cases": cases, "max_event_id": max_event_id, "heads": heads,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    seal = AuditSeal(sealed_at=now, reason=reason, chains=len(heads), content=content, signature=sign(content))
    db.session.add(seal)
    db.session.commit()
    _append_to_log(content, seal.signature)
    return seal


def _append_to_log(content: str, signature: str) -> None:
    path = current_app.config.get("DUMAS_AUDIT_SEAL_LOG")
    if not path:
        return
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as log_file:
            # Web workers, the sealing thread and Celery may append at once.
            fcntl.flock(log_file, fcntl.LOCK_EX)
            log_file.write(json.dumps({"content": content, "signature": signature}, ensure_ascii=False) + "\n")
            log_file.flush()
            os.fsync(log_file.fileno())
    except OSError:
        # The seal is committed in the database; a missing copy is not a broken chain.
        log.exception("audit seal not appended to %s", path)


@dataclass
class SealedState:
    """What all valid seals together pin."""
    heads: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # chain -> seq, hash, sealed_at
    cases: int = 0
    cases_sealed_at: str | None = None
    valid: int = 0
    problems: list[str] = field(default_factory=list)


def _local(moment: str) -> str:
    """A seal's time as staff read it: local time with its zone (WIB, WITA, WIT)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Jakarta"))
    return datetime.fromisoformat(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def _file_seals() -> list[tuple[int, str, str]]:
    path = current_app.config.get("DUMAS_AUDIT_SEAL_LOG")
    if not path or not Path(path).exists():
        return []
    seals = []
    with open(path, encoding="utf-8") as log_file:
        for number, line in enumerate(log_file, start=1):
            try:
                entry = json.loads(line)
                seals.append((number, entry["content"], entry["signature"]))
            except (ValueError, KeyError, TypeError):
                seals.append((number, "", ""))
    return seals


def _take(state: SealedState, content: dict) -> None:
    state.valid += 1
    for chain, (seq, digest) in content["heads"].items():
        if chain not in state.heads or seq > state.heads[chain][0]:
            state.heads[chain] = (seq, digest, content["sealed_at"])
    if content["cases"] >= state.cases:
        state.cases, state.cases_sealed_at = content["cases"], content["sealed_at"]


def sealed_state() -> SealedState:
    """Every seal in the table and in the seal log, each checked against the key."""
    state = SealedState()
    in_table = set()
    mine = key_id(_key())
    for seal in db.session.scalars(db.select(AuditSeal).order_by(AuditSeal.id)):
        in_table.add(seal.signature)
        content = _parsed(seal)
        if content is None:
            state.problems.append(f"segel #{seal.id} ({_local(timestamp(seal.sealed_at))}): "
                                  + _why_invalid(seal.content, mine))
        else:
            _take(state, content)
    path = current_app.config.get("DUMAS_AUDIT_SEAL_LOG")
    for number, line, signature in _file_seals():
        where = f"segel di {path} baris {number}"
        if not line or not _valid(line, signature):
            state.problems.append(f"{where}: " + _why_invalid(line, mine))
            continue
        parsed = json.loads(line)
        if signature not in in_table:
            state.problems.append(f"{where} ({_local(parsed['sealed_at'])}) tidak ada di basis data "
                                  "(segel dihapus dari tabel audit_seals)")
        _take(state, parsed)
    return state


def _why_invalid(content: str, mine: str) -> str:
    try:
        other = json.loads(content).get("key")
    except (ValueError, AttributeError):
        return "isi segel tidak terbaca"
    if other != mine:
        return f"dibuat dengan kunci segel lain ({other}), bukan kunci yang dikonfigurasi ({mine})"
    return "tanda tangan tidak cocok dengan isinya (segel dipalsukan atau diubah)"


def _compare(report: ChainReport, sealed: tuple[int, str, str]) -> None:
    seq, digest, sealed_at = sealed
    when = _local(sealed_at)
    if report.events == 0:
        report.problem = (f"rantai hilang: {seq} kejadian disegel pada {when}, "
                          "tidak satu pun ada di basis data")
    elif report.last_seq < seq:
        report.problem = (f"ekor rantai hilang: urutan {report.last_seq + 1}–{seq} disegel pada {when}, "
                          f"rantai kini berhenti di urutan {report.last_seq}")
    elif report.pinned_hash != digest:
        report.problem = (f"kejadian urutan {seq} tidak cocok dengan hash yang disegel pada {when} "
                          "(rantai ditulis ulang dan di-hash ulang)")


@dataclass
class AuditVerdict:
    chains: list[ChainReport]
    sealed: dict[str, int]  # chain -> the seq sealed
    problems: list[str]  # about the seals and the cases, beside the chains
    seals: int

    @property
    def ok(self) -> bool:
        return not self.problems and all(report.ok for report in self.chains)


def verify_audit(*, case_id: int | None = None, everything: bool = False) -> AuditVerdict:
    """Each chain checked link by link (app/services/audit_trail/audit_chain.py) and against the seals."""
    state = sealed_state()
    wanted = state.heads if everything else {
        chain: sealed for chain, sealed in state.heads.items() if chain == chain_of(case_id)}
    reports = verify_chains(case_id=case_id, everything=everything,
                            pins={chain: sealed[0] for chain, sealed in wanted.items()})
    found = {report.chain: report for report in reports}
    for chain in wanted:
        if chain not in found:
            found[chain] = ChainReport(chain=chain)
            reports.append(found[chain])
    for chain, sealed in wanted.items():
        if found[chain].ok:
            _compare(found[chain], sealed)
    problems = list(state.problems)
    if everything and state.cases_sealed_at is not None:
        cases = db.session.scalar(db.select(func.count(Case.id)))
        if cases < state.cases:
            problems.append(f"jumlah kasus {cases}, padahal segel {_local(state.cases_sealed_at)} mencatat "
                            f"{state.cases} (ada kasus yang dihapus)")
    return AuditVerdict(chains=reports, sealed={chain: sealed[0] for chain, sealed in wanted.items()},
                        problems=problems, seals=state.valid)

