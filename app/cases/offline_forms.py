"""The officer's form for a complaint received offline: the citizen's complaint form
(app/complaint_form.py), plus how it arrived, when, and the scanned letter."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput

from app.complaint_form import ACCEPTED_FILES, ComplaintForm
from app.services.intake.complaints import OFFLINE_CHANNELS

CHANNEL_LABELS = {
    "web": _l("Situs web"),
    "api": _l("API"),
    "surat": _l("Surat pengaduan"),
    "telepon": _l("Telepon / call center"),
    "tatap_muka": _l("Tatap muka / datang langsung"),
    "kotak_pengaduan": _l("Kotak pengaduan"),
    "email": _l("Email"),
}


class OfflineComplaintForm(ComplaintForm):
    kanal = RadioField(_l("Diterima melalui"), choices=[SelectChoice(c, CHANNEL_LABELS[c]) for c in OFFLINE_CHANNELS],
                       default="surat", validate_choice=False)
    tanggal_diterima = StringField(_l("Tanggal diterima"), widget=DateInput())
    surat = FileField(_l("Pindaian surat pengaduan"), render_kw={"accept": ACCEPTED_FILES})

    def letter(self) -> tuple[str, object, str] | None:
        """(filename, stream, declared type) of the scanned letter, if one was chosen."""
        chosen = self.surat.data
        if not chosen or not getattr(chosen, "filename", ""):
            return None
        return chosen.filename, chosen.stream, chosen.mimetype or ""
