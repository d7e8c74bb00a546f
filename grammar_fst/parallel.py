"""Independent pieces of work on worker processes or a Dask cluster, given back in order.

`sample` walks blocks this way (sampling/plan.py), `induce` learns intents and `evaluate`
parses held-out utterances. Whatever runs them (this process, `jobs` forked processes,
the workers of a Dask client), the results come back in the order of the work, so the
output is the same. Dask is the optional `dask` extra (dask.distributed), imported only
when a cluster is asked for.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import UsageError

if TYPE_CHECKING:
    from concurrent.futures import Future

LOCAL = "local:"
MISSING = "--dask needs dask.distributed: pip install 'grammar-fst[dask]'"
# A local cluster's settings (see `connect`): its workers forked, not spawned; no
# profiler, no event-loop health checks every 20 ms, no system samples every 500 ms.
START_METHOD = "distributed.worker.multiprocessing-method"
PROFILER = "distributed.worker.profile.enabled"
QUIET = {
    PROFILER: False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "60s",
}

Item = TypeVar("Item")
Result = TypeVar("Result")
Shared = TypeVar("Shared")


def _distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError(MISSING) from None
    return distributed


def local_workers(address: str) -> int | None:
    """How many worker processes `--dask local:N` asks for; None for a scheduler's
    address."""
    if not address.startswith(LOCAL):
        return None
    workers = address[len(LOCAL) :]
    if not workers.isdigit() or int(workers) < 1:
        raise UsageError(f"--dask {address}: say how many workers, e.g. local:2")
    return int(workers)


def local_config() -> dict[str, object]:
    """The Dask settings of a cluster started for the run (`local:N`).

    Its workers are forked from this process where the platform can: they start with
    its modules imported and its memory (the network loaded, the output opened,
    `turns` shared), where spawned workers each import dask, distributed, pynini and
    the package anew (about 1 CPU s each). They run without Dask's statistical profiler
    (it samples their threads every 10 ms, a third of an idle worker's CPU) and check
    their event loops' health and sample the system less often, for dashboards no one
    is shown: together 85% of the CPU an idle cluster spends (benchmarks/dask_local.py).
    """
    import multiprocessing

    forked = "fork" in multiprocessing.get_all_start_methods()
    return {**QUIET, **({START_METHOD: "fork"} if forked else {})}


@contextlib.contextmanager
def connect(address: str) -> Iterator:
    """A client of the scheduler at `address` (`tcp://host:8786`, ...), or of a
    LocalCluster of N worker processes, one thread each, started for the run when
    `address` is `local:N` (with `local_config`; stopped at the end)."""
    distributed = _distributed()
    count = local_workers(address)
    if count is not None:
        import dask

        with (
            dask.config.set(local_config()),
            distributed.LocalCluster(  # no logs: a task's error is raised here (and those
                n_workers=count,  # of a run stopped early, its turns ended, are no news)
                threads_per_worker=1,
                dashboard_address=":0",
                silence_logs=logging.CRITICAL,
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


def end_with(parent: int) -> None:
    """Make this worker end when its parent does. A worker forked just as a signal
    stopped its parent never receives that signal (a child starts with no pending
    signal), and would otherwise wait for work forever, holding the parent's standard
    error open."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent ended before that took effect
        os._exit(0)


def process_pool(jobs: int, initializer: Callable[..., None] | None = None, initargs=()):
    """A pool of `jobs` worker processes, forked where the platform can (a worker then
    starts with the parent's memory, `initargs` included, nothing pickled), each ending
    with its parent."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(
        jobs, context, initializer=_start, initargs=(os.getpid(), initializer, initargs)
    )


def _start(parent: int, initializer: Callable[..., None] | None, initargs) -> None:
    end_with(parent)
    if initializer is not None:
        initializer(*initargs)


_shared: object = None  # in a worker process: what every piece of its work reads


def _install(shared: object) -> None:
    global _shared
    _shared = shared


def _call_installed(function: Callable[[object, Item], Result], item: Item) -> Result:
    return function(_shared, item)


def _submitted(client, function: Callable, sent, items: list) -> Future:
    return client.submit(_each, function, sent, items, pure=False)


def _each(function: Callable[[Shared, Item], Result], shared: Shared, items: list) -> list:
    return [function(shared, item) for item in items]


def _groups(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """The items in lists of `size` (the last may be shorter)."""
    items = iter(items)
    while group := list(itertools.islice(items, size)):
        yield group


def in_flight(workers: int, per_task: int = 1) -> int:
    """How many items `mapped` has sent to `workers` processes or worker threads of a
    cluster (`per_task` items to a task) and not yet given back, at most: two tasks per
    worker, so none waits for work. The items of a task are given back, and the caller
    done with them, before the next task is sent."""
    return 2 * workers * per_task


def workers(jobs: int, client=None) -> int:
    """How many workers `mapped` runs items on: `jobs` processes, or the worker threads
    of a Dask `client`."""
    return jobs if client is None else (sum(client.nthreads().values()) or 1)


def mapped(
    function: Callable[[Shared, Item], Result],
    items: Iterable[Item],
    shared: Shared,
    jobs: int = 1,
    client=None,
    per_task: int = 1,
) -> Iterator[Result]:
    """`function(shared, item)` for each item, in the items' order: in this process, on
    `jobs` processes, or on the workers of a Dask `client`. `shared` (what every item
    needs: a compiled network, catalogues) reaches each worker once; each item is sent
    on its own (on a cluster, `per_task` items in one task: a task costs the scheduler
    and the client milliseconds of their own), at most two per worker in flight, so
    memory does not grow with the items. `function` must be a module-level function (it
    is sent by name), and the items and results picklable. An error in a piece of work
    is raised here."""
    if client is None and jobs <= 1:
        yield from (function(shared, item) for item in items)
        return
    pool = None
    tasks: Iterable[Any]
    task: Any
    submit: Callable[[Any], Future]
    results: Callable[[Future], Iterable[Result]]
    if client is not None:
        # a key of its own: scattering equal data again (sampling's further rounds) would
        # share the key that the cluster is dropping as the earlier round lets it go
        [sent] = client.scatter([shared], broadcast=True, hash=False)
        submit = functools.partial(_submitted, client, function, sent)
        tasks, results = _groups(items, per_task), _listed
    else:
        pool = process_pool(jobs, _install, (shared,))
        submit = functools.partial(pool.submit, _call_installed, function)
        tasks, results = items, _alone
    window = in_flight(workers(jobs, client))  # tasks
    pending: list = []
    try:
        for task in tasks:
            pending.append(submit(task))
            if len(pending) >= window:
                yield from results(pending.pop(0))
        while pending:
            yield from results(pending.pop(0))
    finally:
        for future in pending:
            future.cancel()
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _listed(future: Future) -> list:
    return future.result()


def _alone(future: Future) -> tuple:
    return (future.result(),)
