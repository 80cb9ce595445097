"""Without bpmnlint the deploy gate refuses every save: the app says so at start (in the
log) and to process owners on the model pages, before they lose an edit to it."""
import logging

import flask_babel

from app import create_app
from app.extensions import db
from tests.helpers import modeler_helpers
from tests.helpers.modeler_helpers import SOP_000, deploy_bpmn, messages

sop_000_fixture, owner_fixture = modeler_helpers.sop_000_fixture, modeler_helpers.owner_fixture


def test_start_logs_that_bpmnlint_is_missing(app, tmp_path, caplog, monkeypatch):
    # Alembic's fileConfig (run by the session's migrations) disables loggers that exist
    # then; a production start (gunicorn, celery) does not run it.
    monkeypatch.setattr(logging.getLogger("app.services.modelling.bpmnlint"), "disabled", False)
    missing = tmp_path / "tidak-ada" / "bpmnlint"
    config = {"TESTING": True, "SECRET_KEY": "test-only", "DUMAS_TIMERS": "off",
              "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    with caplog.at_level(logging.WARNING, logger="app.services.modelling.bpmnlint"):
        other = create_app({**config, "DUMAS_BPMNLINT": str(missing)})
    with other.app_context():
        db.engine.dispose()
    [line] = [r.getMessage() for r in caplog.records if r.name == "app.services.modelling.bpmnlint"]
    assert f"bpmnlint unavailable (bpmnlint program not found at {missing})" in line
    assert "refuses every deployment" in line

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app.services.modelling.bpmnlint"):
        create_app(config)  # the project's own node_modules/.bin/bpmnlint and .bpmnlintrc
    assert not [r for r in caplog.records if r.name == "app.services.modelling.bpmnlint"]


def test_the_model_pages_warn_the_process_owner_and_the_gate_refuses(app, client, owner, tmp_path):
    for url in ("/admin/model", "/admin/model/proses/sop_000/ubah"):
        assert "bpmnlint) tidak terpasang" not in client.get(url).text

    missing = tmp_path / "bpmnlint"
    app.config["DUMAS_BPMNLINT"] = str(missing)
    for url in ("/admin/model", "/admin/model/proses/sop_000/ubah"):
        page = client.get(url).text
        assert "Pemeriksa diagram (bpmnlint) tidak terpasang di server ini: program bpmnlint tidak ada di " \
               f"{missing}. Setiap penerapan dari editor akan ditolak" in page, url

    flask_babel.refresh()  # the test's app context caches the locale; a real request has its own
    english = client.get("/admin/model?lang=en").text
    assert f"The diagram checker (bpmnlint) is not installed on this server: bpmnlint program not found at {missing}" \
        in english
    client.get("/admin/model?lang=id")
    flask_babel.refresh()

    refused = deploy_bpmn(client, SOP_000.replace("3. Menelaah", "3. Telaah"))
    assert refused.status_code == 422
    assert any("bpmnlint" in m and str(missing) in m for m in messages(refused))
