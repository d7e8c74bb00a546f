"""Running a command in a child process and measuring that child alone.

A child forked from a large process inherits that process's peak RSS on Linux (the high-
water mark survives exec), so the command is started from a small launcher process (this
file run as a script), which measures it with `os.wait4` and reports in JSON.
"""

from __future__ import annotations

import json
import os
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


def measure(cmd: list[str], cwd: Path, log: Path) -> Usage:
    """Run `cmd` in `cwd` (its output to `log`); its CPU time, peak RSS and wall time.
    A command that fails raises RuntimeError with the end of its output."""
    launcher = [sys.executable, __file__, str(log), *cmd]
    done = subprocess.run(launcher, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {done.stderr[-500:]}{log.read_text()[-2000:]}")
    return Usage(**json.loads(done.stdout))


def _launch(log: str, cmd: list[str]) -> int:
    start = time.perf_counter()
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:  # Linux reports ru_maxrss in KiB
        cpu = usage.ru_utime + usage.ru_stime
        wall = time.perf_counter() - start
        print(json.dumps({"cpu_s": cpu, "peak_rss_mb": usage.ru_maxrss / 1024, "wall_s": wall}))
    return code


if __name__ == "__main__":
    raise SystemExit(_launch(sys.argv[1], sys.argv[2:]))
