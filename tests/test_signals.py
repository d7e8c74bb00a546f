"""Signals and faults while writing: no temporary file survives a signal, one left by a
killed process is removed by the next run, a full disk is one clear line, and the output
that was there before is intact in every case."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
MUSIC = ROOT / "grammars" / "music.grm"
OLD = "the previous output\n"


def command(*argv) -> list[str]:
    return [sys.executable, "-m", "grammar_fst", *map(str, argv)]


def environment() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def run_script(script: str, *argv) -> subprocess.CompletedProcess:
    """`script` run by a fresh interpreter with the project on its path, to its end."""
    return subprocess.run(
        [sys.executable, "-c", script, *map(str, argv)],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def temporaries(folder: Path) -> list[str]:
    """The temporary files and folders of pieces (`--dask local:N`) in `folder`."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".pieces")))


def start_long_sample(folder: Path, *argv, **options) -> tuple[subprocess.Popen, Path]:
    """A sample of millions of sentences to `keep.jsonl`, once its temporary file exists."""
    out = folder / "keep.jsonl"
    out.write_text(OLD, encoding="utf-8")
    child = subprocess.Popen(
        command("sample", MUSIC, "-n", "5000000", "-o", out, *argv),
        env=environment(),
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )
    deadline = time.monotonic() + 60
    while not temporaries(folder):
        assert child.poll() is None and time.monotonic() < deadline, "no temporary file"
        time.sleep(0.05)
    return child, out


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_leaves_no_temporary_file_and_the_old_output(tmp_path, signum):
    child, out = start_long_sample(tmp_path)
    child.send_signal(signum)
    err = child.communicate(timeout=60)[1]
    assert child.returncode == 128 + signum
    assert "Traceback" not in err and err.count("\n") == 1
    assert temporaries(tmp_path) == [] and out.read_text(encoding="utf-8") == OLD


# a signal at the worst moment: the temporary file made, not yet listed for removal
SIGNAL_AT_MKSTEMP = """
import os, signal, sys, tempfile
from grammar_fst import output, signals
made = tempfile.mkstemp
def mkstemp(*args, **kwargs):
    made_now = made(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGTERM)
    return made_now
tempfile.mkstemp = mkstemp
with signals.stop_cleanly("grammar-fst"):
    output.write_bytes([b"new"], sys.argv[1])
"""


def test_a_signal_as_the_temporary_file_is_made_leaves_none(tmp_path):
    out = tmp_path / "keep.jsonl"
    out.write_text(OLD, encoding="utf-8")
    child = run_script(SIGNAL_AT_MKSTEMP, out)
    assert child.returncode == 128 + signal.SIGTERM
    assert child.stderr == "grammar-fst: stopped by SIGTERM\n"
    assert temporaries(tmp_path) == [] and out.read_text(encoding="utf-8") == OLD


def test_sigterm_to_a_run_with_worker_processes(tmp_path):
    child, out = start_long_sample(tmp_path, "--jobs", "2", start_new_session=True)
    os.killpg(child.pid, signal.SIGTERM)  # as `timeout` and CI do: the whole group
    err = child.communicate(timeout=60)[1]
    assert child.returncode == 128 + signal.SIGTERM and "Traceback" not in err
    assert temporaries(tmp_path) == [] and out.read_text(encoding="utf-8") == OLD


