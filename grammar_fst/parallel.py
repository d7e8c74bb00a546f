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
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from .errors import UsageError, Wording

if TYPE_CHECKING:
    from concurrent.futures import Future

LOCAL = "local:"
PER_CPU = 4  # worker processes for each CPU, at most (`processes`)
PROFILER = "distributed.worker.profile.enabled"
# What the servers of a cluster started for the run need not do, for dashboards no one
# is shown: Dask's profiler, an event-loop health check every 20 ms, a sample of the
# system every 500 ms (0.80-1.00 CPU s in 10 s of an idle cluster of two, 0.28-0.31
# without); nor, for workers on this machine given the blocks in order, move queued
# tasks between them (work stealing: bookkeeping at every task, 0.3 CPU s of a run of
# 10 million) or read their memory every 100 ms (0.1 CPU s in 10 s of an idle
# cluster); docs/benchmarks.md, Dask workers.
QUIET = {
    PROFILER: False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "60s",
    "distributed.scheduler.work-stealing": False,
    "distributed.worker.memory.monitor-interval": "1s",
}
MISSING = "--dask needs dask.distributed: pip install 'grammar-fst[dask]'"

Item = TypeVar("Item")
Result = TypeVar("Result")
Shared = TypeVar("Shared")


def _distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError(MISSING) from None
    return distributed


def client_argument(client: object) -> None:
    """A UsageError when a `client` is given that is not a connected Dask client (an
    address, a closed client), said at the call rather than as an AttributeError in the
    middle of the run. dask.distributed is not imported for it: a Client is one of its
    objects, so without it loaded there is none."""
    if client is None:
        return
    distributed = sys.modules.get("distributed")
    if distributed is None or not isinstance(client, distributed.Client) or (
        client.status != "running"
    ):
        said = (
            "{client} must be a connected dask.distributed.Client, not {given}: make one "
            "with distributed.Client(address), or with grammar_fst.parallel.connect('local:2')"
        )
        raise UsageError(Wording(said, given=repr(client)))


def local_workers(address: str) -> int | None:
    """How many worker processes `--dask local:N` asks for; None for a scheduler's
    address."""
    if not address.startswith(LOCAL):
        return None
    workers = address[len(LOCAL) :]
    if not workers.isascii() or not workers.isdigit() or len(workers) > 9 or int(workers) < 1:
        raise UsageError(f"--dask {address[:40]}: say how many workers, e.g. local:2")
    return processes(int(workers), "dask")


def forks_here() -> bool:
    """Whether a local cluster's workers are forked from this process (`connect`): where
    the platform can fork, and while this process runs no other thread. A thread may
    hold a lock at the moment of the fork that no thread of the child would release (a
    worker forked then can hang at its start), so workers forked from the event loop of
    a running cluster, as Dask's own `fork` method does, are not safe."""
    import multiprocessing
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


@contextlib.contextmanager
def connect(address: str, fork: bool | None = None) -> Iterator:
    """A client of the scheduler at `address` (`tcp://host:8786`, ...), or of a
    LocalCluster of N worker processes, one thread each, started for the run when
    `address` is `local:N` (stopped at the end). Its servers run with `QUIET`: no
    profiler (it samples the workers' threads every 10 ms, a third of an idle worker's
    CPU time), an event-loop health check once a second, the system sampled once a
    minute, no work stealing and the workers' memory read once a second.

    Where `forks_here`, the workers are forked from this process before the cluster
    starts (`_forked`): they start with its modules and memory, the output it opened and
    its `turns` included, in a tenth of the CPU time of a spawned worker, which imports
    dask, distributed, pynini and the package anew. Else (or when `fork` is False) they
    are Dask's own, spawned. A caller whose workers must share what it opened asks
    `forks_here` first and passes the answer as `fork`."""
    distributed = _distributed()
    count = local_workers(address)
    if count is None:
        _answers(address)
        try:  # Dask's own connect timeout (30 s unless configured; docs/scaling.md)
            client = distributed.Client(address)
        except TimeoutError as err:
            raise UsageError(
                f"--dask {address}: the scheduler did not answer in time: {err} (a slow "
                "one can be given longer: DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=120s)"
            ) from None
        except (OSError, ValueError) as err:
            raise UsageError(f"--dask {address}: no Dask scheduler answers there: {err}") from None
        with client:
            yield client
        return
    import dask

    forked = forks_here() if fork is None else fork
    with contextlib.ExitStack() as cluster:
        cluster.enter_context(dask.config.set(QUIET))
        cluster.enter_context(_quiet_logs())
        workers = cluster.enter_context(_forked(count)) if forked else None
        local = cluster.enter_context(
            distributed.LocalCluster(  # its workers' logs: errors only (tasks cancelled
                n_workers=0 if forked else count,  # when a run stops early are no news)
                threads_per_worker=1,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
        )
        client = cluster.enter_context(distributed.Client(local))
        if workers is not None:
            workers.start(local.scheduler_address)
        yield client


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    """Dask's logs in this process at errors only, while a local cluster runs: a run that
    stops early (a user's error, a signal) closes the cluster's connections under its
    feet, and its scheduler says so at INFO, with a traceback, on standard error."""
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _answers(address: str) -> None:
    """Refuse, at once, a scheduler's address where nothing answers: Dask's client would
    retry a refused connection, silently, for its whole connect timeout. Only TCP
    addresses (tcp://, tls://, no scheme) are tried here; Dask connects to the others."""
    import socket

    import dask
    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme not in ("tcp", "tls"):
        return
    try:
        host, port = parse_host_port(location)
    except ValueError:
        raise UsageError(
            f"--dask {address}: not a scheduler's address such as tcp://host:8786, nor local:N"
        ) from None
    wait = dask.utils.parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))
    try:
        socket.create_connection((host, port), timeout=wait).close()
    except OSError as err:
        raise UsageError(
            f"--dask {address}: nothing answers at {host}:{port} ({err.strerror or err}); "
            f"start a scheduler there (dask scheduler --port {port}, then dask worker "
            f"{address} on each machine) or use --dask local:N for N worker processes here"
        ) from None


