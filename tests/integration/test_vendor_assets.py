"""The editors' libraries come from the project's own node_modules, not a CDN."""


def test_the_modeler_bundle_is_served_locally(client):
    response = client.get("/vendor/camunda-bpmn-js/camunda-platform-modeler.production.min.js")
    assert response.status_code == 200 and b"BpmnModeler" in response.data[:1000]
    assert client.get("/vendor/dmn-js/dmn-modeler.production.min.js").status_code == 200
    assert client.get("/vendor/camunda-bpmn-js/assets/camunda-platform-modeler.css").status_code == 200


def test_nothing_else_under_node_modules_is_served(client):
    assert client.get("/vendor/bpmnlint/package.json").status_code == 404
    assert client.get("/vendor/bpmn-js/../package.json").status_code == 404
    assert client.get("/vendor/bpmn-js/%2e%2e/package.json").status_code == 404
