"""``--cpu-audit`` names the tests outside ``slow`` over the budget, and only those."""

from __future__ import annotations

import pytest

# In-process: the snapshot plugin's files are this session's (its finish would remove them).
ALONE = (
    *("-p", "no:textual-snapshot", "-p", "no:syrupy", "-p", "no:asyncio"),
    *("-o", "markers=slow: slow", "-p", "cpu_audit"),
)

SUITE = """
import time

import pytest


def burn(seconds: float) -> None:
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


def test_heavy() -> None:
    burn(0.02)


def test_light() -> None:
    pass


@pytest.mark.slow
def test_heavy_but_slow() -> None:
    burn(0.02)


@pytest.fixture
def heavy_setup() -> None:
    burn(0.02)


def test_heavy_in_its_fixture(heavy_setup: None) -> None:
    pass
"""


def test_the_audit_lists_quick_tests_over_the_budget(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest_inprocess(*ALONE, "--cpu-audit", "--cpu-budget", "0.012")
    result.assert_outcomes(passed=4)
    out = result.stdout.str()
    assert "CPU audit (budget 0.012 s a test outside slow)" in out
    listed = [line for line in out.splitlines() if " s  test_suite.py::" in line]
    assert [line.split("::")[1] for line in listed] in (
        ["test_heavy", "test_heavy_in_its_fixture"],
        ["test_heavy_in_its_fixture", "test_heavy"],
    )
    assert "outside slow: " in out and "; slow: " in out  # the totals, for the record


def test_without_the_flag_nothing_is_measured(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest_inprocess(*ALONE)
    result.assert_outcomes(passed=4)
    assert "CPU audit" not in result.stdout.str()
