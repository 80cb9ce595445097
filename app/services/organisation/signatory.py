"""The official who signs an organisation's printed case file: the place written before
the date, the name, the NIP (Nomor Induk Pegawai, 18 digits) and the position. Set with
`flask --app app organisations signatory`; the demo data gives each shipped organisation
one (`DEMO_SIGNATORIES`)."""
import re
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Organisation
from app.services.audit_trail.audit import record_event

# Fictional officials for the demo data, so a printed case file has a whole signature block.
DEMO_SIGNATORIES = {
    "bsn": ("Jakarta", "Dr. Ratna Kusumawardani, S.E., M.Ak.", "197503122000032001", "Inspektur"),
    "katingan": ("Kasongan", "Drs. Yohanes Saputra, M.Si.", "197108151995031002", "Inspektur Kabupaten Katingan"),
    "dpmdppkb": ("Palangka Raya", "Hendra Wijaya, S.Sos., M.AP.", "197906202005011003", "Kepala Dinas"),
    "bps-kaltim": ("Samarinda", "Ir. Sri Rahayu Lestari, M.Si.", "196812241993032001", "Kepala BPS Provinsi Kalimantan Timur"),
    "setneg": ("Jakarta", "Agus Setiawan, S.H., M.H.", "198001012006041004", "Kepala Biro Pengaduan Masyarakat"),
}


class SignatoryError(ValueError):
    """A signatory that cannot be saved; the message (Indonesian) says why."""


@dataclass(frozen=True)
class Signatory:
    place: str
    name: str
    nip: str
    position: str


def signatory_of(organisation: Organisation | None) -> Signatory | None:
    """The organisation's signing official, or None while it has not been set."""
    if organisation is None or not organisation.signatory_name:
        return None
    return Signatory(organisation.signing_place or "", organisation.signatory_name, organisation.signatory_nip or "",
                     organisation.signatory_position or "")


def set_signatory(*, organisation_code: str, place: str, name: str, nip: str, position: str, actor: str) -> Organisation:
    """Save who signs; recorded in the audit trail. Commits."""
    organisation = db.session.get(Organisation, organisation_code)
    if organisation is None:
        raise SignatoryError(_l("Instansi tidak dikenal: %(organisation_code)s.", organisation_code=organisation_code))
    place, name, position = place.strip(), name.strip(), position.strip()
    nip = re.sub(r"\s+", "", nip)
    missing = [label for label, value in ((_l("tempat"), place), (_l("nama"), name), (_l("jabatan"), position))
               if not value]
    if missing:
        # Joined when shown, so the field names are in the reader's language too.
        fields = LazyString(lambda: ", ".join(str(label) for label in missing))
        raise SignatoryError(_l("Wajib diisi: %(fields)s.", fields=fields))
    if not re.fullmatch(r"\d{18}", nip):
        raise SignatoryError(_l("NIP harus 18 angka."))
    before = {"place": organisation.signing_place, "name": organisation.signatory_name,
              "nip": organisation.signatory_nip, "position": organisation.signatory_position}
    organisation.signing_place, organisation.signatory_name = place, name
    organisation.signatory_nip, organisation.signatory_position = nip, position
    record_event(case=None, action="organisation.signatory_set", actor=actor, detail=organisation.code,
                 data_before=before, data_after={"place": place, "name": name, "nip": nip, "position": position})
    db.session.commit()
    return organisation


def ensure_demo_signatories() -> None:
    """Give each shipped organisation that has none its demo official; commits."""
    for code, (place, name, nip, position) in DEMO_SIGNATORIES.items():
        organisation = db.session.get(Organisation, code)
        if organisation is not None and not organisation.signatory_name:
            organisation.signing_place, organisation.signatory_name = place, name
            organisation.signatory_nip, organisation.signatory_position = nip, position
    db.session.commit()
