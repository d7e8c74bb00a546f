"""Progress bars for long runs: on standard error, shown on a terminal or when asked."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def counted(
    blocks: Iterable[T],
    total: int | None,
    unit: str,
    shown: bool | None = None,
    size: Callable[[Any], int] = len,
) -> Iterator[T]:
    """`blocks` as they are, advancing a bar by each block's `size` (its length unless
    told; rate and time left when `total` is known). `shown`: True forces the bar, None
    shows it on a terminal."""
    visible = sys.stderr.isatty() if shown is None else shown
    if not visible:
        yield from blocks
        return
    from tqdm import tqdm  # imported only when a bar is shown: it costs start-up time

    with tqdm(total=total, unit=f" {unit}", unit_scale=True) as bar:
        for block in blocks:
            bar.update(size(block))
            yield block
