"""Plt. (pelaksana tugas): a colleague acts for an absent user for a window that opens
and closes by itself. Real database, pages and audit trail; only the clock is faked."""
import re
import time
from datetime import datetime, timezone

import pytest

from app import clock
from app.extensions import db
from app.models import AuditEvent, Delegation, TaskIndexEntry
from app.services.organisation.delegations import DelegationError, apply_due_delegations, create_delegation
from app.services.organisation.identity import identity_visible
from app.services.worklist.inbox import inbox
from tests.helpers.clock import FakeClock
from tests.helpers.complaints import current_task_id, file_complaint
from tests.helpers.identity_helpers import IDENTITY, complaint_of, file_by_api


@pytest.fixture
def fake_clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(clock, "now", fake.now)
    return fake


def _plt(staff, fake_clock, *, absent="admin", acting="tatausaha", hours=(1, 25), actor="kepala"):
    """`acting` is Plt. for `absent` from an hour from now for a day, recorded by the head."""
    return create_delegation(absent=absent, acting=acting, starts_at=fake_clock.at(hours=hours[0]),
                             ends_at=fake_clock.at(hours=hours[1]), reason="dinas_luar", actor=staff[actor])


def _actions(case_id: int | None = None) -> list[str]:
    """The case's audit actions; without a case, the delegation events of the global chain."""
    query = db.select(AuditEvent.action).order_by(AuditEvent.id)
    if case_id is None:
        return list(db.session.scalars(query.where(AuditEvent.action.like("delegation.%"))))
    return list(db.session.scalars(query.where(AuditEvent.case_id == case_id)))


def test_the_window_opens_and_closes_by_itself_moving_claimed_tasks(client, staff, auth, fake_clock):
    case = file_complaint()
    task_id = current_task_id(case.id)
    auth.login("admin")
    assert client.post(f"/tugas/{task_id}/ambil").status_code == 303
    auth.logout()
    _plt(staff, fake_clock)
    assert inbox(user=staff["tatausaha"]).total == 0  # not yet: the window opens in an hour

    fake_clock.advance(hours=1, minutes=1)
    assert apply_due_delegations() == 1  # what the sweeper runs
    db.session.expire_all()
    entry = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.engine_task_id == task_id)).one()
    assert entry.claimed_by == "tatausaha"
    assert [e.engine_task_id for e in inbox(user=staff["tatausaha"]).entries] == [task_id]
    assert apply_due_delegations() == 0  # once per edge

    fake_clock.advance(days=1)
    assert apply_due_delegations() == 1
    db.session.expire_all()
    assert db.session.get(TaskIndexEntry, entry.id).claimed_by == "admin"  # back to the absent user
    assert db.session.scalars(db.select(Delegation)).one().ended_at is not None
    assert inbox(user=staff["tatausaha"]).total == 0
    assert _actions() == ["delegation.created", "delegation.started", "delegation.ended"]
    assert {"task.delegated", "task.returned"} <= set(_actions(case.id))


def test_the_plt_completes_the_absent_users_task_and_the_trail_says_a_n(client, staff, auth, fake_clock):
    case = file_complaint()
    task_id = current_task_id(case.id)
    _plt(staff, fake_clock)
    auth.login("tatausaha")
    assert client.get(f"/tugas/{task_id}").status_code == 404  # before the window

    fake_clock.advance(hours=2)
    page = client.get("/tugas").get_data(as_text=True)
    assert task_id in page
    assert "sebagai Plt. a.n. admin" in client.get(f"/tugas/{task_id}").get_data(as_text=True)
    response = client.post(f"/tugas/{task_id}", data={"lengkap": "ya", "lokasi_kasus": "Jakarta"})
    assert response.status_code == 303, response.get_data(as_text=True)
    done = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.engine_task_id == task_id, AuditEvent.action == "task.completed")).one()
    assert done.actor == "tatausaha" and done.data_after["on_behalf_of"] == "admin"
    timeline = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "tatausaha a.n. admin" in timeline
    assert "on_behalf_of" not in timeline  # read as words, never as a key

    other = current_task_id(file_complaint(judul="Sesudah Plt. berakhir").id)
    assert client.get(f"/tugas/{other}").status_code == 200
    fake_clock.advance(days=2)  # over: the absent user's tasks close to the Plt. again
    assert client.get(f"/tugas/{other}").status_code == 404
    assert other not in client.get("/tugas").get_data(as_text=True)


def test_the_printed_case_file_names_the_plt_and_whom_they_acted_for(client, staff, auth, fake_clock):
    from tests.helpers.identity_helpers import staff_views

    case = file_complaint()
    task_id = current_task_id(case.id)
    _plt(staff, fake_clock, hours=(0, 24))
    auth.login("tatausaha")
    assert client.post(f"/tugas/{task_id}", data={"lengkap": "ya", "lokasi_kasus": "Jakarta"}).status_code == 303
    auth.logout()
    pdf = staff_views(client, auth, "kepala", case)[f"/api/v1/cases/{case.id}/pdf"]
    assert "tatausaha a.n. admin" in pdf


