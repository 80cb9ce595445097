"""SOP 002's intake and review forms, for its process tests and the identity tests."""

# Two divisions of DPMDPPKB, each with its liaison officer ("pejabat penghubung di
# lingkungan masing-masing berdasarkan kategori pengaduan", step 3 g).
UNIT_PEMDES = "dpmdppkb-pemdes"

RECEIVED = {
    "kanal": "telepon",
    "tanggal_diterima": "2026-11-23",
    "ringkasan_pengaduan": "Dana desa tahap II belum cair, pelapor menanyakan alasannya.",
}


VERIFIED_BY_LIAISON = {
    "catatan_verifikasi_penghubung": "Identitas dan data dukung sesuai.",
    "anonim": False,
    "rahasia": False,
}


def _review(
    *,
    jenis="pengaduan",
    lengkap=True,
    kewenangan=True,
    penyalahgunaan=False,
    direspon_admin=None,
    lintas_instansi=False,
    unit=UNIT_PEMDES,
) -> dict:
    """A valid review form: the decision inputs plus what the form requires with them."""
    data = {
        "jenis": jenis,
        "catatan_verifikasi": "Identitas pelapor jelas; substansi dan data dukung diperiksa.",
        "sifat_pengaduan": "indikasi_pelanggaran" if jenis == "pengaduan" else "bukan_keduanya",
        "subjek_pengaduan": "Pemerintah desa",
        "objek_pengaduan": "Pencairan dana desa",
        "anonim": False,
        "rahasia": False,
        "lengkap": lengkap,
        "kewenangan": kewenangan,
        "penyalahgunaan_aparatur": penyalahgunaan,
        "lintas_instansi": lintas_instansi,
    }
    if direspon_admin is not None:
        data["direspon_admin"] = direspon_admin
    if lengkap and kewenangan:
        data["unit_penghubung"] = unit
    if lintas_instansi:
        data["instansi_tembusan"] = "kemendagri"
    if not kewenangan:
        data["instansi_tujuan"] = "lapor-nasional"
    if penyalahgunaan:
        data["apip_tujuan"] = "apip"
    return data


def _liaison(*, kewenangan=True, normatif=False, berkadar_pengawasan=False, pemeriksaan_lapangan=False) -> dict:
    if not kewenangan:
        return {**VERIFIED_BY_LIAISON, "kewenangan_penghubung": False, "alasan_pengembalian": "Bukan bidang kami."}
    return {
        **VERIFIED_BY_LIAISON,
        "kewenangan_penghubung": True,
        "normatif": normatif,
        "berkadar_pengawasan": berkadar_pengawasan,
        "pemeriksaan_lapangan": pemeriksaan_lapangan,
    }
