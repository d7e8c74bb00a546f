"""Work on Dask and on worker processes: sampling gives the same sentences as one process,
through the API (a client) and the command line (--dask ADDRESS, --dask local:N);
`induce` and `evaluate` give the same grammar and report with --jobs and --dask; clear
errors without the extra."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from test_cli_data import run

from grammar_fst import parallel
from grammar_fst.data.formats import jsonl
from grammar_fst.errors import UsageError
from grammar_fst.model import load
from grammar_fst.pieces import Piece

GRAMMARS = Path(__file__).parent.parent / "grammars"
MUSIC = GRAMMARS / "music.grm"


@pytest.fixture(scope="module")
def cluster():
    """Two in-process workers (threads), started and stopped here: fast to start."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as local, Client(local) as client:
        yield local, client


@pytest.mark.parametrize("unique", [False, True])
def test_api_with_a_client_gives_what_one_process_gives(cluster, unique):
    grammar = load(MUSIC)
    one = list(grammar.sample(20000, seed=6, unique=unique))
    on_dask = list(grammar.sample(20000, seed=6, unique=unique, client=cluster[1]))
    assert on_dask == one and len(one) > 18000  # one intent has fewer distinct sentences


def test_a_closed_client_is_refused_at_the_call():
    grammar = load(MUSIC)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as local, Client(local) as client:
        pass
    with pytest.raises(UsageError, match="^`client` must be a connected dask.distributed.Client"):
        grammar.sample(10, client=client)


def test_rendered_chunks_from_the_cluster_are_the_lines_of_one_process(cluster):
    grammar = load(MUSIC)
    blocks = list(grammar.sample_blocks(20000, seed=1, render=jsonl.line, chunks=True,
                                        client=cluster[1]))
    assert all(hasattr(b, "data") for b in blocks[1:])  # came back joined, not as lines
    joined = b"".join(b.data if hasattr(b, "data") else
                      "".join(f"{line}\n" for line in b).encode() for b in blocks)
    lines = [jsonl.line(u, i) for i, u in enumerate(grammar.sample(20000, seed=1))]
    assert joined.decode() == "".join(f"{line}\n" for line in lines)


def test_cli_on_a_scheduler_address_gives_the_bytes_of_jobs_1(cluster, capsys, tmp_path):
    far = tmp_path / "music.far"
    run(capsys, "compile", MUSIC, "-o", far)
    argv = ["-n", "70000", "--seed", "9"]  # 9 blocks: tasks of 4, 4 and 1 on the cluster
    one = run(capsys, "sample", MUSIC, *argv)[1]
    assert run(capsys, "sample", far, *argv, "--jobs", "2")[1] == one
    address = cluster[0].scheduler_address
    assert run(capsys, "sample", far, *argv, "--dask", address)[1] == one
    assert run(capsys, "sample", far, *argv, "--dask", address, "-o", f"{tmp_path}/parts/")[0] == 0
    parts = sorted((tmp_path / "parts").iterdir())
    assert len(parts) > 1 and "".join(p.read_text() for p in parts) == one


def _settings() -> dict:
    import dask

    return {key: dask.config.get(key) for key in parallel.QUIET}


def _steals(dask_scheduler) -> bool:
    return "stealing" in dask_scheduler.extensions


def test_a_local_cluster_runs_its_workers_without_the_profiler_and_ticks():
    before = _settings()
    with parallel.connect("local:1") as client:
        assert list(client.run(_settings).values()) == [parallel.QUIET]
        assert not client.run_on_scheduler(_steals)  # the blocks stay where they were sent
    assert _settings() == before != parallel.QUIET  # this process's are left as they were


FORKED = """
import json, os, threading
from grammar_fst import parallel, turns
shared = turns.for_output(open(os.devnull, "wb"), ahead=4)
def reached(given):  # in a worker: its parent, its threads, the turns it was sent
    threads = sorted(t.name.split("-")[0] for t in threading.enumerate())
    return os.getppid(), threads, given is not None
with parallel.connect("local:2") as client:
    tasks = client.gather(client.map(reached, [shared] * 2, pure=False))
    print(json.dumps([os.getpid(), tasks]))
"""