class _Forked:
    """Worker processes forked from this one, each waiting for the address of the
    scheduler to serve (`start`), ending with the cluster (its scheduler tells them to)
    or, at the latest, when this process leaves `_forked`. Each says on a pipe when it
    serves: the client's own wait for workers looks every 0.1 s, a tenth of a second
    of every run."""

    STARTED = 60  # seconds the workers may take to reach the scheduler
    ENDED = 5  # seconds they may take to end once it closed, all of them

    def __init__(self, count: int):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.addresses: list[int] = []
        self.processes = []
        self.serving, serves = os.pipe()
        for _ in range(count):
            reader, writer = os.pipe()
            self.addresses.append(writer)
            process = context.Process(
                target=_serve,
                args=(reader, tuple(self.addresses), os.getpid(), serves, self.serving),
                daemon=True,
            )
            process.start()
            os.close(reader)
            self.processes.append(process)
        os.close(serves)  # the workers' copies alone: all gone, the pipe ends

    def start(self, scheduler: str) -> None:
        """Give each worker the `scheduler`'s address; wait until all serve it."""
        import selectors

        for writer in self.addresses:
            os.write(writer, scheduler.encode())
        self.close_pipes()
        deadline, serving = time.monotonic() + self.STARTED, 0
        with selectors.DefaultSelector() as waiting:
            waiting.register(self.serving, selectors.EVENT_READ)
            while serving < len(self.processes):
                left = deadline - time.monotonic()
                if left <= 0 or not waiting.select(left):
                    self._failed(f"{serving} of them started within {self.STARTED} s")
                said = os.read(self.serving, 64)
                if not said:  # every worker's end of the pipe closed
                    self._failed(f"{len(self.processes) - serving} ended before serving")
                serving += len(said)

    def _failed(self, why: str) -> None:
        raise UsageError(f"--dask local:{len(self.processes)}: the workers did not start: {why}")

    def close_pipes(self) -> None:
        """A worker whose pipe closes before it was given an address ends at once."""
        for writer in self.addresses:
            os.close(writer)
        self.addresses.clear()

    def stop(self) -> None:
        """Wait a moment (`ENDED`) for the workers to end (their scheduler closed), then
        end them."""
        self.close_pipes()
        if self.serving >= 0:
            os.close(self.serving)
            self.serving = -1
        deadline = time.monotonic() + self.ENDED
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in self.processes:
            if process.is_alive():
                process.kill()
                process.join()


@contextlib.contextmanager
def _forked(count: int) -> Iterator[_Forked]:
    workers = _Forked(count)
    try:
        yield workers
    finally:
        workers.stop()


def _serve(reader: int, writers: tuple[int, ...], parent: int, serves: int, serving: int) -> None:
    """A forked worker: read the scheduler's address, then serve it as a Dask worker of
    one thread until the scheduler closes (a pipe closed unread: end at once), saying on
    `serves` when it does. The pipes' ends that it inherited and does not use are closed
    first, so that each pipe ends when its last user is gone."""
    end_with(parent)
    for writer in (*writers, serving):
        os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        address = pipe.read().decode()
    if address:
        import asyncio

        # no logs: a task's error is raised in the main process, and those of a run
        # stopped early (its turns ended) are no news
        logging.getLogger("distributed").setLevel(logging.CRITICAL)
        asyncio.run(_work(address, serves))


