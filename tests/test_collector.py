"""The cycle collector paused in a block, and given back as it was."""

from __future__ import annotations

import gc

import pytest

from grammar_fst import collector


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_in_the_block_and_left_as_it_was(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError):
            with collector.paused():
                assert not gc.isenabled()
                raise RuntimeError("the block failed")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_what_lives_at_the_end_is_frozen_when_asked():
    gc.unfreeze()
    try:
        with collector.paused():
            kept = [[n] for n in range(100)]
        assert gc.get_freeze_count() == 0
        with collector.paused(freeze=True):
            kept += [[n] for n in range(100)]
        assert gc.get_freeze_count() > 200
        assert gc.isenabled()
    finally:
        gc.unfreeze()
