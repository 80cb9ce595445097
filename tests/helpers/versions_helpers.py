"""Shared steps for the version tests: a process owner, and a second version of a model."""
from app.extensions import db
from app.models import ProcessVersion, Role
from app.services.definitions.processes import deploy_process
from app.services.organisation.accounts import PROCESS_OWNER_ROLE, create_user

OWNER = "pemilik"
PASSWORD = "rahasia-pemilik"


def make_owner(username: str = OWNER) -> None:
    # The role is created by the application's system roles; made here too so these
    # tests do not depend on which branch added it first.
    if db.session.get(Role, PROCESS_OWNER_ROLE) is None:
        db.session.add(Role(name=PROCESS_OWNER_ROLE))
        db.session.commit()
    create_user(username=username, password=PASSWORD, roles=[PROCESS_OWNER_ROLE])


def redeploy(version: ProcessVersion, *, replace: dict[str, str], by: str = "pemilik") -> ProcessVersion:
    """Deploy `version` again with text replacements in its diagram; commits."""
    xml = version.bpmn_xml
    for old, new in replace.items():
        assert old in xml, old
        xml = xml.replace(old, new)
    new_version = deploy_process(
        process_key=version.definition.key, bpmn_xml=xml, decision_files=dict(version.decision_files),
        forms=dict(version.forms), deployed_by=by,
    )
    db.session.commit()
    assert new_version.number == version.number + 1
    return new_version
