"""Reading the fenced blocks of a Markdown document and running its console sessions, so
that tests can check that the documentation shows what the tool does.

In a ```console block, lines starting with `$ ` are commands and the lines after one, up
to the next, are what the terminal shows: its standard error, then its standard output.
A plain `grammar-fst ...` command runs through `grammar_fst.cli.main.main`; anything else (a
pipe, `;`, `>`, `printf`, `cat`) runs through bash, with this environment's `grammar-fst`
first on the PATH.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from grammar_fst.cli.main import main

ROOT = Path(__file__).parent.parent
FENCE = re.compile(r"^```(\S*)\s*$")
PROMPT = "$ "
SHELL = re.compile(r"[;|<>&$`]")


@dataclass
class Block:
    kind: str  # the fence's info string
    text: str
    line: int  # line of the opening fence, from 1
    doc: str
    next: Block | None = None  # the block right after it, if only blank lines separate them

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"{self.doc}:{self.line} ({self.kind})"


def read_blocks(path: Path) -> list[Block]:
    """The fenced blocks of `path`, in order, each linked to the block directly after it."""
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks: list[Block] = []
    gap_is_blank = False  # only blank lines since the end of the previous block
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            gap_is_blank = gap_is_blank and not lines[i].strip()
            i += 1
            continue
        start, body = i, []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i])
            i += 1
        assert i < len(lines), f"{path.name}:{start + 1}: fence never closed"
        block = Block(m.group(1), "\n".join(body) + "\n", start + 1, path.name)
        if blocks and gap_is_blank:
            blocks[-1].next = block
        blocks.append(block)
        gap_is_blank = True
        i += 1
    return blocks


@dataclass
class Command:
    line: int  # in the doc
    text: str  # without the prompt
    output: list[str]  # the lines the doc shows after it


def commands(block: Block) -> list[Command]:
    """The commands of a ```console block, each with the output lines shown after it."""
    found: list[Command] = []
    for offset, line in enumerate(block.text.rstrip("\n").split("\n"), 1):
        if line.startswith(PROMPT):
            found.append(Command(block.line + offset, line[len(PROMPT) :], []))
        else:
            assert found, f"{block}: output before the first '$ ' command"
            found[-1].output.append(line)
    return found


def in_folder_beside_grammars(folder: Path, monkeypatch) -> Path:
    """Make `folder` the current folder, with copies of the repository's grammars/ and
    examples/ at the same relative paths, so commands write nothing into the repository
    (copies, not links: a grammar written here may read a catalogue in examples/ only if
    it really lies in its folder tree)."""
    for name in ("grammars", "examples"):
        shutil.copytree(ROOT / name, folder / name)
    monkeypatch.chdir(folder)
    return folder


def run(command: Command, capsys, folder: Path) -> tuple[int | None, list[str]]:
    """Run one command; its exit status and what it printed, standard error first. A
    shell command list's status is its last command's, which the doc shows if it
    matters (`; echo "exit $?"`), so it is given as None."""
    argv = shlex.split(command.text)
    if argv[0] == "grammar-fst" and not SHELL.search(command.text):
        capsys.readouterr()
        status = main(argv[1:])
        captured = capsys.readouterr()
        err, out = captured.err, captured.out
    else:
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        done = subprocess.run(
            ["bash", "-c", command.text],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PATH": path},
        )
        status = None if ";" in command.text else done.returncode
        err, out = done.stderr, done.stdout
    printed = (err + out).splitlines()
    while printed and not printed[-1]:  # a doc's block cannot end with a blank line
        printed.pop()
    return status, printed


def expected_status(command: Command) -> int:
    """2 for a user error, 1 for a parse with a sentence outside the grammar (null, or []
    with --all) or data with skipped records, else 0."""
    if any(line.startswith("grammar-fst: error:") for line in command.output):
        return 2
    if any(re.search(r" bad records?$", line) for line in command.output):
        return 1
    if command.text.startswith("grammar-fst parse") and {"null", "[]"} & set(command.output):
        return 1
    return 0