def start_writing_in_turn(
    folder: Path, to_stdout: bool, workers: tuple[str, ...] = ("--jobs", "2"), **options
) -> subprocess.Popen:
    """A long sample on two forked workers (`--jobs 2` or `--dask local:2`) once they
    write into the output themselves (its temporary file in `folder` holds bytes, or its
    two workers run when it writes to standard output)."""
    out = folder / "keep.jsonl"
    out.write_text(OLD, encoding="utf-8")
    written = [] if to_stdout else ["-o", out]
    child = subprocess.Popen(
        command("sample", MUSIC, "-n", "5000000", *workers, *written),
        env={**environment(), "TMPDIR": str(folder)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )

    def writing() -> bool:
        if to_stdout:
            return len(_children(child.pid)) >= 2
        return any(p.stat().st_size for p in folder.glob("*.tmp"))

    deadline = time.monotonic() + 60
    while not writing():
        assert child.poll() is None and time.monotonic() < deadline, "no worker writing"
        time.sleep(0.02)
    return child


@pytest.mark.parametrize("workers", [("--jobs", "2"), ("--dask", "local:2")])
@pytest.mark.parametrize("to_stdout", [False, True])
@pytest.mark.parametrize("group", [False, True])
def test_a_signal_while_the_workers_write_leaves_the_old_output(
    tmp_path, to_stdout, group, workers
):
    """SIGTERM to the main process alone (its workers end with it, whatever they were
    writing) or SIGINT to the whole group (Ctrl-C)."""
    child = start_writing_in_turn(tmp_path, to_stdout, workers, start_new_session=True)
    workers = _children(child.pid)
    signum = signal.SIGINT if group else signal.SIGTERM
    if group:
        os.killpg(child.pid, signum)
    else:
        child.send_signal(signum)
    err = child.communicate(timeout=60)[1]
    assert child.returncode == 128 + signum and "Traceback" not in err
    assert temporaries(tmp_path) == []
    assert (tmp_path / "keep.jsonl").read_text(encoding="utf-8") == OLD
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def test_the_next_run_removes_what_a_killed_run_left(tmp_path):
    child, out = start_long_sample(tmp_path)
    child.kill()
    child.communicate(timeout=60)
    left = temporaries(tmp_path)
    assert len(left) == 1 and out.read_text(encoding="utf-8") == OLD
    alive = tmp_path / f".keep.jsonl.{os.getpid()}.abcd1234.tmp"  # a run still going
    alive.write_text("", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("kept\n", encoding="utf-8")
    planted = tmp_path / ".keep.jsonl.999999999.abcd1234.tmp"  # a link: never followed
    planted.symlink_to(elsewhere)
    done = subprocess.run(
        command("sample", MUSIC, "-n", "3", "-o", out), env=environment(), check=True
    )
    assert done.returncode == 0 and len(out.read_text(encoding="utf-8").splitlines()) == 3
    assert temporaries(tmp_path) == sorted([alive.name, planted.name])
    assert elsewhere.read_text(encoding="utf-8") == "kept\n"


def _file_size_limit(size: int):
    """A child whose writes fail past `size` bytes, as on a full disk."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pytest.mark.parametrize(
    "argv, name, size",
    [
        (["compile", MUSIC, "-o", "{out}"], "music.far", 8000),
        (["sample", MUSIC, "-n", "2000", "-o", "{out}"], "keep.jsonl", 8000),
        # a worker cannot write its block into the output: the first one, or a later one
        (["sample", MUSIC, "-n", "20000", "--jobs", "2", "-o", "{out}"], "keep.jsonl", 8000),
        (["sample", MUSIC, "-n", "20000", "--jobs", "2", "-o", "{out}"], "keep.jsonl", 3 << 20),
        (["sample", MUSIC, "-n", "20000", "--dask", "local:2", "-o", "{out}"], "keep.jsonl", 8000),
    ],
)
def test_a_full_disk_is_one_line_naming_the_output(tmp_path, argv, name, size):
    out = tmp_path / name
    out.write_text(OLD, encoding="utf-8")
    done = subprocess.run(
        command(*(str(a).format(out=out) for a in argv)),
        env=environment(),
        capture_output=True,
        text=True,
        preexec_fn=_file_size_limit(size),
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"grammar-fst: error: cannot write {out}")
    assert done.stderr.count("\n") == 1 and "ERROR" not in done.stderr
    assert out.read_text(encoding="utf-8") == OLD and temporaries(tmp_path) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("jobs", [1, 2])  # on 2, the workers write to the device
def test_a_full_device_or_standard_output_is_named(tmp_path, jobs):
    done = subprocess.run(
        command("sample", MUSIC, "-n", "2000", "--jobs", jobs, "-o", "/dev/full"),
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "cannot write /dev/full: No space left" in done.stderr
    for fmt in ("jsonl", "text"):  # a few lines: the failure comes at the flush
        few = ["sample", MUSIC, "-n", "5", "--jobs", jobs, "--format", fmt, "-o", "/dev/full"]
        done = subprocess.run(command(*few), env=environment(), capture_output=True, text=True)
        assert done.returncode == 2
        said = "grammar-fst: error: cannot write /dev/full: No space left on device\n"
        assert done.stderr == said
    with open("/dev/full", "w") as full:
        for argv in (["sample", MUSIC, "-n", "2000", "--jobs", jobs], ["count", MUSIC]):
            done = subprocess.run(
                command(*argv), env=environment(), stdout=full, stderr=subprocess.PIPE, text=True
            )
            assert done.returncode == 2
            assert done.stderr == (
                "grammar-fst: error: cannot write to standard output: No space left on device\n"
            )


INTERRUPTED_IMPORT = """
import builtins, os, signal, sys
import grammar_fst.__main__ as launcher
real_import = builtins.__import__
def interrupting(name, *args, **kwargs):
    if name == "pynini":  # Ctrl-C while the heavy modules load
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = interrupting
sys.argv = ["grammar-fst", "count", sys.argv[1]]
launcher.run()
"""


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_a_run_that_fails_before_its_first_shard_makes_no_folder(tmp_path, fmt):
    """The folder of shards is made with the first shard: an unknown intent leaves
    nothing behind; a folder that is there is used as it is."""
    folder = tmp_path / "new" / "shards"
    argv = ["sample", MUSIC, "-n", "10", "--format", fmt, "-o", f"{folder}/"]
    done = subprocess.run(
        command(*argv, "--intent", "Nope"), env=environment(), capture_output=True, text=True
    )
    assert done.returncode == 2 and "Nope" in done.stderr and not (tmp_path / "new").exists()
    done = subprocess.run(command(*argv), env=environment(), capture_output=True, text=True)
    assert done.returncode == 0 and [p.name for p in folder.iterdir()] == [f"part-00000.{fmt}"]


def test_ctrl_c_while_the_modules_load_is_no_traceback():
    done = run_script(INTERRUPTED_IMPORT, MUSIC)
    assert done.returncode == 130 and done.stderr == "grammar-fst: interrupted\n"
    assert done.stdout == ""


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_workers_end_with_their_parent(tmp_path):
    """A worker whose parent is gone (killed outright, or stopped by a signal sent while
    the worker was being forked, which the worker never receives) ends too, rather than
    waiting for work forever with the parent's standard error open."""
    child, _ = start_long_sample(tmp_path, "--jobs", "2")
    deadline = time.monotonic() + 60
    while len(workers := _children(child.pid)) < 2:
        assert child.poll() is None and time.monotonic() < deadline, "no workers"
        time.sleep(0.05)
    child.kill()
    child.communicate(timeout=60)
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def test_a_signal_stops_the_graphviz_it_waits_for(tmp_path):
    """`kill PID` reaches grammar-fst alone: the `dot` it waits for (minutes on a large
    picture) went on running after it had stopped."""
    pid_file = tmp_path / "dot.pid"
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 60\n")
    fake.chmod(0o755)
    env = {**environment(), "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    out = tmp_path / "toy.svg"
    child = subprocess.Popen(
        command("draw", ROOT / "grammars" / "toy.grm", "-o", out), env=env, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text().strip():
        assert child.poll() is None and time.monotonic() < deadline, "dot never started"
        time.sleep(0.05)
    dot = int(pid_file.read_text())
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == 128 + signal.SIGTERM
    deadline = time.monotonic() + 10
    while _running(dot):
        assert time.monotonic() < deadline, "dot still running"
        time.sleep(0.05)
    assert not out.exists() and not temporaries(tmp_path)


def _running(pid: int) -> bool:
    """Whether process `pid` runs (a zombie waiting for its parent's exit does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
