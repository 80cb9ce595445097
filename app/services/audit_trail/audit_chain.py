"""The hash chains that make the audit trail tamper-evident.

What is hashed, exactly: the SHA-256 (hex) of the UTF-8 bytes of
`json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` where
`content` is the object

    {"v": 1, "chain": ..., "seq": ..., "prev_hash": ... (null for the first event),
     "case_id": ..., "occurred_at": "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" (UTC),
     "actor": ..., "action": ..., "engine_task_id": ..., "element_id": ..., "lane": ...,
     "data_before": ..., "data_after": ..., "detail": ...}

The database id is not in it (it is given only at insert). Because each hash covers the
previous one, changing, removing or reordering any event breaks every later link; the
last event's hash (the head) stands for the whole history, so a head printed on paper
(the case PDF) pins it.

Concurrency: a new event takes the chain's head (last seq and hash). On PostgreSQL the
first append to a chain in a transaction holds a transaction-scoped advisory lock on that
chain, so concurrent appenders queue instead of colliding; on both databases the unique
(chain, seq) constraint is the backstop: a second writer that read the same head fails
its insert (IntegrityError, which the use cases report as "changed by someone else,
retry"), and the chain never forks.
"""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, cast

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AuditEvent, Case

if TYPE_CHECKING:
    from psycopg.abc import AdaptContext

GLOBAL_CHAIN = "global"
HASH_VERSION = 1
# First key of PostgreSQL's two-key advisory locks: this application's audit chains.
_LOCK_SPACE = 0x0D0A
_HEADS = "audit_chain_heads"


def chain_of(case_id: int | None) -> str:
    return f"case:{case_id}" if case_id is not None else GLOBAL_CHAIN


def normalised(value):
    """The value as the JSON column gives it back (tuples become lists, keys strings),
    so the hash computed now equals the one recomputed from the stored row."""
    return None if value is None else json.loads(json.dumps(value))


def timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:  # SQLite gives stored UTC back without its zone
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def event_hash(fields: dict) -> str:
    """`fields` holds the keys of the docstring's content object except "v"."""
    content = {
        "v": HASH_VERSION,
        "chain": fields["chain"],
        "seq": fields["seq"],
        "prev_hash": fields["prev_hash"],
        "case_id": fields["case_id"],
        "occurred_at": timestamp(fields["occurred_at"]),
        "actor": fields["actor"],
        "action": fields["action"],
        "engine_task_id": fields["engine_task_id"],
        "element_id": fields["element_id"],
        "lane": fields["lane"],
        "data_before": normalised(fields["data_before"]),
        "data_after": normalised(fields["data_after"]),
        "detail": fields["detail"],
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stored_hash(event: AuditEvent) -> str:
    """The hash recomputed from a stored event's columns."""
    return event_hash({name: getattr(event, name) for name in (
        "chain", "seq", "prev_hash", "case_id", "occurred_at", "actor", "action", "engine_task_id",
        "element_id", "lane", "data_before", "data_after", "detail")})


def next_link(chain: str, case_id: int | None) -> tuple[int, str | None]:
    """The seq and prev_hash for a new event of `chain` in the current transaction."""
    heads = db.session.info.setdefault(_HEADS, {})
    if chain not in heads:
        with db.session.no_autoflush:
            if db.session.get_bind().dialect.name == "postgresql":
                head = _locked_head_postgresql(chain, case_id or 0)
            else:
                head = db.session.execute(
                    db.select(AuditEvent.seq, AuditEvent.hash)
                    .where(AuditEvent.chain == chain).order_by(AuditEvent.seq.desc()).limit(1)
                ).tuples().first()
        heads[chain] = (head[0], head[1]) if head else (0, None)
    return heads[chain][0] + 1, heads[chain][1]


def _locked_head_postgresql(chain: str, key: int) -> tuple[int, str] | None:
    """Take the chain's lock, then read its head, in one round trip: two statements sent
    together (the simple query protocol). Each statement of a READ COMMITTED transaction
    reads from its own snapshot, so the head is read after the lock is granted and sees
    whatever the previous holder committed; one statement doing both would read from a
    snapshot taken before the wait."""
    from psycopg import sql

    connection = db.session.connection()
    query = sql.SQL(
        "SELECT pg_advisory_xact_lock({space}, {key}); "
        "SELECT seq, hash FROM audit_events WHERE chain = {chain} ORDER BY seq DESC LIMIT 1"
    ).format(space=sql.Literal(_LOCK_SPACE), key=sql.Literal(int(key)), chain=sql.Literal(chain))
    # No parameters: psycopg sends it with the simple query protocol, which takes several
    # statements; the driver's cursor then holds one result per statement.
    result = connection.exec_driver_sql(query.as_string(cast("AdaptContext", connection.connection.dbapi_connection)))
    try:
        result.cursor.nextset()
        return result.cursor.fetchone()
    finally:
        result.close()


def start_chain(case_id: int) -> None:
    """A case inserted in this transaction starts with an empty chain, and no other
    transaction can append to it before this one commits (nobody else sees the case row
    its events must refer to): its first event needs neither the lock nor the head."""
    db.session.info.setdefault(_HEADS, {})[chain_of(case_id)] = (0, None)


def remember_head(chain: str, seq: int, digest: str) -> None:
    db.session.info[_HEADS][chain] = (seq, digest)


# Another transaction may append next; a rolled-back one's events never existed.
_TRANSACTION_ENDS = ("after_commit", "after_rollback", "after_soft_rollback")


def install() -> None:
    """Forget the heads read by a session whenever its transaction ends. Every session of
    the process; create_app calls it (idempotent: tests build an app per test)."""
    for name in _TRANSACTION_ENDS:
        if not sa_event.contains(Session, name, _forget_heads):
            sa_event.listen(Session, name, _forget_heads)


def _forget_heads(session: Session, *_args: object) -> None:
    session.info.pop(_HEADS, None)


@dataclass
class ChainReport:
    chain: str
    events: int = 0
    head_hash: str | None = None
    broken_event_id: int | None = None
    broken_seq: int | None = None
    problem: str | None = None
    last_seq: int = 0
    # The hash stored at the seq a seal pinned (app/services/audit_trail/audit_seals.py), if asked.
    pinned_hash: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _check(report: ChainReport, event: AuditEvent, previous: AuditEvent | None) -> str | None:
    expected_seq = previous.seq + 1 if previous else 1
    if event.seq != expected_seq:
        return f"urutan {event.seq}, seharusnya {expected_seq} (ada kejadian yang hilang atau disisipkan)"
    if event.prev_hash != (previous.hash if previous else None):
        return "hash kejadian sebelumnya tidak cocok"
    if chain_of(event.case_id) != event.chain:
        return "kejadian berada di rantai kasus lain"
    if stored_hash(event) != event.hash:
        return "isi kejadian tidak cocok dengan hash-nya (diubah setelah dicatat)"
    return None


def verify_chains(*, case_id: int | None = None, everything: bool = False,
                  pins: dict[str, int] | None = None) -> list[ChainReport]:
    """Walk the chain of one case (or every chain when `everything`) and report, per
    chain, its length, its head and the first event that breaks it; with `pins`
    (chain -> seq), also the hash found at that seq, for comparing with a seal."""
    pins = pins or {}
    query = db.select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.seq, AuditEvent.id)
    if not everything:
        query = query.where(AuditEvent.chain == chain_of(case_id))
    reports: dict[str, ChainReport] = {}
    previous: dict[str, AuditEvent] = {}
    for event in db.session.scalars(query.execution_options(yield_per=500)):
        report = reports.setdefault(event.chain, ChainReport(chain=event.chain))
        report.events += 1
        report.head_hash, report.last_seq = event.hash, event.seq
        if pins.get(event.chain) == event.seq:
            report.pinned_hash = event.hash
        if report.ok:
            problem = _check(report, event, previous.get(event.chain))
            if problem:
                report.problem, report.broken_event_id, report.broken_seq = problem, event.id, event.seq
        previous[event.chain] = event
    if not everything and not reports:
        reports[chain_of(case_id)] = ChainReport(chain=chain_of(case_id))
    return list(reports.values())


def case_id_for(reference: str) -> int | None:
    """A case's id from its id or its tracking number (for the command line)."""
    reference = reference.strip()
    if reference.isdigit():
        return db.session.scalar(db.select(Case.id).where(Case.id == int(reference)))
    return db.session.scalar(db.select(Case.id).where(Case.tracking_number == reference.upper()))
