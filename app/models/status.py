"""The case statuses the diagrams may set (camunda:property `status`), with the words a
complainant and staff read for each: edited in the browser (/admin/status), seeded for
the shipped SOPs from seed/statuses.json, checked by the deploy gate."""
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model


class CaseStatus(Model):
    __tablename__ = "case_statuses"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    label_id: Mapped[str] = mapped_column(String(255))
    label_en: Mapped[str] = mapped_column(String(255))
    # What the tracking page explains under the label; None: a status staff see only
    # (SOP 004's internal monitoring steps), shown with a generic sentence.
    description_id: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
