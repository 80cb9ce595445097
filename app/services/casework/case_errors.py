"""What the use cases on a case refuse: starting it, moving its workflow, its tasks.

Its own module so that the modules that start and save a workflow (workflow_state) and
those that act on tasks (cases) raise the same errors without importing each other."""


class CaseError(Exception):
    """Base of what a use case refuses; the message is for the person who asked."""


class ProcessNotDeployed(CaseError):
    pass


class TaskNotFound(CaseError):
    pass


class ConflictError(CaseError):
    """Someone else changed the case or took the task first."""


class WorkflowFailed(CaseError):
    """The engine failed; the case was left as it was and the error recorded on it."""
