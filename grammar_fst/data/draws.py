"""Whole numbers below a bound, drawn exactly as numpy's `Generator.integers(n)` draws them
one call at a time, at a fraction of a call's cost.

Resampling draws a record and then a value per slot, about 100,000 numbers for 20,000
utterances, each bound known only after the draw before it; a call to `integers` costs
more than the rest of a draw. numpy's PCG64 gives 32-bit numbers as the two halves of
each 64-bit output, the low half first, and maps one to a bound below 2**32 by Lemire's
multiply-and-reject method. `Draws` does the same in Python on the 64-bit outputs read in
blocks, then winds the generator to where the calls one by one would have left it, so
that what is drawn from it afterwards is the same too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

BLOCK = 2048  # 64-bit outputs read at a time
_MASK = 0xFFFFFFFF


class Draws:
    """Numbers below bounds from `rng`'s stream, as `int(rng.integers(n))` gives them, in
    turn; `rng` must not be used until `close()`."""

    def __init__(self, rng: np.random.Generator):
        bits = rng.bit_generator
        if not isinstance(bits, np.random.PCG64):
            raise TypeError(f"drawing from {type(bits).__name__} needs PCG64")
        self._bits = bits
        state = bits.state
        self._halves: list[int] = [state["uinteger"]] if state["has_uint32"] else []
        self._at = 0  # halves used
        self._before: Any = None  # the state before the last block read (a dict)

    def below(self, n: int) -> int:
        """A whole number from 0 to `n` - 1."""
        if n == 1:
            return 0  # numpy draws nothing for a single choice
        if not 1 < n <= 1 << 32:
            raise ValueError(f"cannot draw below {n}")
        m = self._half() * n
        if (m & _MASK) < n:  # Lemire's rejection, in numpy's order
            threshold = ((1 << 32) - n) % n
            while (m & _MASK) < threshold:
                m = self._half() * n
        return m >> 32

    def _half(self) -> int:
        """The next 32 bits."""
        at = self._at
        if at == len(self._halves):
            self._before = self._bits.state
            raw = self._bits.random_raw(BLOCK)
            self._halves = np.stack([raw & _MASK, raw >> 32], axis=1).ravel().tolist()
            at = 0
        self._at = at + 1
        return self._halves[at]

    def close(self) -> None:
        """Leave the generator as the calls one by one would have: the outputs of the
        last block not used given back, the high half of a last one half used kept for
        the next 32 bits. Nothing is drawn after."""
        read = self._before is not None
        if read:
            self._bits.state = self._before
            self._bits.random_raw((self._at + 1) // 2)
        elif not self._at:
            return  # nothing drawn: the state is as it was
        state = self._bits.state
        half_used = self._at % 2 if read else 0
        state["has_uint32"] = half_used
        state["uinteger"] = self._halves[self._at if half_used else self._at - 1]
        self._bits.state = state
        self._halves, self._at, self._before = [], 0, None


@contextlib.contextmanager
def drawing(rng: np.random.Generator) -> Iterator[Draws]:
    """`Draws` from `rng`, closed at the end of the block."""
    draws = Draws(rng)
    try:
        yield draws
    finally:
        draws.close()
