"""The modules of app/ import one another in one direction only: no cycle, also none held
open by an import inside a function (scripts/import_cycles.py lists them)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_of_app_is_part_of_an_import_cycle():
    listed = subprocess.run([sys.executable, str(ROOT / "scripts" / "import_cycles.py")],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert listed.stdout.strip() == "0 cycle(s)"