def test_identity_is_visible_to_the_plt_only_where_it_was_to_the_absent_user(client, staff, fake_clock):
    case, _ = file_by_api(client, kerahasiaan="rahasia")
    complaint = complaint_of(case)
    assert not identity_visible(complaint=complaint, viewer=staff["tatausaha"])
    _plt(staff, fake_clock, absent="unit.dpspk", acting="tatausaha", hours=(0, 24))
    # Acting for a unit member, who may not see a confidential reporter: still hidden.
    assert not identity_visible(complaint=complaint, viewer=staff["tatausaha"])
    _plt(staff, fake_clock, absent="admin", acting="kepala", hours=(0, 24))
    assert identity_visible(complaint=complaint, viewer=staff["kepala"])  # as admin would
    fake_clock.advance(days=2)
    assert not identity_visible(complaint=complaint, viewer=staff["kepala"])


def test_a_plt_page_view_shows_the_identity_during_the_window(client, staff, auth, fake_clock):
    case, _ = file_by_api(client, kerahasiaan="rahasia")
    auth.login("kepala")
    assert IDENTITY["nama_lengkap"] not in client.get(f"/kasus/{case.id}").get_data(as_text=True)
    _plt(staff, fake_clock, absent="admin", acting="kepala", hours=(0, 24))
    assert IDENTITY["nama_lengkap"] in client.get(f"/kasus/{case.id}").get_data(as_text=True)


def test_a_plt_from_another_organisation_is_refused(client, every_staff, auth, fake_clock):
    with pytest.raises(DelegationError, match="instansi yang sama"):
        _plt(every_staff, fake_clock, absent="admin", acting="katingan.inspektur", actor="admin")
    auth.login("admin")
    response = client.post("/akun/plt", data={"pegawai": "admin", "plt": "katingan.inspektur",
                                               "mulai": "2030-01-06", "selesai": "2030-01-10", "alasan": "cuti"})
    assert response.status_code == 422
    assert "Plt. harus dari instansi yang sama" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Delegation)) == 0


def test_only_the_user_or_their_head_records_a_plt(client, staff, auth, fake_clock):
    auth.login("tatausaha")
    response = client.post("/akun/plt", data={"pegawai": "admin", "plt": "tatausaha",
                                               "mulai": "2030-01-06", "selesai": "2030-01-10", "alasan": "cuti"})
    assert response.status_code == 422
    assert "tidak berwenang" in response.get_data(as_text=True)
    auth.logout()
    auth.login("admin")  # for themself, in the page's own words and dates
    response = client.post("/akun/plt", data={"pegawai": "admin", "plt": "tatausaha", "mulai": "2030-01-06",
                                               "selesai": "2030-01-10", "alasan": "cuti", "keterangan": "Cuti tahunan"})
    assert response.status_code == 303
    page = client.get("/akun/plt").get_data(as_text=True)
    assert "Cuti tahunan" in page and "Cuti" in page
    delegation = db.session.scalars(db.select(Delegation)).one()
    # From the start of the first day to the end of the last, in WIB (BSN's zone).
    assert delegation.starts_at == datetime(2030, 1, 5, 17, tzinfo=timezone.utc)
    assert delegation.ends_at == datetime(2030, 1, 10, 17, tzinfo=timezone.utc)
    assert client.post(f"/akun/plt/{delegation.id}/akhiri").status_code == 303
    db.session.expire_all()
    assert db.session.get(Delegation, delegation.id).ended_at is not None


def test_bad_dates_are_named_not_a_500(client, staff, auth):
    auth.login("admin")
    response = client.post("/akun/plt", data={"pegawai": "admin", "plt": "tatausaha", "mulai": "kemarin",
                                               "selesai": "", "alasan": "cuti"})
    assert response.status_code == 422
    assert "Isi tanggal mulai dan tanggal selesai" in response.get_data(as_text=True)
    response = client.post("/akun/plt", data={"pegawai": "admin", "plt": "tatausaha", "mulai": "2030-01-10",
                                               "selesai": "2030-01-06", "alasan": "cuti"})
    assert "Tanggal selesai harus sesudah tanggal mulai" in response.get_data(as_text=True)


def test_the_command_line_records_and_lists_a_plt(runner, staff, fake_clock):
    result = runner.invoke(args=["delegations", "create", "--for", "admin", "--plt", "tatausaha",
                                 "--start", "2030-01-06", "--end", "2030-01-11", "--reason", "cuti"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["delegations", "list"]).output
    assert re.search(r"tatausaha a\.n\. admin\t2030-01-05T17:00:00\+00:00", listed)
    refused = runner.invoke(args=["delegations", "create", "--for", "admin", "--plt", "kepala",
                                  "--start", "2030-01-07", "--end", "2030-01-08", "--reason", "cuti"])
    assert refused.exit_code != 0 and "Sudah ada Plt." in refused.output


@pytest.mark.committed  # the sweeper thread has a session and a connection of its own
def test_the_embedded_sweeper_opens_the_window_with_nobody_signed_in(app, client, staff, auth, fake_clock):
    from app.background import start_timer_thread

    case = file_complaint()
    task_id = current_task_id(case.id)
    auth.login("admin")
    client.post(f"/tugas/{task_id}/ambil")
    auth.logout()
    delegation_id = _plt(staff, fake_clock).id
    fake_clock.advance(hours=2)
    stop = start_timer_thread(app, interval=0.05)
    try:
        for _ in range(100):
            db.session.expire_all()
            if db.session.get(Delegation, delegation_id).started_at is not None:
                break
            time.sleep(0.05)
    finally:
        stop()
    db.session.expire_all()
    assert db.session.get(Delegation, delegation_id).started_at is not None
    assert db.session.scalars(db.select(TaskIndexEntry.claimed_by).where(
        TaskIndexEntry.engine_task_id == task_id)).one() == "tatausaha"
