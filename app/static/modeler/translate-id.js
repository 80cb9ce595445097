/* Bahasa Indonesia for the editors' most visible labels (bpmn-js, its properties panel,
   dmn-js), through their `translate` service. "Form key" and "Decision reference" stay
   as the desktop Camunda Modeler and the deploy gate's messages name them. */
(function () {
  'use strict';
  const WORDS = {
    'General': 'Umum', 'Name': 'Nama', 'ID': 'ID', 'Documentation': 'Dokumentasi',
    'Element documentation': 'Dokumentasi elemen', 'Process documentation': 'Dokumentasi proses',
    'Timer': 'Timer', 'Type': 'Jenis', 'Value': 'Nilai', 'Date': 'Tanggal', 'Duration': 'Durasi', 'Cycle': 'Siklus',
    'Forms': 'Formulir', 'Extension properties': 'Properti tambahan', 'Inputs': 'Masukan', 'Outputs': 'Keluaran',
    'User assignment': 'Penugasan', 'Implementation': 'Implementasi', 'Result variable': 'Variabel hasil',
    'Script': 'Skrip', 'Condition': 'Syarat', 'Delete': 'Hapus', 'Create': 'Buat', 'Add': 'Tambah',
    'Append element': 'Tambahkan elemen', 'Change element': 'Ganti elemen', 'Change type': 'Ganti jenis',
    'Add text annotation': 'Tambah catatan', 'Set color': 'Atur warna', 'Connect to other element': 'Sambungkan ke elemen lain',
    'Activate hand tool': 'Alat geser', 'Activate lasso tool': 'Alat pilih area',
    'Activate create/remove space tool': 'Alat tambah/kurangi ruang', 'Activate global connect tool': 'Alat sambung',
    'Create start event': 'Buat peristiwa mulai', 'Create intermediate/boundary event': 'Buat peristiwa antara/batas',
    'Create end event': 'Buat peristiwa akhir', 'Create gateway': 'Buat gateway', 'Create task': 'Buat tugas',
    'Create expanded sub-process': 'Buat subproses', 'Create data object reference': 'Buat objek data',
    'Create data store reference': 'Buat penyimpanan data', 'Create pool/participant': 'Buat pool/peserta',
    'Create group': 'Buat grup', 'Append task': 'Tambahkan tugas', 'Append end event': 'Tambahkan peristiwa akhir',
    'Append gateway': 'Tambahkan gateway', 'Append intermediate/boundary event': 'Tambahkan peristiwa antara',
    'Open minimap': 'Buka peta mini', 'Close minimap': 'Tutup peta mini',
    'Hit policy': 'Kebijakan hasil', 'When': 'Jika', 'And': 'Dan', 'Then': 'Maka', 'Annotations': 'Keterangan',
    'View DRD': 'Lihat DRD', 'Add rule': 'Tambah aturan'
  };

  function translate(template, replacements) {
    replacements = replacements || {};
    return (WORDS[template] || template).replace(/{([^}]+)}/g, function (match, key) {
      return replacements[key] !== undefined ? replacements[key] : match;
    });
  }

  window.DumasTranslateModule = { translate: ['value', translate] };
})();
