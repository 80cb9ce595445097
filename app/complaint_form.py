"""The complaint form: a citizen filing online (app/public), and staff entering a
complaint that came by mail or on paper (app/cases), share it.

The complaint form only renders fields and collects what was typed. Its rules (what a
NIK, a phone number or an attachment must be) live in app.services.intake.complaints, so the
web form and the API refuse the same things with the same messages; the fields here
therefore carry no validators, and the service's errors are put beside them.
"""
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import EmailField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput

from app.services.intake.complaints import COMPLAINT_TYPES, DEFAULT_ORGANISATION
from app.services.organisation.identity import CONFIDENTIALITY_LEVELS

# One readable label per type the service accepts; a type added there without a label
# here fails at import rather than showing a bare code to citizens.
_TYPE_LABELS = {
    "pengaduan": _l("Pengaduan — melaporkan dugaan pelanggaran atau pelayanan yang buruk"),
    "aspirasi": _l("Aspirasi — menyampaikan saran atau masukan"),
    "permintaan_informasi": _l("Permintaan informasi — meminta informasi publik"),
}
# The complainant's choice of SP4N-LAPOR!'s anonymous and confidential options.
_CONFIDENTIALITY_LABELS = {
    "biasa": _l("Biasa — identitas Anda terlihat oleh petugas yang menangani"),
    "rahasia": _l("Rahasia — identitas Anda hanya terlihat oleh Admin, dan laporan tidak ditampilkan untuk umum"),
    "anonim": _l("Anonim — tanpa identitas: tidak seorang pun, termasuk petugas, mengetahui siapa pelapornya"),
}
ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class ComplaintForm(FlaskForm):
    kerahasiaan = RadioField(_l("Kerahasiaan laporan"),
                             choices=[SelectChoice(code, _CONFIDENTIALITY_LABELS[code]) for code in CONFIDENTIALITY_LEVELS],
                             default="biasa", validate_choice=False)
    # Identity, as SOP 000 step 1 requires it (none for an anonymous report).
    nama_lengkap = StringField(_l("Nama lengkap"), render_kw={"autocomplete": "name"})
    nik = StringField(_l("NIK (Nomor Induk Kependudukan)"),
                      render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16})
    email = EmailField(_l("Email"), render_kw={"autocomplete": "email"})
    no_hp = TelField(_l("Nomor HP"), render_kw={"autocomplete": "tel"})
    pekerjaan = StringField(_l("Pekerjaan"), render_kw={"autocomplete": "organization-title"})
    alamat = TextAreaField(_l("Alamat"), render_kw={"autocomplete": "street-address", "rows": 3})
    # The agency, where more than one takes complaints here (choices set per request).
    instansi = SelectField(_l("Instansi yang dituju"), choices=[], default=DEFAULT_ORGANISATION, validate_choice=False)
    # The complaint itself.
    jenis = RadioField(_l("Jenis laporan"), choices=[SelectChoice(code, _TYPE_LABELS[code]) for code in COMPLAINT_TYPES],
                       default="pengaduan", validate_choice=False)
    judul = StringField(_l("Judul laporan"))
    uraian = TextAreaField(_l("Uraian kejadian"), render_kw={"rows": 8})
    lokasi_kejadian = StringField(_l("Lokasi kejadian"))
    # A text field drawn as a date picker: the service parses the date, so an invalid
    # one gets the service's message rather than a second one from WTForms.
    tanggal_kejadian = StringField(_l("Tanggal kejadian"), widget=DateInput())
    terlapor = StringField(_l("Pihak yang dilaporkan"))
    lampiran = MultipleFileField(_l("Lampiran (bukti)"), render_kw={"accept": ACCEPTED_FILES})

    TEXT_FIELDS = ("kerahasiaan", "nama_lengkap", "nik", "email", "no_hp", "pekerjaan", "alamat", "instansi", "jenis", "judul",
                   "uraian", "lokasi_kejadian", "tanggal_kejadian", "terlapor")

    def complaint_data(self) -> dict:
        return {name: self[name].data for name in self.TEXT_FIELDS}

    def chosen_files(self) -> list[tuple[str, BinaryIO, str]]:
        """(filename, stream, declared type) of each file chosen; Flask-WTF has already
        dropped the empty part a browser sends when none was."""
        return [(f.filename or "", f.stream, f.mimetype or "") for f in self.lampiran.data or []]

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put each of the service's messages beside its field."""
        for name, message in errors.items():
            if name in self._fields:
                self[name].errors.append(message)
            else:
                self.form_errors.append(message)
