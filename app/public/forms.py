"""The citizen's forms besides the complaint itself (app/complaint_form.py): looking a
complaint up and replying on its tracking page."""
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from app.complaint_form import ACCEPTED_FILES


class TrackForm(FlaskForm):
    tracking_number = StringField(
        _l("Nomor pelacakan"), validators=[DataRequired(_l("Wajib diisi."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                   "placeholder": "DUMAS-2025-000123"},
    )
    access_code = StringField(
        _l("Kode akses"), validators=[DataRequired(_l("Wajib diisi."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class _ReplyForm(FlaskForm):
    """A complainant's reply on the tracking page. Like the complaint form it only
    collects; app.services.intake.complainant_replies checks, and its errors go beside the
    fields (its "text" is this form's `TEXT_FIELD`)."""

    TEXT_FIELD = ""
    SERVICE_FIELDS: dict[str, str] = {}

    def chosen_files(self) -> list[tuple[str, BinaryIO, str]]:
        files = getattr(self, "lampiran", None)
        return [(f.filename or "", f.stream, f.mimetype or "") for f in (files.data if files else None) or []]

    def show_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field = {"text": self.TEXT_FIELD, **self.SERVICE_FIELDS}.get(name, name)
            if field and field in self._fields:
                self[field].errors.append(message)
            else:
                self.form_errors.append(message)


class MissingDataForm(_ReplyForm):
    TEXT_FIELD = "jawaban"
    jawaban = TextAreaField(_l("Jawaban Anda"), render_kw={"rows": 5})
    lampiran = MultipleFileField(_l("Dokumen pendukung (opsional)"), render_kw={"accept": ACCEPTED_FILES})


class RatingForm(_ReplyForm):
    SERVICE_FIELDS = {"rating": "nilai", "comment": "komentar"}
    nilai = RadioField(_l("Nilai (1 = sangat tidak puas, 5 = sangat puas)"),
                       choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)], validate_choice=False)
    komentar = TextAreaField(_l("Komentar (opsional)"), render_kw={"rows": 3})


class ObjectionForm(_ReplyForm):
    TEXT_FIELD = "alasan"
    alasan = TextAreaField(_l("Alasan keberatan"), render_kw={"rows": 5})
    lampiran = MultipleFileField(_l("Dokumen pendukung (opsional)"), render_kw={"accept": ACCEPTED_FILES})
