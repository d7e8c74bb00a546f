"""Progress bars for long runs: on standard error, shown on a terminal or when asked.

The command line chooses once (`choose`) from --progress and --quiet; code that does
long work wraps its steps in `counted` and does not decide. Used as a library, nothing
shows a bar unless told.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_chosen: bool | None = False  # True: always; False: never; None: on a terminal


def choose(shown: bool | None) -> None:
    """Whether bars show from now on: True always, False never, None on a terminal."""
    global _chosen
    _chosen = shown


def counted(
    blocks: Iterable[T],
    total: int | None,
    unit: str,
    shown: bool | None = None,
    size: Callable[[Any], int] = len,
    scaled: bool = True,
) -> Generator[T, None, None]:
    """`blocks` as they are, advancing a bar by each block's `size` (its length unless
    told; rate and time left when `total` is known). `shown`: True forces the bar, None
    leaves it to `choose`; `scaled`: counts as 1.2k, 3.4M."""
    wanted = _chosen if shown is None else shown
    visible = sys.stderr.isatty() if wanted is None else wanted
    if not visible:
        yield from blocks
        return
    from tqdm import tqdm  # imported only when a bar is shown: it costs start-up time

    # no monitor thread (it only corrects bars that stall): with a thread running, a local
    # Dask cluster's workers cannot be forked safely, and are spawned (`parallel`)
    tqdm.monitor_interval = 0
    with tqdm(total=total, unit=f" {unit}", unit_scale=scaled) as bar:
        for block in blocks:
            bar.update(size(block))
            yield block


def steps(items: Iterable[T], total: int, unit: str) -> Iterator[T]:
    """`items` one step each (see `counted`)."""
    return counted(items, total, unit, size=lambda _: 1, scaled=False)
