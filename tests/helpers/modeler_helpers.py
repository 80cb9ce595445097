"""Shared by the deploy gate tests: SOP 000 alone, deployed, and a process owner.
A test module imports the fixtures (`sop_000_fixture`, `owner_fixture`) to use them."""
import shutil
from pathlib import Path

import pytest

from app.extensions import db
from app.models import ProcessDefinition, ProcessVersion
from app.services.administration.demo import DEMO_PASSWORD, seed_reference_data
from app.services.definitions.processes import deploy_directory
from app.services.organisation.accounts import PROCESS_OWNER_ROLE, create_user, ensure_system_roles

ROOT = Path(__file__).resolve().parents[2]
SOP_000 = (ROOT / "bpmn" / "sop_000.bpmn").read_text(encoding="utf-8")
RUTE_000 = (ROOT / "dmn" / "rute_000.dmn").read_text(encoding="utf-8")


@pytest.fixture(name="sop_000")
def sop_000_fixture(app_context, tmp_path):
    """Only SOP 000 with its table and all forms, deployed: quicker than every SOP."""
    (tmp_path / "bpmn").mkdir()
    (tmp_path / "dmn").mkdir()
    shutil.copy(ROOT / "bpmn" / "sop_000.bpmn", tmp_path / "bpmn")
    shutil.copy(ROOT / "dmn" / "rute_000.dmn", tmp_path / "dmn")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    seed_reference_data()
    [version] = deploy_directory(tmp_path, deployed_by="test")
    return version


@pytest.fixture(name="owner")
def owner_fixture(sop_000, auth):
    ensure_system_roles()
    create_user(username="pemilik", password=DEMO_PASSWORD, roles=[PROCESS_OWNER_ROLE])
    auth.login("pemilik")
    return "pemilik"


def version_numbers(key: str = "sop_000") -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(
        db.select(ProcessVersion.number).join(ProcessDefinition).where(ProcessDefinition.key == key)
        .order_by(ProcessVersion.number)))


def deploy_bpmn(client, xml: str, **extra):
    return client.post("/admin/model/proses/sop_000/terapkan", json={"bpmn_xml": xml, **extra})


def messages(response) -> list[str]:
    return [p["message"] for p in response.get_json()["problems"]]
