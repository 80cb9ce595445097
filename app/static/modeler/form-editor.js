/* The forms of the diagram's user tasks, edited as JSON beside the diagram, with a
   preview rendered by the server exactly as the task page renders it. */
(function () {
  'use strict';
  const gate = window.DumasGate;
  const page = gate.page;
  const select = document.getElementById('form-key');
  const textarea = document.getElementById('form-json');
  const error = document.getElementById('form-json-error');
  const preview = document.getElementById('form-preview');
  let known = {};   // forms as deployed: this version's and every other process's newest
  let edited = {};  // forms changed here, sent with the next deployment
  let timer = null;
  let refreshTimer = null;

  fetch(page.dataset.formsUrl, { credentials: 'same-origin' })
    .then(function (response) { return response.json(); })
    .then(function (forms) { known = forms; refresh(); });

  function formKeys() {
    if (!window.dumasModeler) return {};
    const keys = {};
    window.dumasModeler.get('elementRegistry').forEach(function (element) {
      const bo = element.businessObject;
      if (bo && bo.formKey && !element.labelTarget) keys[bo.formKey] = bo.name || bo.id;
    });
    return keys;
  }

  function definition(key) {
    return edited[key] || known[key] || { key: key, title: { id: '', en: '' }, fields: [] };
  }

  function refresh() {
    const keys = formKeys();
    const current = select.value;
    select.replaceChildren();
    Object.keys(keys).sort().forEach(function (key) {
      const option = document.createElement('option');
      option.value = key;
      option.textContent = key + ' \u2014 ' + keys[key] + (known[key] || edited[key] ? '' : ' ' + gate.texts.new_form);
      select.appendChild(option);
    });
    if (!select.options.length) {
      textarea.value = '';
      preview.textContent = gate.texts.no_forms;
      return;
    }
    select.value = keys[current] ? current : select.options[0].value;
    // A diagram edit only renames the options; what is being typed is left alone.
    if (select.value !== current || !textarea.value) show(select.value);
  }

  function show(key) {
    textarea.value = JSON.stringify(definition(key), null, 2);
    error.textContent = '';
    renderPreview(definition(key));
  }

  async function renderPreview(form) {
    const response = await fetch(page.dataset.previewUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': page.dataset.csrf },
      body: JSON.stringify({ form: form }),
      credentials: 'same-origin'
    });
    preview.innerHTML = await response.text();  // our own server-rendered, escaped template
  }

  // A preview is never sent (and an inline onsubmit would break the Content-Security-Policy).
  preview.addEventListener('submit', function (event) { event.preventDefault(); });
  select.addEventListener('change', function () { show(select.value); });
  textarea.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      let form;
      try {
        form = JSON.parse(textarea.value);
      } catch (exc) {
        error.textContent = gate.texts.bad_json + ' ' + exc.message;
        return;
      }
      error.textContent = '';
      edited[select.value] = form;
      renderPreview(form);
    }, 400);
  });

  window.DumasForms = {
    edited: function () { return edited; },
    select: function (key) { if (select.querySelector('option[value="' + CSS.escape(key) + '"]')) { select.value = key; show(key); } },
    refresh: refresh,
    refreshSoon: function () { clearTimeout(refreshTimer); refreshTimer = setTimeout(refresh, 500); },
    deployed: function () { Object.assign(known, edited); edited = {}; }
  };
})();
