"""The working-day calendar reads Indonesia's days off from the `holidays` package by its
module file (app/engine/scripts.py, to keep the package's other countries out of every
worker): the days and their Indonesian names must be those the package's own entry
point gives."""
import holidays

from app.engine.scripts import CUTI_BERSAMA, NATIONAL, package_holidays


def test_package_holidays_are_the_packages_own_for_indonesia():
    for year in (2024, 2025, 2026, 2027):
        expected = {d: (CUTI_BERSAMA, name) for d, name in holidays.country_holidays(
            "ID", years=year, categories=(CUTI_BERSAMA,), language="id").items()}
        expected.update((d, (NATIONAL, name)) for d, name in holidays.country_holidays(
            "ID", years=year, categories=(NATIONAL,), language="id").items())
        assert package_holidays(year) == expected
        assert len(expected) > 10  # the year has its national holidays and cuti bersama
