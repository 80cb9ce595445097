"""Keyset paging over an order whose first key may be empty (a deadline), as the inbox and
the register sort: ascending with the empty ones last, descending the exact reverse.

A page after a cursor is read as at most two index walks: the rest of the part the cursor
stands in (`(key, tie-breakers) > cursor`, which both databases answer as an index range),
then, if the page is not full, the start of the next part (the rows without a key after
those with one, or the reverse). Written as one OR, the condition would not be an index
range on PostgreSQL, and every page would re-read the pages before it.
"""
import base64
import binascii
import json
from datetime import datetime

from sqlalchemy import Select, literal, tuple_

from app.extensions import db

MAX_CURSOR = 300


def ordering(first, rest: tuple, *, descending: bool = False) -> tuple:
    """ORDER BY first NULLS LAST, rest... (descending: the reverse, NULLS FIRST)."""
    if descending:
        return (first.desc().nulls_first(), *(column.desc() for column in rest))
    return (first.asc().nulls_last(), *(column.asc() for column in rest))


def _after(columns: tuple, values: tuple, descending: bool):
    bound = tuple_(*(literal(value, column.type) for column, value in zip(columns, values, strict=True)))
    return tuple_(*columns) < bound if descending else tuple_(*columns) > bound


def rows_after(query: Select, *, first, rest: tuple, cursor: tuple | None, limit: int,
               descending: bool = False) -> list:
    """Up to `limit` rows of `query` in the order above, after `cursor` (the values of
    first and rest of the last row already shown; None: from the start)."""
    order = ordering(first, rest, descending=descending)
    if cursor is None:
        return list(db.session.execute(query.order_by(*order).limit(limit)).all())
    value, *tail = cursor
    without, with_key = query.where(first.is_(None)), query.where(first.is_not(None))
    if value is None:
        parts = [without.where(_after(rest, tuple(tail), descending))] + ([with_key] if descending else [])
    else:
        parts = [with_key.where(_after((first, *rest), (value, *tail), descending))] + (
            [] if descending else [without])
    rows: list = []
    for part in parts:
        rows += db.session.execute(part.order_by(*order).limit(limit - len(rows))).all()
        if len(rows) >= limit:
            break
    return rows


def encode_cursor(values: tuple) -> str:
    """An opaque, URL-safe cursor of the last row's sort values."""
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str, kinds: tuple[str, ...]) -> tuple:
    """The values of a cursor made by encode_cursor, checked against `kinds` ("time",
    "time?" for a time that may be empty, "int", "str"); ValueError if it is not one."""
    if len(text) > MAX_CURSOR:
        raise ValueError("cursor too long")
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise ValueError("not a cursor") from exc
    if not isinstance(values, list) or len(values) != len(kinds):
        raise ValueError("not a cursor")
    return tuple(_value(value, kind) for value, kind in zip(values, kinds, strict=True))


def _value(value, kind: str):
    if value is None and kind.endswith("?"):
        return None
    if kind.startswith("time"):
        if not isinstance(value, str) or len(value) > 40:
            raise ValueError("not a time")
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("a time without its zone")
        return moment
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
            raise ValueError("not an id")
        return value
    if not isinstance(value, str) or len(value) > 100 or not value.isprintable():
        raise ValueError("not a text")
    value.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError
    return value
