"""Numbers below a bound drawn in blocks are numpy's, one call at a time: the same numbers,
and the generator left in the same state, whatever was drawn before."""

from __future__ import annotations

import random

import numpy as np
import pytest

from grammar_fst.data.draws import BLOCK, Draws, drawing

EDGES = [1, 2, 3, 7, 1000, 2**31, 2**31 + 1, 3 * 2**30, 2**32 - 5, 2**32 - 1, 2**32]


def bounds(r: random.Random, count: int) -> list[int]:
    """Small and large bounds, those near 2**32 (where Lemire's method rejects most)."""
    return [
        r.choice(EDGES) if r.random() < 0.3 else r.randint(1, 10 ** r.randint(1, 9))
        for _ in range(count)
    ]


@pytest.mark.parametrize("before", [0, 1, 2])  # one leaves half of a 64-bit output kept
@pytest.mark.parametrize("count", [0, 1, 5, 2 * BLOCK - 1, 2 * BLOCK, 2 * BLOCK + 1, 3 * BLOCK])
def test_the_numbers_and_the_state_after_are_numpys(before, count):
    r = random.Random(count * 3 + before)
    wanted = bounds(r, count)
    for seed in (0, 17):
        calls, blocks = (np.random.default_rng(np.random.SeedSequence(seed)) for _ in "ab")
        for rng in (calls, blocks):
            for _ in range(before):
                rng.integers(7)
        one_by_one = [int(calls.integers(n)) for n in wanted]
        with drawing(blocks) as draws:
            assert [draws.below(n) for n in wanted] == one_by_one
        assert blocks.bit_generator.state == calls.bit_generator.state
        assert blocks.permutation(40).tolist() == calls.permutation(40).tolist()
        assert blocks.random() == calls.random()


def test_bounds_it_cannot_draw_below():
    draws = Draws(np.random.default_rng(0))
    for n in (0, -1, 2**32 + 1):
        with pytest.raises(ValueError, match="cannot draw below"):
            draws.below(n)


def test_only_pcg64_is_drawn_from():
    with pytest.raises(TypeError, match="PCG64"):
        Draws(np.random.Generator(np.random.MT19937(0)))
