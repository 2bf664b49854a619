"""``--cpu-audit``: which tests outside ``slow`` are over the inner loop's CPU budget.

The ``slow`` rule (CONTRIBUTING.md, ``tests/test_markers.py``) keeps out of the inner
loop any test over about :data:`BUDGET` seconds of CPU. Nobody can keep that by eye,
so a run with ``--cpu-audit`` measures every test's CPU (its own process's and its
children's, from ``getrusage``; setup and teardown included) and ends with two lists:

- tests *not* marked ``slow`` that used more than the budget (candidates for the
  mark, or better, for being made cheaper);
- the ``slow`` tests' total, for the record.

It prints figures and never fails a test: CPU moves with the machine, so a timed
assertion would be flaky (the benchmarks under ``benchmarks/`` prove speed). It works
with xdist: each worker hands its figures to the controller in the test report.
"""

from __future__ import annotations

import resource
from collections.abc import Generator

import pluggy
import pytest

BUDGET = 0.2
"""Seconds of CPU over which a test belongs behind ``slow`` (the 2-core machine)."""

over_budget = pytest.mark.slow
"""``slow`` for a test that is not slow by nature but over the inner loop's CPU budget
(:data:`BUDGET`, found with ``--cpu-audit``): the same mark, named for its reason."""

PROPERTY = "cpu_seconds"
"""The ``user_properties`` key a worker reports a test's CPU under."""

_STARTS: dict[str, float] = {}
"""CPU used by this process (and its children) as each running test started."""
_FIGURES: list[tuple[str, float, bool]] = []
"""Each test's node id, CPU and whether it is marked slow (on the controller)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--cpu-audit`` (and the budget it checks against)."""
    parser.addoption(
        "--cpu-audit",
        action="store_true",
        help="measure each test's CPU; list the tests not marked slow over the budget",
    )
    parser.addoption(
        "--cpu-budget",
        type=float,
        default=BUDGET,
        metavar="SECONDS",
        help=f"the budget --cpu-audit checks against (default {BUDGET})",
    )


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    """Note the CPU used so far as one test's protocol (setup, call, teardown) starts."""
    if item.config.getoption("--cpu-audit"):
        _STARTS[item.nodeid] = _cpu_seconds()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pluggy.Result[pytest.TestReport], None]:
    """Put the test's CPU, and whether it is marked slow, in its teardown's report."""
    outcome = yield
    start = _STARTS.get(item.nodeid)
    report = outcome.get_result()
    if start is None or report.when != "teardown":
        return
    del _STARTS[item.nodeid]
    slow = item.get_closest_marker("slow") is not None
    # a new list: the setup and call reports share the item's
    report.user_properties = [*report.user_properties, (PROPERTY, (_cpu_seconds() - start, slow))]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep each test's figure (on the controller, from every worker)."""
    if report.when != "teardown":
        return
    for key, value in report.user_properties:
        if key == PROPERTY and isinstance(value, (tuple, list)):
            cpu, slow = value
            _FIGURES.append((report.nodeid, float(cpu), bool(slow)))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the tests over the budget that are not marked slow, and the totals."""
    config = terminalreporter.config
    if not config.getoption("--cpu-audit") or not _FIGURES:
        return
    budget = config.getoption("--cpu-budget")
    write = terminalreporter.write_line
    over = sorted(
        ((cpu, nodeid) for nodeid, cpu, slow in _FIGURES if not slow and cpu > budget),
        reverse=True,
    )
    quick = sum(cpu for _, cpu, slow in _FIGURES if not slow)
    slow_total = sum(cpu for _, cpu, slow in _FIGURES if slow)
    terminalreporter.section(f"CPU audit (budget {budget} s a test outside slow)")
    write(f"outside slow: {quick:.1f} s of CPU in tests; slow: {slow_total:.1f} s")
    if not over:
        write("no test outside slow is over the budget")
    for cpu, nodeid in over:
        write(f"{cpu:6.2f} s  {nodeid}")
