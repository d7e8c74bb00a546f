"""Whole numbers below a bound and permutations, drawn from a seed exactly as numpy's
`default_rng(SeedSequence(seed))` draws them with `integers(n)`, one call at a time, and
`permutation(n)`, in Python, without importing numpy.

Resampling draws a record and then a value per slot, about 100,000 numbers for 20,000
utterances, each bound known only after the draw before it, then shuffles what it made:
a call to `integers` cost more than the rest of a draw, and importing numpy for them a
twentieth of the whole command. numpy seeds its PCG64 generator by hashing the seed's
32-bit words (`SeedSequence`) into a 128-bit state and increment; each output is a step
of the 128-bit LCG, folded and rotated to 64 bits (XSL-RR); it uses 32-bit numbers as the
two halves of an output, the low half first, and maps one to a bound by Lemire's
multiply-and-reject method; `permutation` is a Fisher-Yates shuffle from the last place
down, each place drawn by masking 32-bit numbers and rejecting those too large. `Draws`
does all of it the same way, on the same numbers (`tests/test_draws.py` checks it against
numpy).
"""

from __future__ import annotations

BLOCK = 1024  # 64-bit outputs made at a time
_MASK32 = 0xFFFFFFFF
_MASK64 = (1 << 64) - 1
_MASK128 = (1 << 128) - 1
_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645  # PCG's 128-bit LCG multiplier
# SeedSequence's hashing constants
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
POOL = 4  # SeedSequence's pool of 32-bit words


def seed_words(seed: int) -> list[int]:
    """The four 64-bit words numpy's `SeedSequence(seed).generate_state(4, uint64)` gives."""
    if seed < 0:
        raise ValueError(f"a seed is a whole number, not {seed}")
    entropy = [(seed >> (32 * k)) & _MASK32 for k in range(max(1, -(-seed.bit_length() // 32)))]
    const = _INIT_A

    def hashed(value: int) -> int:
        nonlocal const
        value ^= const
        const = (const * _MULT_A) & _MASK32
        value = (value * const) & _MASK32
        return value ^ (value >> 16)

    def mixed(x: int, y: int) -> int:
        result = (_MIX_L * x - _MIX_R * y) & _MASK32
        return result ^ (result >> 16)

    pool = [hashed(entropy[i] if i < len(entropy) else 0) for i in range(POOL)]
    for src in range(POOL):
        for dst in range(POOL):
            if src != dst:
                pool[dst] = mixed(pool[dst], hashed(pool[src]))
    for word in entropy[POOL:]:
        for dst in range(POOL):
            pool[dst] = mixed(pool[dst], hashed(word))
    state, const = [], _INIT_B
    for i in range(2 * POOL):
        value = pool[i % POOL] ^ const
        const = (const * _MULT_B) & _MASK32
        value = (value * const) & _MASK32
        state.append(value ^ (value >> 16))
    return [state[k] | state[k + 1] << 32 for k in range(0, 2 * POOL, 2)]


class Draws:
    """Numbers below bounds, in turn, as `int(rng.integers(n))` gives them for
    `rng = numpy.random.default_rng(numpy.random.SeedSequence(seed))`, and permutations as
    `rng.permutation(n)` gives them after the same draws."""

    def __init__(self, seed: int):
        words = seed_words(seed)
        self._increment = (words[2] << 64 | words[3]) << 1 & _MASK128 | 1
        state = (self._increment + (words[0] << 64 | words[1])) & _MASK128
        self._state = (state * _MULTIPLIER + self._increment) & _MASK128
        self._halves: list[int] = []
        self._at = 0  # halves used

    def below(self, n: int) -> int:
        """A whole number from 0 to `n` - 1."""
        if n == 1:
            return 0  # numpy draws nothing for a single choice
        if not 1 < n <= 1 << 32:
            raise ValueError(f"cannot draw below {n}")
        m = self._half() * n
        if (m & _MASK32) < n:  # Lemire's rejection, in numpy's order
            threshold = ((1 << 32) - n) % n
            while (m & _MASK32) < threshold:
                m = self._half() * n
        return m >> 32

    def permutation(self, n: int) -> list[int]:
        """0 to `n` - 1 shuffled."""
        if n > 1 << 32:
            raise ValueError(f"cannot shuffle {n} numbers")
        order = list(range(n))
        half = self._half
        for i in range(n - 1, 0, -1):
            mask = (1 << i.bit_length()) - 1  # the smallest that covers i
            j = half() & mask
            while j > i:
                j = half() & mask
            order[i], order[j] = order[j], order[i]
        return order

    def _half(self) -> int:
        """The next 32 bits."""
        at = self._at
        if at == len(self._halves):
            self._halves = self._block()
            at = 0
        self._at = at + 1
        return self._halves[at]

    def _block(self) -> list[int]:
        """The halves of the next `BLOCK` outputs, the low half of each first."""
        state, increment = self._state, self._increment
        halves: list[int] = []
        add = halves.extend
        for _ in range(BLOCK):
            state = (state * _MULTIPLIER + increment) & _MASK128
            folded = (state >> 64 ^ state) & _MASK64
            turn = state >> 122
            output = (folded >> turn | folded << (64 - turn)) & _MASK64
            add((output & _MASK32, output >> 32))
        self._state = state
        return halves
