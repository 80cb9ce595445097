"""The gate refuses scripts, conditions, timers and decision entries that reach past the
case's data (the operating system, Python's internals, unbounded sizes), naming the
element and the construct; nothing is deployed. (Run-time refusals: tests/unit/test_sandbox.py.)"""
import flask_babel
import pytest

from tests.helpers import modeler_helpers
from tests.helpers.modeler_helpers import RUTE_000, SOP_000, deploy_bpmn, messages, version_numbers

# Fixtures live in modeler_helpers; pytest finds them by the names they are bound to here.
sop_000_fixture, owner_fixture = modeler_helpers.sop_000_fixture, modeler_helpers.owner_fixture

# The script starts with a comment line: what is put before it is on line 2.
SCRIPT = "batas_pengawasan = tambah_hari_sop(90)"
SCRIPT_TASK = "Skrip \u201cBatas 90 hari mulai dihitung\u201d (tugas_mulai_batas_pengawasan) ditolak"

# (a line put before the script of step 4, what the message must name)
ESCAPES = [
    ("x = __import__('os').popen('id').read()", "nama \u201c__import__\u201d diawali garis bawah"),
    ("x = ().__class__.__bases__[0].__subclasses__()", "\u201c.__class__\u201d tidak boleh dipakai"),
    ("x = getattr(batas_pengawasan, '__globals__')", "fungsi \u201cgetattr\u201d tidak tersedia"),
    ("x = '{0.__class__}'.format(1)", "\u201c.format\u201d tidak boleh dipakai"),
    ("x = '{a.__class__}'.format_map({'a': 1})", "\u201c.format_map\u201d tidak boleh dipakai"),
    ("x = f'{tambah_hari.__globals__}'", "\u201c.__globals__\u201d tidak boleh dipakai"),
    ("x = 9**9**9", "hasil \u201c9 ** 9 ** 9 (bilangan lebih dari 4096 bit)\u201d terlalu besar"),
    ("x = 'a' * 10**10", "terlalu besar"),
    ("while True:\n    pass", "\u201cwhile\u201d tidak boleh dipakai"),
    ("x = (lambda: 1)()", "\u201clambda\u201d tidak boleh dipakai"),
    ("x = [g.gi_frame for g in [(y for y in [1])]]", "\u201c.gi_frame\u201d tidak boleh dipakai"),
    ("x = open('/etc/passwd').read()", "fungsi \u201copen\u201d tidak tersedia"),
    ("import os", "\u201cimport\u201d tidak boleh dipakai"),
    ("x = eval('1')", "fungsi \u201ceval\u201d tidak tersedia"),
]


@pytest.mark.parametrize(("line", "named"), ESCAPES, ids=[e[0][:30] for e in ESCAPES])
def test_a_script_reaching_the_server_is_refused(client, owner, line, named):
    assert SCRIPT in SOP_000
    response = deploy_bpmn(client, SOP_000.replace(SCRIPT, f"{line}\n{SCRIPT}"))
    assert response.status_code == 422
    found = messages(response)
    assert any(m.startswith(SCRIPT_TASK) and named in m and "(baris 2)" in m for m in found), found
    assert version_numbers() == [1]


def test_conditions_and_timers_are_checked_too(client, owner):
    edited = (SOP_000
              .replace(">lengkap == True<", ">lengkap == True and ().__class__ is not None<")
              .replace(">tambah_hari_kerja(14)<", ">__import__('os').system('id') or tambah_hari_kerja(14)<", 1))
    response = deploy_bpmn(client, edited)
    assert response.status_code == 422
    found = messages(response)
    assert any(m.startswith("Kondisi \u201cLengkap\u201d (alur_lengkap) ditolak") and ".__class__" in m
               for m in found), found
    assert any(m.startswith("Timer ") and "__import__" in m and "garis bawah" in m for m in found), found
    assert version_numbers() == [1]


def test_a_decision_entry_reaching_the_server_is_refused(client, owner):
    rule = '<outputEntry id="aturan_8_rute">\n          <text>"unit_kerja"</text>'
    assert rule in RUTE_000
    changed = RUTE_000.replace(rule, rule.replace('"unit_kerja"', "__import__('os').popen('id').read()"))
    response = client.post("/admin/model/keputusan/rute_000/terapkan", json={"dmn_xml": changed})
    assert response.status_code == 422
    found = messages(response)
    assert any("rute_000.dmn" in m and "aturan_8" in m and "__import__" in m for m in found), found
    assert version_numbers() == [1]


def test_the_refusal_reads_in_english_too(client, owner):
    # The test's requests share one app context, where Flask-Babel caches the locale.
    flask_babel.refresh()
    try:
        response = client.post("/admin/model/proses/sop_000/terapkan?lang=en",
                               json={"bpmn_xml": SOP_000.replace(SCRIPT, f"import os\n{SCRIPT}")},
                               headers={"Accept-Language": "en"})
    finally:
        flask_babel.refresh()
    found = messages(response)
    assert any(m.startswith("Script \u201cBatas 90 hari mulai dihitung\u201d") and
               "\u201cimport\u201d may not be used in models (line 2)" in m for m in found), found
