"""OpenFst failures become Python exceptions that carry OpenFst's own message."""

from __future__ import annotations

import pynini
import pytest

from grammar_fst.errors import OpenFstError
from grammar_fst.fst import openfst


def test_failure_carries_openfst_stderr():
    with pytest.raises(OpenFstError) as caught:
        with openfst.captured("composing"):
            pynini.compose(pynini.accep("a", arc_type="log"), pynini.accep("a"))
    message = str(caught.value)
    assert message.startswith("composing failed: ")
    assert "ERROR" in message or "arc types" in message.lower()


def test_success_is_silent(capfd):
    with openfst.captured("nothing"):
        pynini.accep("a").optimize()
    assert capfd.readouterr().err == ""
