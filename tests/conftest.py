"""Hypothesis explores new examples on every local run; under CI (CI=true) it replays a
fixed derandomized set, so a submission's result does not depend on luck. Fixtures that
more than one test module uses."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from grammar_fst import turns

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def finished(monkeypatch) -> list[int]:
    """How many blocks each run's workers wrote into the output themselves."""
    counts: list[int] = []
    finish = turns.Turns.finish

    def counted(self, blocks):
        finish(self, blocks)
        counts.append(blocks)

    monkeypatch.setattr(turns.Turns, "finish", counted)
    return counts
