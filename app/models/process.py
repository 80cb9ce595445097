"""Process definitions (one per SOP diagram) and their deployed versions."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow


class ProcessDefinition(Model):
    """An SOP as a process: its key is the BPMN process id and the file name in bpmn/."""

    __tablename__ = "process_definitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list["ProcessVersion"]] = relationship(
        back_populates="definition", order_by="ProcessVersion.number"
    )


class ProcessVersion(Model):
    """One deployment of a diagram with the decision tables and forms it uses.

    The parsed spec is stored here once (`spec_json`), so a case stores only its own
    state and a running case keeps the models it started with.
    """

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("definition_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"))
    number: Mapped[int] = mapped_column(Integer)
    # Large and rarely read (the engine caches parsed specs): loaded only when used.
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    # {decision file name: DMN XML} and {form key: form definition}.
    decision_files: Mapped[dict] = mapped_column(JSON, deferred=True)
    forms: Mapped[dict] = mapped_column(JSON, deferred=True)
    spec_json: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The lanes (roles) of the diagram, and those whose tasks are routed to one unit.
    lanes: Mapped[list] = mapped_column(JSON, default=list)
    unit_scoped_lanes: Mapped[list] = mapped_column(JSON, default=list)
    # Where the diagram's start event stands: staff in that lane may start a case by hand
    # (SOP 004's monitoring); a complainant lane starts through the public form.
    start_lanes: Mapped[list] = mapped_column(JSON, default=list)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by: Mapped[str] = mapped_column(String(100))

    definition: Mapped[ProcessDefinition] = relationship(back_populates="versions")
