"""Timer expressions tried before deployment, as the engine will evaluate them."""
import pytest

from app.engine.scripts import DEFAULT_CALENDAR
from app.engine.timer_check import check_timer_expression


def check(expression, kind="timeDate", variables=()):
    fault = check_timer_expression(timer_kind=kind, expression=expression, calendar=DEFAULT_CALENDAR,
                                   variables=set(variables))
    return (fault.kind, fault.detail) if fault else None


@pytest.mark.parametrize("expression, kind", [
    ("tambah_hari_kerja(3)", "timeDate"), ("tambah_jam(1/3)", "timeDate"), ('"P14D"', "timeDuration"),
    ('"R3/P2D"', "timeCycle"), ("tambah_hari(max(1, 2))", "timeDate"),
])
def test_valid_expressions_pass(expression, kind):
    assert check(expression, kind) is None


def test_an_expression_on_process_data_is_checked_for_names_only():
    assert check("batas_pengawasan", variables={"batas_pengawasan"}) is None
    assert check('jangka[kelas]["tenggat"]', variables={"jangka", "kelas"}) is None


def test_faults_say_what_is_wrong():
    assert check("tambah_hari_kerja(3") == ("syntax", "'(' was never closed")
    assert check("tambah_hari_kerjaa(3)") == ("unknown_name", "tambah_hari_kerjaa")
    assert check('"besok"') == ("bad_value", "'besok'")
    assert check("5") == ("not_text", "5")
    assert check('"P14X"', "timeDuration") == ("bad_value", "'P14X'")
    assert check('tambah_hari_kerja("lima")')[0] == "failed"


def test_nothing_outside_the_calendar_functions_runs_at_deploy_time():
    assert check("__import__('os').getcwd()") == ("unknown_name", "__import__")
    assert check("open('/etc/passwd').read()") == ("unknown_name", "open")
    assert check("tambah_hari.__globals__") == ("unknown_name", "__globals__")
