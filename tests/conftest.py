"""Hypothesis explores new examples on every local run; under CI (CI=true) it replays a
fixed derandomized set, so a submission's result does not depend on luck."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
