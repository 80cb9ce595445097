"""The same person in two browser tabs (or an API client and a tab) is never told that
"someone else" changed what they changed themselves."""
import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import TaskIndexEntry
from app.services.casework.cases import claim_task, complete_task
from tests.helpers.api import API, VERIFIED, bearer, complete, in_english
from tests.helpers.complaints import current_task_id, file_complaint


@pytest.mark.committed
def test_a_claim_lost_to_ones_own_other_tab_is_yours(staff):
    case = file_complaint()
    task_id = current_task_id(case.id)
    entry = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.engine_task_id == task_id)).one()
    assert entry.claimed_by is None  # this tab has read the task as free...
    with db.engine.begin() as other_tab:  # ...when the same user's other tab claims it
        other_tab.execute(update(TaskIndexEntry).where(TaskIndexEntry.id == entry.id).values(claimed_by="admin"))
    claimed = claim_task(task_id=task_id, actor="admin")
    assert claimed.claimed_by == "admin"


def test_completing_a_task_done_in_another_tab_says_it_was_you(client, auth, staff):
    case = file_complaint()
    task_id = current_task_id(case.id)
    complete_task(task_id=task_id, data=VERIFIED, actor="admin")  # the first tab

    api = complete(client, bearer(client, "admin"), task_id, VERIFIED)
    assert api.status_code == 409
    assert api.json["message"] == "Anda sendiri sudah menyelesaikan tugas ini, di jendela atau sesi lain."

    auth.login("admin")
    page = client.post(f"/tugas/{task_id}", data={"lengkap": "y", "lokasi_kasus": "Jakarta"}, follow_redirects=True)
    assert "Anda sendiri sudah menyelesaikan tugas ini" in page.get_data(as_text=True)
    other = in_english(client.post, f"{API}/tasks/{task_id}/claim", headers=bearer(client, "admin"))
    assert other.json["message"] == "You have already completed this task yourself, in another window or session."
