"""The review that asks the complainant for missing data (SOP 000), and what it asks."""


MISSING = "Mohon kirim fotokopi KTP dan bukti pengajuan pencairan dana desa."


REVIEW = {
    "jenis": "pengaduan", "catatan_verifikasi": "Catatan telaah rahasia admin", "sifat_pengaduan": "indikasi_pelanggaran",
    "subjek_pengaduan": "Pemerintah desa", "objek_pengaduan": "Dana desa", "anonim": False, "rahasia": False,
    "lengkap": False, "kewenangan": True, "penyalahgunaan_aparatur": False, "lintas_instansi": False,
}