def test_a_local_cluster_forks_its_workers_from_a_process_without_threads():
    """Forked from this process, before the cluster's threads start: each runs its event
    loop and its task thread, and the turns made before reach it as its inherited copy
    (a spawned worker could not unpickle them)."""
    done = subprocess.run(
        [sys.executable, "-c", FORKED],
        env={**os.environ, "PYTHONPATH": str(GRAMMARS.parent)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    parent, tasks = json.loads(done.stdout)
    assert tasks == [[parent, ["Dask", "MainThread"], True]] * 2 and done.stderr == ""


def _marker() -> object:
    return parallel._shared


def test_a_local_cluster_started_beside_other_threads_spawns_its_workers(cluster, monkeypatch):
    """This process runs the in-process cluster's threads: forking now could hang, so
    the workers start anew, without this process's memory."""
    monkeypatch.setattr(parallel, "_shared", "set in this process")
    assert not parallel.forks_here()
    with parallel.connect("local:1") as client:
        assert list(client.run(_marker).values()) == [None]


def test_cli_local_cluster_of_spawned_workers_gives_the_bytes_of_jobs_1(
    capsys, tmp_path, monkeypatch
):
    """Spawned workers (where this process cannot fork safely) hand their blocks over as
    pieces (this machine's files): 73 blocks, more than the ring of 65 files holds, to a
    file and to standard output."""
    monkeypatch.setattr(parallel, "forks_here", lambda: False)
    argv = ["sample", MUSIC, "-n", "600000", "--seed", "3", "--format", "text"]
    one = run(capsys, *argv)[1]
    assert run(capsys, *argv, "--dask", "local:2")[1] == one
    assert run(capsys, *argv, "--dask", "local:2", "-o", tmp_path / "out.txt")[0] == 0
    assert (tmp_path / "out.txt").read_text() == one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]  # no pieces left


@pytest.mark.parametrize("to_file", [False, True])
def test_cli_local_cluster_of_forked_workers_gives_the_bytes_of_jobs_1(capsys, tmp_path, to_file):
    """Forked workers write their blocks into the output in turn, to a file or standard
    output. Run as a command of its own: this process runs other threads."""
    argv = ["sample", str(MUSIC), "-n", "150000", "--seed", "3", "--format", "text"]
    one = run(capsys, *argv)[1]
    out = tmp_path / "out.txt"
    done = subprocess.run(
        [sys.executable, "-m", "grammar_fst", *argv, "--dask", "local:2", "-o", str(out)]
        if to_file
        else [sys.executable, "-m", "grammar_fst", *argv, "--dask", "local:2"],
        env={**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(GRAMMARS.parent)},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert (out.read_text() if to_file else done.stdout) == one and done.stderr == ""
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "dask-scratch-space")
    assert left == (["out.txt"] if to_file else [])  # no pieces, no temporary file


def test_cli_local_cluster_to_a_reader_that_goes_away_is_no_error(tmp_path):
    """`| head -1` stops the run while pieces are copied to the pipe: exit 0, nothing on
    standard error (the cluster's cancelled tasks included), no piece left."""
    command = [sys.executable, "-m", "grammar_fst", "sample", str(MUSIC), "-n", "2000000"]
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{shlex.join(command)} --dask local:2 | head -1"],
        env={**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(GRAMMARS.parent)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert len(done.stdout.splitlines()) == 1
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".pieces")] == []


def test_cluster_workers_given_a_folder_hand_back_pieces(cluster, tmp_path):
    grammar = load(MUSIC)
    joined = b""
    for block in grammar.sample_blocks(
        600000, seed=2, render=jsonl.line, chunks=True, client=cluster[1], pieces=str(tmp_path)
    ):
        assert isinstance(block, Piece)  # 74 blocks: the ring's 65 files are reused
        joined += Path(block.path).read_bytes()[: block.size]
    lines = [jsonl.line(u, i) for i, u in enumerate(grammar.sample(600000, seed=2))]
    assert joined.decode() == "".join(f"{line}\n" for line in lines)


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--dask", "local:none"], "--dask local:none: say how many workers, e.g. local:2"),
        (["--dask", "local:2", "--jobs", "2"], "--dask runs the blocks on the cluster"),
    ],
)
def test_bad_dask_flags_are_one_message(capsys, flags, message):
    status, out, err = run(capsys, "sample", MUSIC, "-n", "5", *flags)
    assert status == 2 and out == "" and err.startswith(f"grammar-fst: error: {message}")


