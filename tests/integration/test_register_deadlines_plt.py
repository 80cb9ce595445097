"""The register's sort by deadline reads the case's stored next deadline; a Plt. finds in
the register what the absent colleague could; deactivating an account ends its Plt.
delegations both ways. On both databases."""
from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import AuditEvent, Case, Delegation, TaskIndexEntry, User
from app.services.administration.account_admin import AdminScope, deactivate_account
from app.services.casework.events import move_deadline
from app.services.organisation.delegations import active_delegations, apply_due_delegations, create_delegation
from app.services.reporting.register import parse_query, register_page
from tests.helpers.clock import FakeClock
from tests.helpers.complaints import current_task_id
from tests.helpers.identity_helpers import IDENTITY
from tests.helpers.register_scenario import build, waiting_task


@pytest.fixture
def fake_clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(clock, "now", fake.now)
    return fake


@pytest.fixture
def scenario(every_staff):
    return build(every_staff)


def _walk(user, sort: str) -> list[int]:
    """Every case id of the register in `sort` order, one per page, following cursors."""
    seen, cursor = [], None
    while True:
        args = {"sort": sort, "limit": "1"} | ({"cursor": cursor} if cursor else {})
        page = register_page(parse_query(args), user=user)
        seen += page.case_ids
        cursor = page.next_cursor
        if not cursor:
            return seen


def test_the_due_sort_follows_the_stored_next_deadline_with_cases_without_one_last(scenario):
    timed = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.deadline_element.is_not(None))).first()
    moved = timed.due_at + timedelta(days=30)
    move_deadline(case_id=timed.case_id, element_id=timed.deadline_element, due_at=moved,
                  reason="Uji: pelapor minta waktu.", actor="admin")
    db.session.expire_all()
    assert db.session.get(Case, timed.case_id).next_due_at == moved
    # The stored column is the soonest deadline of the case's ready tasks, for every case.
    soonest = dict(db.session.execute(db.select(TaskIndexEntry.case_id, db.func.min(TaskIndexEntry.due_at))
                                      .group_by(TaskIndexEntry.case_id)).all())
    cases = db.session.scalars(db.select(Case)).all()
    assert {c.id: c.next_due_at for c in cases} == {c.id: soonest.get(c.id) for c in cases}
    # As for a case none of whose ready tasks has a deadline: listed last.
    db.session.get(Case, scenario.katingan.id).next_due_at = None
    db.session.commit()

    expected = sorted(cases, key=lambda c: (c.next_due_at is None, c.next_due_at or moved, c.id))
    national = db.session.scalars(db.select(User).where(User.username == "nasional")).one()
    assert _walk(national, "due") == [c.id for c in expected]
    assert _walk(national, "-due") == [c.id for c in reversed(expected)]
    assert _walk(national, "due")[-1] == scenario.katingan.id


def test_a_plt_finds_in_the_register_what_the_absent_colleague_could(scenario, every_staff, fake_clock):
    acting, absent = every_staff["unit.akreditasi"], every_staff["unit.dpspk"]
    seen = lambda: set(register_page(parse_query({}), user=acting).case_ids)  # noqa: E731
    assert seen() == set()
    create_delegation(absent="unit.dpspk", acting="unit.akreditasi", starts_at=fake_clock.at(hours=1),
                      ends_at=fake_clock.at(hours=25), reason="cuti", actor=None)
    assert seen() == set()  # the window has not opened
    fake_clock.advance(hours=2)
    assert seen() == {scenario.routed.id} == set(register_page(parse_query({}), user=absent).case_ids)
    fake_clock.advance(days=1)
    assert seen() == set()


def test_a_plt_searches_identities_only_as_the_absent_colleague_could(scenario, every_staff, fake_clock):
    by_nik = lambda: register_page(parse_query({"q": IDENTITY["nik"]}), user=every_staff["tatausaha"])  # noqa: E731
    assert by_nik().case_ids == [] and by_nik().count == 0  # a confidential identity: the admin lane only
    create_delegation(absent="admin", acting="tatausaha", starts_at=fake_clock.at(minutes=-1),
                      ends_at=fake_clock.at(hours=8), reason="dinas_luar", actor=None)
    assert by_nik().case_ids == [scenario.secret.id]
    fake_clock.advance(hours=9)
    assert by_nik().case_ids == []


def test_deactivating_an_account_ends_its_delegations_both_ways(scenario, every_staff, fake_clock):
    task_id = current_task_id(scenario.queue.id)
    db.session.get(TaskIndexEntry, waiting_task(scenario.queue).id).claimed_by = "admin"
    db.session.commit()
    for absent, acting in (("admin", "tatausaha"), ("kepala", "admin")):
        create_delegation(absent=absent, acting=acting, starts_at=fake_clock.at(minutes=-1),
                          ends_at=fake_clock.at(days=3), reason="dinas_luar", actor=None)
    apply_due_delegations()
    assert active_delegations(every_staff["tatausaha"]) and active_delegations(every_staff["admin"])
    assert db.session.scalar(db.select(TaskIndexEntry.claimed_by)
                             .where(TaskIndexEntry.engine_task_id == task_id)) == "tatausaha"

    deactivate_account(scope=AdminScope(actor="sysadmin", organisation_code=None),
                       user_id=every_staff["admin"].id, reason="Pensiun")
    db.session.expire_all()
    assert all(d.ended_at is not None for d in db.session.scalars(db.select(Delegation)))
    assert active_delegations(every_staff["tatausaha"]) == [] and active_delegations(every_staff["kepala"]) == []
    # The task moved to the Plt. does not go back to an account that can no longer hold it.
    assert db.session.scalar(db.select(TaskIndexEntry.claimed_by)
                             .where(TaskIndexEntry.engine_task_id == task_id)) is None
    ended = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "delegation.ended")
                               .order_by(AuditEvent.id)).all()
    assert [(e.actor, e.data_after["from"], e.data_after["to"], e.data_after["why"]) for e in ended] == [
        ("sysadmin", "admin", "tatausaha", "account_deactivated"),
        ("sysadmin", "kepala", "admin", "account_deactivated")]
    [deactivated] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "account.deactivated")).all()
    assert deactivated.data_after["plt_diakhiri"] == 2
