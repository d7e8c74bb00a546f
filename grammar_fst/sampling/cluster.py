"""Sampling on a Dask cluster (the optional `dask` extra): connecting to one, or starting
a LocalCluster, and sending it the blocks of a run.

What goes over the wire is the compiled network, not grammar files: the job (the walker's
arrays, the speller's words, the seed) is scattered to every worker once, then each block
is sent as its plan (a few numbers) and comes back rendered. The workers need
grammar-fst installed, not the grammar.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from .plan import Block, Job

LOCAL = "local:"
MISSING = "--dask needs dask.distributed: pip install 'grammar-fst[dask]'"


def _distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError(MISSING) from None
    return distributed


@contextlib.contextmanager
def connect(address: str) -> Iterator:
    """A client of the scheduler at `address` (`tcp://host:8786`, ...), or of a
    LocalCluster of N worker processes started for the run when `address` is `local:N`
    (stopped at the end)."""
    distributed = _distributed()
    if address.startswith(LOCAL):
        workers = address[len(LOCAL) :]
        if not workers.isdigit() or int(workers) < 1:
            raise UsageError(f"--dask {address}: say how many workers, e.g. local:2")
        with (
            distributed.LocalCluster(
                n_workers=int(workers), threads_per_worker=1, dashboard_address=":0"
            ) as local,
            distributed.Client(local) as client,
        ):
            yield client
        return
    try:
        client = distributed.Client(address, timeout=30)
    except (OSError, ValueError, TimeoutError) as err:
        raise UsageError(f"--dask {address}: cannot reach the scheduler: {err}") from None
    with client:
        yield client


def submitter(client, job: Job) -> tuple[Callable[[Block], object], int]:
    """A function that sends a block to the cluster (giving back its future), and how
    many blocks to keep in flight (two per worker thread)."""
    from .plan import run_block

    [shared] = client.scatter([job], broadcast=True)
    threads = sum(client.nthreads().values()) or 1
    return lambda block: client.submit(run_block, shared, block, pure=False), 2 * threads
