"""Who holds a task in their own right: their roles, organisation and unit, no delegation.

Below both the Plt. rules (app/services/organisation/delegations.py, which hands tasks back to whoever
holds them) and the access checks (app/services/organisation/access.py, which add the delegations)."""

from app.models import Case, TaskIndexEntry, User


def same_organisation(user: User, case: Case) -> bool:
    return user.organisation_code is None or user.organisation_code == case.organisation_code


def holds_task(user: User, entry: TaskIndexEntry) -> bool:
    """May `user` work on the task in their own right (no delegation)?"""
    if entry.role not in user.role_names or not same_organisation(user, entry.case):
        return False
    return entry.org_unit is None or entry.org_unit == user.unit_code
