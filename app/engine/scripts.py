"""Functions the models may call from expressions, conditions and timer definitions.

SpiffWorkflow does not serialise its script engine, so the engine attaches this
environment again to every workflow it loads. Models are trusted code: only process
owners deploy them.
"""
from datetime import datetime, timedelta, timezone


def tambah_hari(jumlah: int) -> str:
    """Now plus `jumlah` calendar days, as an aware ISO timestamp for a timeDate timer."""
    return (datetime.now(timezone.utc) + timedelta(days=jumlah)).isoformat()


def script_functions() -> dict:
    """The names a model can use. A task-data key with one of these names would shadow
    it and break every script, so forms must not use them."""
    return {"tambah_hari": tambah_hari}
