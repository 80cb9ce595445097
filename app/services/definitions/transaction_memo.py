"""Values read at most once per database transaction: what one request asks the same
question about several times (the user's delegations, the deployed processes, the
organisations a user heads) without every caller passing the answer down.

A request (or a background task) is one transaction, so this is a per-request cache
that services may use without reading `request` or `g`. A commit or rollback starts a
new transaction and with it an empty memo, so nothing is kept across a write another
request could see; a use case that writes what it remembered and reads it again before
committing calls `forget_remembered()`.
"""
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from app.extensions import db

_MEMO = "dumas.transaction_memo"
T = TypeVar("T")


def remembered(key: Hashable, load: Callable[[], T]) -> T:
    """`load()`'s value, computed once per transaction of the current session."""
    session = db.session()
    memo = session.info.get(_MEMO)
    if memo is not None and memo[0] is session.get_transaction() and key in memo[1]:
        return memo[1][key]
    value = load()
    transaction = session.get_transaction()  # begun by load()'s query if it was not yet
    if transaction is None:
        return value
    if memo is None or memo[0] is not transaction:
        values: dict[Hashable, Any] = {}
        memo = (transaction, values)
        session.info[_MEMO] = memo
    memo[1][key] = value
    return value


def forget_remembered() -> None:
    db.session().info.pop(_MEMO, None)
