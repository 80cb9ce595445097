/* The BPMN editor: camunda-bpmn-js (Camunda 7 properties panel) on the process's version;
   "Terapkan" sends the diagram and the edited forms to the deploy gate. */
(function () {
  'use strict';
  const gate = window.DumasGate;
  const page = gate.page;
  const modeler = new window.BpmnModeler({
    container: '#canvas',
    propertiesPanel: { parent: '#properties' },
    keyboard: { bindTo: document },
    additionalModules: page.dataset.lang === 'id' ? [window.DumasTranslateModule] : []
  });
  window.dumasModeler = modeler;  // for the console and the browser tests

  function selectElement(id) {
    const element = modeler.get('elementRegistry').get(id);
    if (!element) return;
    modeler.get('selection').select(element);
    modeler.get('canvas').scrollToElement(element);
  }

  async function open(xml) {
    const result = await modeler.importXML(xml);
    modeler.get('canvas').zoom('fit-viewport');
    if (window.DumasForms) window.DumasForms.refresh();
    page.dataset.loaded = 'true';
    return result;
  }

  gate.wireFiles(open, async function () { return (await modeler.saveXML({ format: true })).xml; });

  const createRoles = document.getElementById('create-roles');

  async function deploy() {
    const saved = await modeler.saveXML({ format: true });
    const result = await gate.post(page.dataset.deployUrl, {
      bpmn_xml: saved.xml,
      forms: window.DumasForms ? window.DumasForms.edited() : {},
      create_missing_roles: createRoles.checked,
      expected_newest: Number(page.dataset.newest)
    });
    if (result.ok) page.dataset.newest = String(result.version);  // the next save builds on this one
    gate.show(result, selectElement, function () { createRoles.checked = true; deploy(); });
    if (result.ok && window.DumasForms) window.DumasForms.deployed();
  }

  document.getElementById('deploy').addEventListener('click', deploy);

  modeler.on('selection.changed', function (event) {
    const element = event.newSelection[0];
    const formKey = element && element.businessObject && element.businessObject.formKey;
    if (formKey && window.DumasForms) window.DumasForms.select(formKey);
  });
  modeler.on('elements.changed', function () { if (window.DumasForms) window.DumasForms.refreshSoon(); });
})();
