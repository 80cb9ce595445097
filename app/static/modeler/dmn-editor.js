/* The decision table editor: dmn-js on the table as deployed; "Terapkan" deploys a new
   version of every process that uses it, through the gate. */
(function () {
  'use strict';
  const gate = window.DumasGate;
  const page = gate.page;
  const editor = new window.DmnJS({
    container: '#canvas',
    common: {
      keyboard: { bindTo: window },
      additionalModules: page.dataset.lang === 'id' ? [window.DumasTranslateModule] : []
    }
  });
  window.dumasDmn = editor;  // for the console and the browser tests

  async function open(xml) {
    await editor.importXML(xml);
    // A file with one decision opens on its table, not on the requirements diagram.
    const table = editor.getViews().find(function (view) { return view.type === 'decisionTable'; });
    if (table) await editor.open(table);
    page.dataset.loaded = 'true';
  }

  fetch(page.dataset.xmlUrl, { credentials: 'same-origin' })
    .then(function (response) { return response.text(); })
    .then(open)
    .catch(function (error) { gate.show({ ok: false, message: gate.texts.open_failed + ' ' + error.message }); });

  document.getElementById('deploy').addEventListener('click', async function () {
    const saved = await editor.saveXML({ format: true });
    gate.show(await gate.post(page.dataset.deployUrl, { dmn_xml: saved.xml }));
  });

  document.getElementById('download').addEventListener('click', async function () {
    const saved = await editor.saveXML({ format: true });
    gate.download(saved.xml, page.dataset.filename);
  });

  document.getElementById('open-file').addEventListener('change', async function (event) {
    const file = event.target.files[0];
    if (!file) return;
    try {
      await open(await file.text());
      gate.show({ ok: true, message: gate.texts.opened });
    } catch (error) {
      gate.show({ ok: false, message: gate.texts.open_failed + ' ' + error.message });
    }
    event.target.value = '';
  });
})();
