"""Numbers below a bound and permutations drawn from a seed without numpy are numpy's:
its seeding, its numbers one call at a time and its permutations, whatever was drawn
before."""

from __future__ import annotations

import random

import numpy as np
import pytest

from grammar_fst.data.draws import BLOCK, Draws, seed_words

EDGES = [1, 2, 3, 7, 1000, 2**31, 2**31 + 1, 3 * 2**30, 2**32 - 5, 2**32 - 1, 2**32]
# one 32-bit word and more; more words than SeedSequence's pool of four
SEEDS = [0, 1, 17, 2**32 - 1, 2**32, 2**64 + 5, 2**128 + 3, 2**200 + 12345]


def bounds(r: random.Random, count: int) -> list[int]:
    """Small and large bounds, those near 2**32 (where Lemire's method rejects most)."""
    return [
        r.choice(EDGES) if r.random() < 0.3 else r.randint(1, 10 ** r.randint(1, 9))
        for _ in range(count)
    ]


def numpys(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed))


@pytest.mark.parametrize("seed", SEEDS)
def test_the_seeding_is_numpys(seed):
    sequence = np.random.SeedSequence(seed)
    assert seed_words(seed) == sequence.generate_state(4, np.uint64).tolist()
    state = np.random.PCG64(sequence).state["state"]
    draws = Draws(seed)
    assert (draws._state, draws._increment) == (state["state"], state["inc"])


@pytest.mark.parametrize("seed", [0, 17, 2**64 + 5])
@pytest.mark.parametrize("count", [0, 1, 5, 2 * BLOCK - 1, 2 * BLOCK, 2 * BLOCK + 1, 3 * BLOCK])
def test_the_numbers_are_numpys(seed, count):
    wanted = bounds(random.Random(count * 3 + seed), count)
    rng, draws = numpys(seed), Draws(seed)
    assert [draws.below(n) for n in wanted] == [int(rng.integers(n)) for n in wanted]


@pytest.mark.parametrize("before", [0, 1, 2, 3])  # an odd number leaves half an output
@pytest.mark.parametrize("size", [0, 1, 2, 3, 40, 2 * BLOCK + 1, 20_000])
def test_the_permutations_are_numpys_after_any_draws(before, size):
    rng, draws = numpys(before), Draws(before)
    for n in [7, 2**32 - 1, 3][:before]:
        assert draws.below(n) == int(rng.integers(n))
    assert draws.permutation(size) == rng.permutation(size).tolist()
    assert draws.permutation(5) == rng.permutation(5).tolist()
    assert draws.below(1000) == int(rng.integers(1000))


def test_what_it_cannot_draw():
    draws = Draws(0)
    for n in (0, -1, 2**32 + 1):
        with pytest.raises(ValueError, match="cannot draw below"):
            draws.below(n)
    with pytest.raises(ValueError, match="cannot shuffle"):
        draws.permutation(2**32 + 1)
    with pytest.raises(ValueError, match="a seed is a whole number"):
        Draws(-1)
