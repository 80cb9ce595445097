"""A task form starts with what the case already knows: SOP 002's receiving step shows the
channel the complaint came through already chosen, so the officer only confirms it."""
import io
import re

import pytest

from app.extensions import db
from app.models import Case
from tests.helpers.complaints import COMPLAINANT, PDF, current_task_id
from tests.helpers.identity_helpers import IDENTITY, REPORT

OFFICER = "dpmdppkb.pejabat-pengelola-pengaduan"


def _channel_choices(html: str) -> dict[str, bool]:
    """The options of the `kanal` radio group, each with whether it is selected."""
    inputs = re.findall(r'<input[^>]*name="kanal"[^>]*>', html)
    return {re.search(r'value="([^"]*)"', tag).group(1): " checked" in tag for tag in inputs}


def _first_task_page(client, case_id: int) -> str:
    page = client.get(f"/tugas/{current_task_id(case_id)}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_a_letter_entered_offline_shows_surat_chosen_on_the_first_task(client, auth, every_staff):
    auth.login(OFFICER)
    response = client.post("/pengaduan-luring", content_type="multipart/form-data", data={
        **REPORT, "nama_lengkap": IDENTITY["nama_lengkap"], "alamat": IDENTITY["alamat"], "kanal": "surat",
        "kerahasiaan": "biasa", "tanggal_diterima": "2026-01-05", "surat": (io.BytesIO(PDF), "surat.pdf")})
    assert response.status_code == 303, response.get_data(as_text=True)
    case = db.session.scalars(db.select(Case)).one()
    assert case.tasks[0].element_id == "tugas_terima_catat"

    choices = _channel_choices(_first_task_page(client, case.id))
    # The form offers the channel codes the complaint itself uses, and the letter's is chosen.
    assert set(choices) == {"web", "api", "surat", "telepon", "tatap_muka", "kotak_pengaduan", "email"}
    assert [code for code, chosen in choices.items() if chosen] == ["surat"]


@pytest.mark.parametrize("channel", ["telepon", "tatap_muka"])
def test_a_call_or_a_visit_shows_its_own_channel(client, auth, every_staff, channel):
    auth.login(OFFICER)
    response = client.post("/pengaduan-luring", data={**REPORT, "kanal": channel, "kerahasiaan": "anonim"})
    assert response.status_code == 303, response.get_data(as_text=True)
    case = db.session.scalars(db.select(Case)).one()
    choices = _channel_choices(_first_task_page(client, case.id))
    assert [code for code, chosen in choices.items() if chosen] == [channel]


def test_a_web_complaint_shows_web_and_the_officer_may_correct_it(client, auth, every_staff):
    assert client.post("/lapor", data={**COMPLAINANT, "instansi": "dpmdppkb"}).status_code == 302
    case = db.session.scalars(db.select(Case)).one()
    auth.login(OFFICER)
    choices = _channel_choices(_first_task_page(client, case.id))
    assert [code for code, chosen in choices.items() if chosen] == ["web"]

    # What the officer submits wins over the default, and a refused submission keeps it.
    task_id = current_task_id(case.id)
    refused = client.post(f"/tugas/{task_id}", data={"kanal": "telepon"})
    assert refused.status_code == 422
    assert [code for code, chosen in _channel_choices(refused.get_data(as_text=True)).items() if chosen] == ["telepon"]
