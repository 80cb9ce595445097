"""The audit seal key lives in the configuration, never in the database: set by
DUMAS_AUDIT_SEAL_KEY, or generated once into the instance folder like the secret key."""
from app.config import load_config


def test_the_seal_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DUMAS_AUDIT_SEAL_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = load_config(tmp_path)
    key_file = tmp_path / "audit_seal_key"
    assert key_file.read_text() == config["DUMAS_AUDIT_SEAL_KEY"] and len(config["DUMAS_AUDIT_SEAL_KEY"]) == 64
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert config["DUMAS_AUDIT_SEAL_KEY"] != config["SECRET_KEY"]
    assert load_config(tmp_path)["DUMAS_AUDIT_SEAL_KEY"] == config["DUMAS_AUDIT_SEAL_KEY"]  # kept, not renewed
    assert config["DUMAS_AUDIT_SEAL_LOG"] == str(tmp_path / "audit_seals.jsonl")


def test_the_seal_key_and_log_can_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DUMAS_AUDIT_SEAL_KEY", "kunci-dari-lingkungan")
    monkeypatch.setenv("DUMAS_AUDIT_SEAL_LOG", "/var/lib/dumas/seals/audit_seals.jsonl")
    config = load_config(tmp_path)
    assert config["DUMAS_AUDIT_SEAL_KEY"] == "kunci-dari-lingkungan"
    assert config["DUMAS_AUDIT_SEAL_LOG"] == "/var/lib/dumas/seals/audit_seals.jsonl"
    assert not (tmp_path / "audit_seal_key").exists()
