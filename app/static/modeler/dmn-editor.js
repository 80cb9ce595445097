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

  gate.wireFiles(open, async function () { return (await editor.saveXML({ format: true })).xml; });

  document.getElementById('deploy').addEventListener('click', async function () {
    const saved = await editor.saveXML({ format: true });
    gate.show(await gate.post(page.dataset.deployUrl, { dmn_xml: saved.xml }));
  });
})();
