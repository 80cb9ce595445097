"""What the staff task page shows for one ready task: its form (definition, choices of
the database-backed fields, defaults from the complaint) and the case around it. The page
itself (app/inbox/routes.py) builds the WTForms form from this and reports errors."""
from dataclasses import dataclass

from app.models import AuditEvent, Case, CaseRecord, Complaint, Document, TaskIndexEntry, User
from app.services.audit_trail.audit import case_events
from app.services.casefile.case_files import complaint_for_case, documents_for_case, records_for_case
from app.services.definitions.forms import default_values, reference_types
from app.services.definitions.processes import version_forms
from app.services.definitions.references import reference_choices
from app.services.organisation.access import task_for

_NO_FORM: dict = {"key": "", "fields": []}


@dataclass(frozen=True)
class TaskPage:
    entry: TaskIndexEntry
    definition: dict  # the step's form; a step without one is completed with no fields
    choices: dict[str, list[tuple[str, str]]]
    defaults: dict
    complaint: Complaint | None
    events: list[AuditEvent]
    documents: list[Document]
    records: list[CaseRecord]

    @property
    def case(self) -> Case:
        return self.entry.case


def task_page(*, user: User, task_id: str) -> TaskPage:
    """The page of a task `user` may work on; raises access.NotAllowed otherwise (also when
    the task is no longer ready: access.completed_by then says who completed it)."""
    entry = task_for(user, task_id)
    definition = (version_forms(entry.case.process_version).get(entry.form_key) if entry.form_key else None) or _NO_FORM
    complaint = complaint_for_case(case_id=entry.case_id)
    return TaskPage(
        entry=entry,
        definition=definition,
        choices=reference_choices(reference_types(definition), organisation_code=entry.case.organisation_code),
        defaults=default_values(definition, complaint=complaint),
        complaint=complaint,
        events=case_events(case_id=entry.case_id),
        documents=documents_for_case(case_id=entry.case_id),
        records=records_for_case(case_id=entry.case_id),
    )
