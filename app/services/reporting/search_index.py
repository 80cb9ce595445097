"""The register's search indexes (app/models/search.py), kept up to date as text is
written, and the full-text match each database answers.

Whatever service writes a case's title, its complaint or a staff output (a CaseRecord),
the session notes the case after the flush and rewrites its two index rows just before
the commit, in the same transaction: no writer has to remember the index, and the index
never holds text that was rolled back.

The text index blanks the complainant's identity values wherever staff copied them into
a record (as `redact_identity` does for a reader who may not see them), so searching it
for a name or a NIK finds nothing; identity lives only in the identity index, which the
register consults for viewers who may see that identity (app/services/reporting/register.py).

PostgreSQL uses the `indonesian` text search configuration when the server has it (a
Snowball stemmer: "pungutan", "dipungut" and "memungut" all become "pungut"); SQLite's
FTS5 has no Indonesian stemmer, so each word is matched as a prefix ("pungut" finds
"pungutan" but not "dipungut").
"""
import json
import re
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, event, func, insert, inspect, literal_column, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Case, CaseIdentitySearch, CaseRecord, CaseSearchText, Complaint
from app.services.casework.transaction_complaints import complaint_in_transaction
from app.services.organisation.identity import IDENTITY_FIELDS

_PENDING = "search_index_cases"
# Cases inserted in this transaction, with the records added to them: such a case has
# no index rows and nothing stored elsewhere, so indexing it needs no query (every
# filing is one).
_NEW = "search_index_new_cases"
# Cases whose complaint was added or changed: only then does the identity row change.
_IDENTITY = "search_index_identity_cases"
_WORD = re.compile(r"\w+", re.UNICODE)
_MIN_SECRET = 5  # as app/services/organisation/identity.py: shorter values would blank ordinary words
_PHONE = re.compile(r"^\+?[0-9][0-9 .-]{6,}$")


def _table(model: type) -> Table:
    """A model's Core table: statements on it skip the ORM (no autoflush, no unit of work)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]  # every model has one


def phone_forms(phone: str | None) -> list[str]:
    """A phone as digits in both the international and the local form."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return []
    if digits.startswith("62"):
        return [digits, "0" + digits[2:]]
    if digits.startswith("0"):
        return [digits, "62" + digits[1:]]
    return [digits]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def texts_for(*, case: Case, complaint: Complaint | None, records: list[CaseRecord]) -> tuple[str, str]:
    """(searchable body, identity terms) of one case."""
    parts = [case.title or ""]
    if complaint is not None:
        parts += [complaint.judul or "", complaint.uraian or "", complaint.lokasi_kejadian or "", complaint.terlapor or ""]
    for record in records:
        parts += [s for item in record.content or [] if isinstance(item, dict) for s in _strings(item.get("value"))]
    body = "\n".join(p for p in parts if p)
    if complaint is None:
        return body, ""
    secrets = sorted({(getattr(complaint, f) or "").strip() for f in IDENTITY_FIELDS
                      if len((getattr(complaint, f) or "").strip()) >= _MIN_SECRET}, key=len, reverse=True)
    if body.isascii() and all(s.isascii() for s in secrets):
        # Only a value the text holds needs the pattern, compiled anew for every complaint
        # (the costliest part of indexing one). Between ASCII characters, ignoring case is
        # exactly comparing lowercase; beyond ASCII (a dotted İ matches i) the pattern decides.
        lowered = body.lower()
        secrets = [s for s in secrets if s.lower() in lowered]
    if secrets:
        body = re.sub("|".join(re.escape(s) for s in secrets), " ", body, flags=re.IGNORECASE)
    terms = [complaint.nama_lengkap or "", complaint.nik or "", complaint.email or "", *phone_forms(complaint.no_hp)]
    return body, " ".join(t for t in terms if t)


