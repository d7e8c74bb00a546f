"""Fuzzing within the suite: mutated grammars, data in every format and damaged archives,
each run as a command in a child process with a CPU, memory and wall-clock budget. Every
case must end as a clean error or success: no traceback, no signal, no hang, nothing over
budget, no temporary file left behind. Bounded (small inputs, a few dozen cases per
category); `make fuzz` runs the long version, with the categories still open."""

from __future__ import annotations

import random
from pathlib import Path

import fuzzing
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# the wall clock is generous: on a busy machine a case waits for the CPU
BUDGET = fuzzing.Budget(cpu_seconds=5, memory_bytes=1 << 30, wall_seconds=60)
REGRESSIONS = Path(__file__).parent / "fuzz_cases" / "regressions"


def assert_clean(case: fuzzing.Case) -> None:
    outcome = fuzzing.run(case, BUDGET)
    assert outcome.clean, (
        f"{case.category} case {' '.join(case.argv)!r} ({case.size()} bytes): {outcome.kind}, "
        f"status {outcome.status}, signal {outcome.signal}\n{outcome.detail}"
    )


@pytest.mark.parametrize("category", sorted(fuzzing.CATEGORIES))
def test_mutated_inputs_fail_cleanly(category):
    make = fuzzing.CATEGORIES[category]

    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.randoms(use_true_random=False))
    def check(rng: random.Random) -> None:
        assert_clean(make(rng, small=True))

    check()


@pytest.mark.parametrize(
    "folder", sorted(REGRESSIONS.iterdir()) if REGRESSIONS.is_dir() else [], ids=lambda p: p.name
)
def test_cases_found_by_fuzzing_stay_fixed(folder):
    assert_clean(fuzzing.Case.load(folder))


def test_the_classifier_tells_outcomes_apart(tmp_path):
    """The budget and the classification themselves: a traceback, a hang, a CPU-bound
    run and a signal are each reported as such."""
    grammar = {"g.grm": b"intent A = a\n"}
    assert fuzzing.run(fuzzing.Case("t", ("count", "g.grm"), grammar), BUDGET).clean
    bad = fuzzing.Case("t", ("count", "--intent", "Nope", "g.grm"), grammar)
    assert fuzzing.run(bad, BUDGET).status == 2
    short_cpu = fuzzing.Budget(cpu_seconds=1, memory_bytes=1 << 30, wall_seconds=120)
    short_wall = fuzzing.Budget(cpu_seconds=5, memory_bytes=1 << 30, wall_seconds=1)
    for argv, kind, budget in [
        (("--raise",), "traceback", BUDGET),
        (("--sleep",), "hang", short_wall),
        (("--spin",), "over-budget", short_cpu),
        (("--abort",), "signal", BUDGET),
    ]:
        outcome = fuzzing.run(fuzzing.Case("t", argv, {}), budget, main=_misbehaving)
        assert outcome.kind == kind, (argv, outcome)


def _misbehaving(argv: list[str]) -> int:
    import os
    import signal
    import time

    if argv == ["--raise"]:
        raise RuntimeError("a bug")
    if argv == ["--sleep"]:
        time.sleep(60)
    if argv == ["--spin"]:
        while True:
            pass
    os.kill(os.getpid(), signal.SIGSEGV)
    return 0
