// Two versions side by side in bpmn-js's NavigatedViewer, with the server's diff as
// markers: removed and changed elements on the old diagram, added and changed on the new.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('diff-data').textContent);
  var sides = {
    old: { xml: data.old, kinds: ['removed', 'changed'] },
    new: { xml: data.new, kinds: ['added', 'changed'] }
  };

  function show(side) {
    var container = document.getElementById('diagram-' + side);
    var viewer = new window.BpmnJS({ container: container });
    return viewer.importXML(sides[side].xml).then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      canvas.zoom('fit-viewport');
      sides[side].kinds.forEach(function (kind) {
        data.markers[kind].forEach(function (id) {
          if (registry.get(id)) canvas.addMarker(id, 'diff-' + kind);
        });
      });
      container.setAttribute('data-ready', 'true');
    });
  }

  Promise.all([show('old'), show('new')]).catch(function (error) {
    document.getElementById('diagram-error').hidden = false;
    console.error(error);
  });
})();
