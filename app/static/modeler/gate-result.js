/* Shared by the BPMN and DMN editors: texts, posting to the gate, and showing what it said. */
(function () {
  'use strict';
  const page = document.getElementById('modeler-page');
  const texts = JSON.parse(document.getElementById('modeler-texts').textContent);

  function listOf(items, onElement) {
    const list = document.createElement('ul');
    items.forEach(function (item) {
      const li = document.createElement('li');
      if (item.element_id && onElement) {
        const link = document.createElement('a');
        link.textContent = item.message;
        link.dataset.element = item.element_id;
        link.addEventListener('click', function (event) { event.preventDefault(); onElement(item.element_id); });
        li.appendChild(link);
      } else {
        li.textContent = item.message;
      }
      list.appendChild(li);
    });
    return list;
  }

  function show(result, onElement, onCreateRoles) {
    const box = document.getElementById('gate-result');
    box.replaceChildren();
    box.className = 'gate-result ' + (result.ok ? 'ok' : 'refused');
    const head = document.createElement('p');
    head.textContent = result.message || texts.failed;
    box.appendChild(head);
    if (result.problems && result.problems.length) box.appendChild(listOf(result.problems, onElement));
    if (result.missing_roles && result.missing_roles.length) {
      const roles = document.createElement('p');
      roles.className = 'missing-roles';
      roles.textContent = texts.missing_roles.replace('{roles}', result.missing_roles.join(', ')) + ' ';
      if (onCreateRoles) {
        const button = document.createElement('button');
        button.type = 'button';
        button.id = 'create-roles-and-deploy';
        button.textContent = texts.create_roles;
        button.addEventListener('click', onCreateRoles);
        roles.appendChild(button);
      }
      box.appendChild(roles);
    }
    if (result.warnings && result.warnings.length) {
      const note = document.createElement('p');
      note.textContent = texts.warnings;
      box.appendChild(note);
      box.appendChild(listOf(result.warnings, onElement));
    }
  }

  function busy(text) {
    const box = document.getElementById('gate-result');
    box.className = 'gate-result busy';
    box.textContent = text;
  }

  async function post(url, body) {
    busy(texts.saving);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': page.dataset.csrf, 'Accept': 'application/json' },
        body: JSON.stringify(body),
        credentials: 'same-origin'
      });
      const type = response.headers.get('Content-Type') || '';
      return type.includes('json') ? await response.json() : { ok: false, message: texts.failed + ' (' + response.status + ')' };
    } catch (error) {
      return { ok: false, message: texts.failed + ' ' + error };
    }
  }

  function download(text, filename) {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'application/xml' }));
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  /* The file handling both editors share: open the version's XML from the page's URL,
     download what is on screen, and open a file saved by the desktop Camunda Modeler.
     `open(xml)` imports into the editor; `saveXML()` returns the editor's XML. */
  function wireFiles(open, saveXML) {
    fetch(page.dataset.xmlUrl, { credentials: 'same-origin' })
      .then(function (response) { return response.text(); })
      .then(open)
      .catch(function (error) { show({ ok: false, message: texts.open_failed + ' ' + error.message }); });

    document.getElementById('download').addEventListener('click', async function () {
      download(await saveXML(), page.dataset.filename);
    });

    document.getElementById('open-file').addEventListener('change', async function (event) {
      const file = event.target.files[0];
      if (!file) return;
      try {
        await open(await file.text());
        show({ ok: true, message: texts.opened });
      } catch (error) {
        show({ ok: false, message: texts.open_failed + ' ' + error.message });
      }
      event.target.value = '';
    });
  }

  window.DumasGate = { texts: texts, page: page, show: show, busy: busy, post: post, download: download,
                       wireFiles: wireFiles };
})();