async def _work(address: str, serves: int) -> None:
    import distributed

    async with distributed.Worker(address, nthreads=1) as worker:  # registered: it serves
        os.write(serves, b"1")
        os.close(serves)
        await worker.finished()


def end_with(parent: int) -> None:
    """Make this worker end when its parent does. A worker forked just as a signal
    stopped its parent never receives that signal (a child starts with no pending
    signal), and would otherwise wait for work forever, holding the parent's standard
    error open.

    The SIGTERM the worker gets then ends it at once, by the kernel: the handler it
    inherits (`signals`) cleans up the parent's run, and would never run when the
    signal reaches another thread of the worker (the writer of `turns`) while its main
    thread waits on a lock the dead parent held. That left a worker waiting forever."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
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


def in_flight(jobs: int, client=None, per_task: int = 1) -> int:
    """How many items `mapped` has sent to `jobs` processes (or the workers of a Dask
    `client`), `per_task` items to a task, and not yet given back, at most: two tasks per
    worker, so none waits for work. The items of a task are given back, and the caller
    done with them, before the next task is sent."""
    return 2 * workers(jobs, client) * per_task


def workers(jobs: int, client=None) -> int:
    """How many workers `mapped` runs items on: `jobs` processes (`processes`), or the
    worker threads of a Dask `client`."""
    return processes(jobs) if client is None else (sum(client.nthreads().values()) or 1)


@functools.cache
def processes(asked: int, by: str = "jobs") -> int:
    """The processes to run when `asked` for (by parameter `by`): at most `PER_CPU` for
    each CPU this process may use (warned once). More only take turns on the same
    cores, each with memory of its own: 3,000 asked for on 2 cores took 9 GB to sample
    2 sentences."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    most = PER_CPU * (cpus or 1)
    if asked <= most:
        return asked
    said = "{asked} processes asked for ({BY}): running {most}, {per} for each of the {cpus} "
    wording = Wording(said.replace("BY", by) + "CPUs this process may use", asked=asked,
                      most=most, per=PER_CPU, cpus=cpus)  # fmt: skip
    logging.getLogger("grammar_fst").warning("%s", wording)
    return most


@contextlib.contextmanager
def kept_pool(shared: Shared, jobs: int, client=None) -> Iterator:
    """A pool of `jobs` processes holding `shared`, for several `mapped` runs over the
    same `shared` (sampling's further rounds, after repeats were dropped): forked once,
    not once a run (45 pools, 1 CPU s of forking, for 50,000 unique sentences of
    grammars/music.grm). None where `mapped` needs none (one job, or a Dask client)."""
    if client is not None or jobs <= 1:
        yield None
        return
    pool = process_pool(workers(jobs), _install, (shared,))
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def mapped(
    function: Callable[[Shared, Item], Result],
    items: Iterable[Item],
    shared: Shared,
    jobs: int = 1,
    client=None,
    per_task: int = 1,
    pool=None,
) -> Iterator[Result]:
    """`function(shared, item)` for each item, in the items' order: in this process, on
    `jobs` processes, or on the workers of a Dask `client`. `shared` (what every item
    needs: a compiled network, catalogues) reaches each worker once; the items are sent
    `per_task` at a time (a task, whose handing over and back costs this process, and a
    cluster's scheduler, the same however many items it holds), at most two tasks per
    worker in flight, so memory does not grow with the items. `function` must be a
    module-level function (it is sent by name), and the items and results picklable. An
    error in a piece of work is raised here. `pool`: one of `kept_pool(shared, jobs)`,
    used and left running, instead of a pool of this run's own."""
    if client is None and jobs <= 1:
        yield from (function(shared, item) for item in items)
        return
    kept = pool is not None
    submit: Callable[[list], Future]
    if client is not None:
        # a key of its own: scattering equal data again (sampling's further rounds) would
        # share the key that the cluster is dropping as the earlier round lets it go
        [sent] = client.scatter([shared], broadcast=True, hash=False)
        submit = functools.partial(_submitted, client, function, sent)
    else:
        pool = pool or process_pool(workers(jobs), _install, (shared,))
        submit = functools.partial(pool.submit, _call_installed, functools.partial(_each, function))
    window = in_flight(jobs, client)  # tasks
    pending: list = []
    try:
        for task in _groups(items, per_task):
            pending.append(submit(task))
            if len(pending) >= window:
                yield from pending.pop(0).result()
        while pending:
            yield from pending.pop(0).result()
    finally:
        for future in pending:
            future.cancel()
        if pool is not None and not kept:
            pool.shutdown(cancel_futures=True)
