"""Taking part of a data file: its first N utterances or N drawn at random, and the rest.

`induce --sample 50 --seed 3` and `evaluate --sample 50 --seed 3 --heldout-rest` pick the
same 50 utterances of the same file, so a golden set and its held-out rest need no script.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def select(
    items: Sequence[T], limit: int | None = None, sample: int | None = None, seed: int = 0
) -> tuple[list[T], list[T]]:
    """(chosen, rest): the first `limit` items, or `sample` items drawn without
    replacement with `seed`; both keep the file's order. Neither given: all, none."""
    if limit is not None and sample is not None:
        raise ValueError("give limit or sample, not both")
    if sample is not None and sample < len(items):
        picked = np.zeros(len(items), dtype=bool)
        picked[np.random.default_rng(seed).choice(len(items), size=sample, replace=False)] = True
        chosen = [item for item, keep in zip(items, picked) if keep]
        return chosen, [item for item, keep in zip(items, picked) if not keep]
    count = len(items) if limit is None else limit
    return list(items[:count]), list(items[count:])