def test_without_the_dask_extra_one_message(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    status, out, err = run(capsys, "sample", MUSIC, "-n", "5", "--dask", "local:2")
    assert (status, out) == (2, "")
    assert err == "grammar-fst: error: --dask needs dask.distributed: pip install " \
        "'grammar-fst[dask]'\n"


def _scaled(factor: int, item: int) -> int:
    if item < 0:
        raise UsageError(f"item {item} is negative")
    return factor * item


@pytest.mark.parametrize(
    "where", ["this process", "processes", "processes, tasks of 3", "cluster", "tasks of 3"]
)
def test_mapped_work_comes_back_in_order_and_its_errors_are_raised_here(cluster, where):
    options = {
        "processes": {"jobs": 2},
        "processes, tasks of 3": {"jobs": 2, "per_task": 3},
        "cluster": {"client": cluster[1]},
        "tasks of 3": {"client": cluster[1], "per_task": 3},  # 40 items: the last task has 1
    }.get(where, {})
    assert list(parallel.mapped(_scaled, range(40), 3, **options)) == [3 * i for i in range(40)]
    with pytest.raises(UsageError, match="item -1 is negative"):
        list(parallel.mapped(_scaled, [5, 4, -1, 2], 3, **options))


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    """Annotated utterances of three intents (sampled from the music grammar)."""
    path = tmp_path_factory.mktemp("golden") / "golden.jsonl"
    lines = [jsonl.line(u, i) for i, u in enumerate(load(MUSIC).sample(90, seed=4))]
    path.write_text("".join(f"{line}\n" for line in lines))
    return path


def test_induce_on_processes_and_on_a_cluster_writes_the_same_grammar(cluster, capsys, golden):
    one = run(capsys, "induce", golden, "--quiet")[1]
    assert one.count("intent ") >= 3
    assert run(capsys, "induce", golden, "--quiet", "--jobs", "2")[1] == one
    address = cluster[0].scheduler_address
    assert run(capsys, "induce", golden, "--quiet", "--dask", address)[1] == one


def test_evaluate_on_processes_and_on_a_cluster_gives_the_same_report(cluster, capsys, golden):
    argv = ["evaluate", MUSIC, "--heldout", golden, "--json", "--samples", "3000"]
    one = run(capsys, *argv)[1]
    assert '"heldout": 90' in one and '"recall": 1.0' in one
    assert run(capsys, *argv, "--jobs", "2")[1] == one
    assert run(capsys, *argv, "--dask", cluster[0].scheduler_address)[1] == one


@pytest.mark.parametrize(
    "argv, work",
    [
        (["induce", MUSIC.with_suffix(".jsonl")], "the intents"),
        (["evaluate", MUSIC, "--heldout", "x.jsonl"], "the parsing and sampling"),
    ],
)
def test_dask_beside_jobs_is_one_message(capsys, argv, work):
    status, out, err = run(capsys, *argv, "--dask", "local:2", "--jobs", "2")
    assert (status, out) == (2, "")
    assert err.startswith(f"grammar-fst: error: --dask runs {work} on the cluster: no --jobs")


def test_induce_without_the_dask_extra_is_one_message(capsys, monkeypatch, golden):
    monkeypatch.setitem(sys.modules, "distributed", None)
    status, out, err = run(capsys, "induce", golden, "--dask", "local:2")
    assert (status, out) == (2, "")
    assert err.startswith("grammar-fst: error: --dask needs dask.distributed")


@pytest.mark.parametrize(
    "work, said",
    [
        ("os._exit(1)", "the workers did not start: 2 ended before serving"),
        ("time.sleep(30)", "the workers did not start: 0 of them started within 0.5 s"),
    ],
)
def test_forked_workers_that_never_serve_are_one_clear_error(work, said):
    """The forked workers say on a pipe when they serve; one that dies first, or never
    gets there, stops the run at once or at the deadline. In a process of its own: this
    one runs other threads, and forks only from a process without them are safe."""
    script = f"""
import os, time
from grammar_fst import errors, parallel
async def _work(address, serves):
    {work}
parallel._work = _work
parallel._Forked.STARTED = parallel._Forked.ENDED = 0.5
with parallel._forked(2) as workers:
    try:
        workers.start("tcp://127.0.0.1:9")
    except errors.UsageError as err:
        print(err)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(GRAMMARS.parent)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip() == f"--dask local:2: {said}", done.stderr


def test_a_progress_bar_leaves_no_thread_so_local_workers_are_forked():
    """A bar's monitor thread would make `forks_here` false for the rest of the run: the
    workers of `--dask local:N --progress` were spawned, slower, and on a signal their
    queues' semaphores were reported leaked. In a process of its own: this one runs
    other threads."""
    script = """
from grammar_fst import parallel, progress
print(parallel.forks_here(), end=" ")
list(progress.counted([[1], [2]], 2, "x", shown=True))
print(parallel.forks_here())
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(GRAMMARS.parent)},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.stdout.strip() == "True True", done.stderr
