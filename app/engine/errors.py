"""Errors the engine raises, in words staff and process owners can act on."""


class ModelError(Exception):
    """A diagram or decision table cannot be deployed or run as written."""


class EngineError(Exception):
    """Running a workflow failed; the caller must discard the instance it was running."""

    def __init__(self, message: str, *, element_id: str | None = None):
        super().__init__(message)
        self.element_id = element_id
