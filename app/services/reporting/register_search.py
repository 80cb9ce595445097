"""The register's search, as a condition on Case (app/services/reporting/register.py applies it with
the access rule in the same query).

A tracking number (with or without "DUMAS-") matches exactly; anything else is full
text over the case's searchable text (app/services/reporting/search_index.py) and, only where the
viewer may see the complainant's identity (app/services/organisation/identity.py), over that identity.

How a word is matched depends on how many cases hold it. Few (the usual search): their
ids are listed first, so the database sorts only those. Many: each row the register
walks in its order is tested, so the walk stops after a page instead of first gathering
every match; a single word that the statistics already put in more than COMMON_WORD
cases is not even listed, since listing costs the whole posting list.
"""
import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, or_, select

from app.extensions import db
from app.models import Case, Complaint
from app.services.reporting.search_index import (
    common_word,
    identity_matches,
    identity_matches_row,
    text_matches,
    text_matches_row,
)

TRACKING_NUMBER = re.compile(r"^(?:DUMAS-)?(\d{4})-(\d{6})$", re.IGNORECASE)
# Up to this many search hits are fetched as ids first.
SEARCH_PROBE = 500
# A word the statistics put in more cases than this is not listed first.
COMMON_WORD = 20 * SEARCH_PROBE


def identity_visible_sql(identity_admin: list[int]):
    """The SQL condition on Complaint equal to `identity_visible` for a user who may see
    the case: "biasa" always, "rahasia" for the process's admin lanes, "anonim" never."""
    level = func.coalesce(Complaint.confidentiality, "biasa")
    conditions = [level == "biasa"]
    if identity_admin:
        conditions.append(and_(level == "rahasia", Case.process_version_id.in_(identity_admin)))
    return and_(Complaint.id.is_not(None), or_(*conditions))


def _probe(select_ids) -> list[int] | None:
    """The ids `select_ids` finds if there are at most SEARCH_PROBE of them, else None."""
    if db.engine.dialect.name == "postgresql":
        # Planned as a whole (the GIN index), read only as far as the limit: planned with
        # the LIMIT, PostgreSQL may scan the whole table hoping for early hits.
        hits = select_ids.cte("hits").prefix_with("MATERIALIZED")
        select_ids = select(hits.c[0])
    ids = list(db.session.scalars(select_ids.limit(SEARCH_PROBE + 1)))
    return ids if len(ids) <= SEARCH_PROBE else None


@dataclass(frozen=True)
class Search:
    condition: ColumnElement
    # Words, not a tracking number: the register counts fewer matches (each may be a test
    # of one row). The same for every word and every reader, so that where the count
    # stops never tells how many cases, or hidden identities, hold the word.
    full_text: bool = True


def search_condition(q: str, *, identity_admin: list[int]) -> Search:
    """Few matches (the usual search): their ids, so the database sorts only those. Many
    (a common word): a test per row, so the walk in the register's order stops after a
    page instead of first gathering every match."""
    number = TRACKING_NUMBER.fullmatch(q.strip())
    if number:
        return Search(Case.tracking_number == f"DUMAS-{number.group(1)}-{number.group(2)}", full_text=False)
    in_text, in_identity = text_matches(q), identity_matches(q)
    if in_text is None and in_identity is None:
        return Search(false())
    conditions = []
    # A word in many cases needs no list of its matches: the walk in the register's order
    # finds a page of them in a few hundred rows.
    text_ids = (None if common_word(q, above=COMMON_WORD) else _probe(in_text)) if in_text is not None else []
    if text_ids is None:
        row_test = text_matches_row(q, Case.id)
        conditions.append(Case.id.in_(in_text) if row_test is None else row_test)
    elif text_ids:
        conditions.append(Case.id.in_(text_ids))
    # The identity index answers for every complainant; whose identity this viewer may
    # see is decided here, in the same query as the cases they may see.
    identity_ids = _probe(in_identity) if in_identity is not None else []
    if identity_ids is None:
        row_test = identity_matches_row(q, Case.id)
        conditions.append(and_(Case.id.in_(in_identity) if row_test is None else row_test,
                               identity_visible_sql(identity_admin)))
    elif identity_ids:
        conditions.append(and_(Case.id.in_(identity_ids), identity_visible_sql(identity_admin)))
    return Search(or_(false(), *conditions))
