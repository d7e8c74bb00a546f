"""Running a command in a child process and measuring that child alone.

A child forked from a large process inherits that process's peak RSS on Linux (the high-
water mark survives exec), so the command is started from a small launcher process (this
file run as a script), which measures it with `os.wait4` and reports in JSON. A CPU limit,
when given, is the command's RLIMIT_CPU: past it the command is stopped and reported as
timed out rather than failed.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Usage:
    cpu_s: float  # user + system CPU seconds of the command
    peak_rss_mb: float  # of the command's own process (not of processes it starts)
    wall_s: float
    timed_out: bool = False  # stopped at its CPU limit: cpu_s is that limit


def measure(
    cmd: list[str], cwd: Path, log: Path, cpu_limit: int = 0, succeeds: tuple[int, ...] = (0,)
) -> Usage:
    """Run `cmd` in `cwd` (its output to `log`); its CPU time, peak RSS and wall time,
    stopping it after `cpu_limit` CPU seconds if that is given.
    A command that fails (an exit status not in `succeeds`: 1 is a success for a command
    that skipped bad records on purpose) raises RuntimeError with the end of its output."""
    codes = ",".join(map(str, succeeds))
    launcher = [sys.executable, __file__, str(log), str(cpu_limit), codes, *cmd]
    done = subprocess.run(launcher, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {done.stderr[-500:]}{log.read_text()[-2000:]}")
    return Usage(**json.loads(done.stdout))


def _launch(log: str, cpu_limit: int, succeeds: set[int], cmd: list[str]) -> int:
    def limit() -> None:  # SIGXCPU at the soft limit, SIGKILL a little later
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_limit, cpu_limit + 5))

    start = time.perf_counter()
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            preexec_fn=limit if cpu_limit else None,
        )
        _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    timed_out = cpu_limit > 0 and code in (-signal.SIGXCPU, -signal.SIGKILL)
    if code in succeeds or timed_out:  # Linux reports ru_maxrss in KiB
        cpu = usage.ru_utime + usage.ru_stime
        wall = time.perf_counter() - start
        peak = usage.ru_maxrss / 1024
        print(
            json.dumps({"cpu_s": cpu, "peak_rss_mb": peak, "wall_s": wall, "timed_out": timed_out})
        )
        return 0
    return code


if __name__ == "__main__":
    codes = {int(code) for code in sys.argv[3].split(",")}
    raise SystemExit(_launch(sys.argv[1], int(sys.argv[2]), codes, sys.argv[4:]))