def reindex_case(*, session: Session, case_id: int, identity: bool = True) -> None:
    """Rewrite the case's text index row, and its identity row unless told its complaint
    did not change (no commit). Each row is one upsert, not a read and a write."""
    case = session.get(Case, case_id)
    if case is None:
        return
    complaint = complaint_in_transaction(session, case_id)
    records = session.scalars(select(CaseRecord).where(CaseRecord.case_id == case_id).order_by(CaseRecord.id)).all()
    body, terms = texts_for(case=case, complaint=complaint, records=list(records))
    _upsert(session, CaseSearchText, case_id=case_id, body=body)
    if identity:
        _upsert(session, CaseIdentitySearch, case_id=case_id, terms=terms)


def _upsert(session: Session, model, *, case_id: int, **values) -> None:
    table = model.__table__
    insert: postgresql.Insert | sqlite.Insert = (
        postgresql.insert(table) if session.get_bind().dialect.name == "postgresql" else sqlite.insert(table))
    statement = insert.values(case_id=case_id, **values)
    session.execute(statement.on_conflict_do_update(index_elements=[table.c.case_id], set_=values))


def _index_new_case(session: Session, case_id: int, records: list[CaseRecord]) -> None:
    """A case inserted in this transaction: no index rows yet, and every record it has
    was added in this transaction, so nothing needs reading."""
    case = session.get(Case, case_id)
    if case is None or case not in session:  # e.g. added inside a savepoint rolled back since
        return
    records = sorted((r for r in records if r in session), key=lambda r: r.id)
    body, terms = texts_for(case=case, complaint=complaint_in_transaction(session, case_id), records=records)
    # Plain INSERTs: written once and never read back here, they need no unit of work
    # (the commit has flushed already; objects added now would cost it another flush).
    session.execute(insert(_table(CaseSearchText)).values(case_id=case_id, body=body))
    session.execute(insert(_table(CaseIdentitySearch)).values(case_id=case_id, terms=terms))


def _after_flush(session, _context) -> None:
    pending = session.info.setdefault(_PENDING, set())
    identity = session.info.setdefault(_IDENTITY, set())
    _note_new(session, pending=pending, identity=identity)
    _note_changed(session, pending=pending, identity=identity)


def _note_new(session: Session, *, pending: set[int | None], identity: set[int | None]) -> None:
    """Cases, complaints and records added in this flush; a new case's records by case."""
    new_cases = session.info.setdefault(_NEW, {})
    for obj in session.new:
        if isinstance(obj, Case):
            new_cases[obj.id] = []
    for obj in session.new:
        if isinstance(obj, CaseRecord) and obj.case_id in new_cases:
            new_cases[obj.case_id].append(obj)
    for obj in session.new:
        if isinstance(obj, (Complaint, CaseRecord)):
            pending.add(obj.case_id)
        elif isinstance(obj, Case):
            pending.add(obj.id)
        if isinstance(obj, Complaint):
            identity.add(obj.case_id)


def _note_changed(session: Session, *, pending: set[int | None], identity: set[int | None]) -> None:
    # A case changes at every step; only a new title, description or record is news here.
    for obj in session.dirty:
        if isinstance(obj, Case) and inspect(obj).attrs.title.history.has_changes():
            pending.add(obj.id)
        elif isinstance(obj, (Complaint, CaseRecord)) and session.is_modified(obj):
            pending.add(obj.case_id)
            if isinstance(obj, Complaint):
                identity.add(obj.case_id)


def _before_commit(session) -> None:
    session.flush()
    pending = session.info.pop(_PENDING, set())
    identity = session.info.pop(_IDENTITY, set())
    new_cases = session.info.pop(_NEW, {})
    for case_id in sorted(i for i in pending if i is not None):
        if case_id in new_cases:
            _index_new_case(session, case_id, new_cases[case_id])
        else:
            reindex_case(session=session, case_id=case_id, identity=case_id in identity)


def _after_rollback(session) -> None:
    for key in (_PENDING, _IDENTITY, _NEW):
        session.info.pop(key, None)


def install() -> None:
    """Listen to every session of the process (idempotent: create_app calls it per app),
    as app/services/mail/outbox.py does."""
    for name, handler in (("after_flush", _after_flush), ("before_commit", _before_commit),
                          ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)


