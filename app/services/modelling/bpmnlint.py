"""Running the project's bpmnlint (node_modules/.bin/bpmnlint with the repository's
.bpmnlintrc) on a diagram, and saying what its rules mean in a process owner's words."""
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.config import PROJECT_ROOT

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 30
# "  element_id  error  Message text  rule-name" (columns separated by two or more spaces).
_LINE = re.compile(r"^\s+(?P<element>\S+)\s{2,}(?P<level>error|warning)\s{2,}(?P<message>.+?)\s{2,}(?P<rule>[\w/-]+)\s*$")

# The recommended rules, in plain words. A rule not named here is shown with its own text.
RULE_WORDS = {
    "end-event-required": _l("proses belum punya peristiwa akhir (lingkaran tebal)."),
    "start-event-required": _l("proses belum punya peristiwa mulai."),
    "no-disconnected": _l("elemen ini tidak tersambung ke alur mana pun."),
    "no-implicit-start": _l("elemen ini tidak punya alur masuk; setiap langkah harus dicapai dari peristiwa mulai."),
    "no-implicit-end": _l("elemen ini tidak punya alur keluar; akhiri jalurnya dengan peristiwa akhir."),
    "no-bpmndi": _l("elemen ini ada di berkas tetapi tidak tergambar di diagram."),
    "label-required": _l("elemen ini belum diberi nama."),
    "conditional-flows": _l("alur keluar dari percabangan ini belum punya syarat; beri syarat atau jadikan alur bawaan."),
    "fake-join": _l("tugas ini punya lebih dari satu alur masuk; gabungkan dulu dengan gateway."),
    "no-complex-gateway": _l("gateway kompleks tidak didukung."),
    "no-inclusive-gateway": _l("gateway inklusif tidak didukung; gunakan gateway eksklusif atau paralel."),
    "no-duplicate-sequence-flows": _l("ada dua alur yang sama antara elemen yang sama."),
    "no-gateway-join-fork": _l("gateway ini sekaligus menggabung dan memecah alur; pisahkan menjadi dua gateway."),
    "no-implicit-split": _l("alur dipecah tanpa gateway; gunakan gateway untuk percabangan."),
    "no-overlapping-elements": _l("elemen ini menumpuk di atas elemen lain di gambar."),
    "single-blank-start-event": _l("hanya boleh ada satu peristiwa mulai tanpa jenis."),
    "single-event-definition": _l("peristiwa ini punya lebih dari satu jenis (mis. timer dan pesan sekaligus)."),
    "superfluous-gateway": _l("gateway ini tidak diperlukan (hanya satu alur masuk dan satu keluar)."),
    "superfluous-termination": _l("peristiwa akhir penghentian ini tidak diperlukan; gunakan peristiwa akhir biasa."),
    "event-based-gateway": _l("gateway berbasis peristiwa harus diikuti peristiwa tangkap (timer atau pesan)."),
    "sub-process-blank-start-event": _l("subproses harus dimulai dengan peristiwa mulai tanpa jenis."),
    "link-event": _l("peristiwa tautan (link) tidak berpasangan."),
}


@dataclass(frozen=True)
class LintFinding:
    element_id: str
    rule: str
    level: str  # "error" or "warning"
    message: str  # bpmnlint's own English text


class LintUnavailable(Exception):
    """bpmnlint could not be run (not installed, timed out, or output not understood)."""


def plain_words(finding: LintFinding):
    return RULE_WORDS.get(finding.rule) or _l("aturan %(rule)s: %(message)s", rule=finding.rule, message=finding.message)


def _executable() -> Path:
    configured = current_app.config.get("DUMAS_BPMNLINT")
    return Path(configured) if configured else Path(current_app.config["DUMAS_NODE_MODULES"]) / ".bin" / "bpmnlint"


def _needs_node(executable: Path) -> bool:
    """npm installs bpmnlint as a script run by `#!/usr/bin/env node`."""
    try:
        with executable.open("rb") as script:
            return b"node" in script.readline()
    except OSError:
        return False


def missing_reason():
    """Why the gate cannot run bpmnlint here (so it refuses every deployment), or None.
    Checked without starting node: this runs at every start and on the model pages."""
    executable, config = _executable(), PROJECT_ROOT / ".bpmnlintrc"
    if not executable.is_file():
        return _l("program bpmnlint tidak ada di %(path)s", path=str(executable))
    if not os.access(executable, os.X_OK):
        return _l("program bpmnlint di %(path)s tidak dapat dijalankan", path=str(executable))
    if _needs_node(executable) and shutil.which("node") is None:
        return _l("bpmnlint memerlukan Node.js, tetapi program node tidak ditemukan")
    if not config.is_file():
        return _l("berkas aturan %(path)s tidak ada", path=str(config))
    return None


def warn_if_missing() -> None:
    """Says in the log, once at start, that deployments from the editor will be refused."""
    reason = missing_reason()
    if reason is not None:
        with force_locale("en"):
            log.warning("bpmnlint unavailable (%s): the process editor refuses every deployment until it is "
                        "installed (npm ci; see Dockerfile)", str(reason))


def lint_bpmn(bpmn_xml: str) -> list[LintFinding]:
    """bpmnlint's findings for a diagram (already checked to be plain, safe XML)."""
    reason = missing_reason()
    if reason is not None:
        raise LintUnavailable(str(reason))
    executable, config = _executable(), PROJECT_ROOT / ".bpmnlintrc"
    with tempfile.TemporaryDirectory(prefix="dumas-lint-") as directory:
        path = Path(directory) / "diagram.bpmn"
        path.write_text(bpmn_xml, encoding="utf-8")
        try:
            result = subprocess.run(
                [str(executable), "--config", str(config), str(path)],
                capture_output=True, text=True, timeout=TIMEOUT_SECONDS, cwd=directory,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise LintUnavailable(str(exc)) from exc
    findings = []
    for line in result.stdout.splitlines():
        match = _LINE.match(line)
        if match:
            findings.append(LintFinding(match["element"], match["rule"], match["level"], match["message"]))
    if result.returncode != 0 and not any(f.level == "error" for f in findings):
        # It failed without saying which rule: a crash, not a finding.
        raise LintUnavailable((result.stderr or result.stdout).strip()[:300])
    return findings
