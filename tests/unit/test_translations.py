"""Every user-visible string marked for translation has an English translation."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_the_english_catalogue_covers_every_marked_string(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(template), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with template.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with (ROOT / "app/translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        translated = {m.id for m in read_po(f) if m.id and m.string and not m.fuzzy}
    assert sorted(wanted - translated) == []