@lru_cache(maxsize=8)
def _pg_config(url: str) -> str:
    found = db.session.execute(text("SELECT 1 FROM pg_ts_config WHERE cfgname = 'indonesian'")).first()
    return "indonesian" if found else "simple"


def text_search_config() -> str:
    """The configuration the migration used for the text index."""
    return _pg_config(str(db.engine.url))


def _fts5_query(words: list[str]) -> str:
    return " ".join(f'"{w}"*' for w in words)


def text_matches(query: str):
    """A SELECT of the case ids whose searchable text holds every word of `query`, or
    None when it has no word."""
    words = _WORD.findall(query.lower())
    if not words:
        return None
    if db.engine.dialect.name == "postgresql":
        return select(CaseSearchText.case_id).where(
            literal_column("case_search.tsv").op("@@")(func.plainto_tsquery(text_search_config(), " ".join(words))))
    return select(literal_column("rowid")).select_from(text("case_search_fts")).where(
        literal_column("case_search_fts").op("MATCH")(_fts5_query(words)))


def common_word(query: str, *, above: int) -> bool:
    """Whether `query` is one word that PostgreSQL's statistics say more than `above`
    cases hold: then listing its matches first would cost more than the page (the GIN
    index can only hand over every match, ~20 ms for 200 000 at 1 M cases) while walking
    the register's order meets a page of hits within a few hundred rows. One word only:
    for several, the planner multiplies their frequencies as if unrelated, and two
    common words may never meet (an estimate of 40 000 for none); those are listed.
    Always False on SQLite (no row test there) and for a word the statistics do not
    count among the common ones."""
    words = _WORD.findall(query.lower())
    if len(words) != 1 or db.engine.dialect.name != "postgresql":
        return False
    return _estimated_rows(text_matches(query)) > above


def _estimated_rows(statement) -> float:
    """The planner's estimate of a SELECT's rows (EXPLAIN, not run): read from the
    column statistics, so it costs a planning, never a scan."""
    compiled = statement.compile(dialect=db.engine.dialect)
    plan: Any = db.session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


def text_matches_row(query: str, case_id_column):
    """The same test as `text_matches`, for one case row of an outer query: evaluated per
    row, so a query walking an index in the register's order stops after one page.
    None on SQLite, whose FTS5 reads a common word's whole list for each row: there the
    register joins the matches instead (100 k cases: well within the page's time)."""
    words = _WORD.findall(query.lower())
    if not words or db.engine.dialect.name != "postgresql":
        return None
    # A scalar subquery, which PostgreSQL never turns into a join over every match.
    return (select(literal_column("case_search.tsv").op("@@")(func.plainto_tsquery(text_search_config(),
                                                                                   " ".join(words))))
            .select_from(CaseSearchText).where(CaseSearchText.case_id == case_id_column)
            .scalar_subquery().is_(True))


def identity_matches_row(query: str, case_id_column):
    """`identity_matches` for one case row of an outer query (see text_matches_row)."""
    raw, words = _identity_words(query)
    if not words or db.engine.dialect.name != "postgresql":
        return None
    return (select(literal_column("case_identity_search.tsv").op("@@")(func.plainto_tsquery("simple", raw)))
            .select_from(CaseIdentitySearch).where(CaseIdentitySearch.case_id == case_id_column)
            .scalar_subquery().is_(True))


def _identity_words(query: str) -> tuple[str, list[str]]:
    raw = query.strip()
    if _PHONE.fullmatch(raw):
        raw = re.sub(r"\D", "", raw)
    return raw.lower(), _WORD.findall(raw.lower())


def identity_matches(query: str):
    """A SELECT of the case ids whose complainant's name, NIK, e-mail or phone match
    `query` (for the register to restrict to identities the viewer may see)."""
    raw, words = _identity_words(query)
    if not words:
        return None
    if db.engine.dialect.name == "postgresql":
        return select(CaseIdentitySearch.case_id).where(
            literal_column("case_identity_search.tsv").op("@@")(func.plainto_tsquery("simple", raw)))
    return select(literal_column("rowid")).select_from(text("case_identity_search_fts")).where(
        literal_column("case_identity_search_fts").op("MATCH")(_fts5_query(words)))
