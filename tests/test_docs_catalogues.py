"""The examples of docs/catalogues.md are what the tool does.

Fenced blocks of the doc, by info string:

- ```console: lines starting with `$ ` are commands, run in order from the repository root;
  the lines after a command, up to the next one, are what the terminal shows: its messages
  on standard error (compile's `wrote ...` line, warnings, errors), then its standard
  output. `grammar-fst ...` runs through `grammar_fst.cli.main`; other commands (`cat`,
  `printf ... > file`) run through bash. Each block starts in a fresh folder holding only a
  link to `grammars/`, so the files it writes (`travel.far`, `bad.tsv`) stay out of the
  repository, and every block stands on its own.
- ```pycon: a Python session, checked with doctest from the same kind of folder.
- ```json: a record shown pretty-printed; it must be one a ```console block prints.

The ```grm-catalogue blocks of docs/grammar-language.md (grammars with `slot x from
"file"`, which tests/test_docs_examples.py cannot compile from text) are loaded here, as a
file beside `grammars/`'s folder of catalogues.
"""

from __future__ import annotations

import doctest
import json
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst.cli import main

ROOT = Path(__file__).parent.parent
DOC = ROOT / "docs" / "catalogues.md"
LANGUAGE_DOC = ROOT / "docs" / "grammar-language.md"
FENCE = re.compile(r"^```(\S*)\s*$")
PROMPT = "$ "


@dataclass
class Block:
    kind: str  # the fence's info string
    text: str
    line: int  # line of the opening fence, from 1
    doc: str

    def __repr__(self) -> str:
        return f"{self.doc}:{self.line} ({self.kind})"


def read_blocks(path: Path) -> list[Block]:
    """The fenced blocks of `path`, in order."""
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, body = i, []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i])
            i += 1
        assert i < len(lines), f"{path.name}:{start + 1}: fence never closed"
        blocks.append(Block(m.group(1), "\n".join(body) + "\n", start + 1, path.name))
        i += 1
    return blocks


BLOCKS = read_blocks(DOC)


def of_kind(kind: str, blocks: list[Block] = BLOCKS) -> list[Block]:
    return [b for b in blocks if b.kind == kind]


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


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A fresh current folder that sees the repository's grammars/ at the same path."""
    (tmp_path / "grammars").symlink_to(ROOT / "grammars", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(command: Command, capsys, folder: Path) -> tuple[int, list[str]]:
    """Run one command; its exit status and what it printed, standard error first."""
    argv = shlex.split(command.text)
    if argv[0] == "grammar-fst":
        capsys.readouterr()
        status = main(argv[1:])
        captured = capsys.readouterr()
        err, out = captured.err, captured.out
    else:
        done = subprocess.run(
            ["bash", "-c", command.text], cwd=folder, capture_output=True, text=True, check=False
        )
        status, err, out = done.returncode, done.stderr, done.stdout
    return status, (err + out).splitlines()


def expected_status(command: Command) -> int:
    """2 for a user error, 1 for a parse with a sentence outside the grammar, else 0."""
    if any(line.startswith("grammar-fst: error:") for line in command.output):
        return 2
    if command.text.startswith("grammar-fst parse") and "null" in command.output:
        return 1
    return 0


# -- the doc's shape --------------------------------------------------------------------


def test_the_doc_shows_the_worked_example():
    shown = [c.text for b in of_kind("console") for c in commands(b)]
    spanish = "--catalogue city=grammars/catalogues/cities_es.tsv"
    samples = [c for c in shown if c.startswith("grammar-fst sample grammars/travel.grm")]
    assert any(spanish in c and "--seed" in c for c in samples)
    assert any(spanish not in c and "--seed" in c for c in samples)
    assert any(c.startswith("grammar-fst parse") for c in shown)
    assert any(c.startswith("grammar-fst compile travel.far --catalogue") for c in shown)
    assert of_kind("pycon") and of_kind("json")


# -- console sessions -------------------------------------------------------------------


@pytest.mark.parametrize("block", of_kind("console"), ids=repr)
def test_console_block_prints_what_the_doc_shows(block, workdir, capsys):
    for command in commands(block):
        status, printed = run(command, capsys, workdir)
        where = f"{DOC.name}:{command.line}: $ {command.text}"
        assert printed == command.output, f"{where}\nprinted:\n" + "\n".join(printed)
        assert status == expected_status(command), f"{where}: exit status {status}"


def test_console_blocks_write_nothing_into_the_repository():
    """Every command that writes a file names it relative to the current folder, never
    inside grammars/ (which the tests link to the real one)."""
    for block in of_kind("console"):
        for command in commands(block):
            argv = shlex.split(command.text)
            targets = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a in ("-o", ">")]
            targets += [a[1:] for a in argv if a.startswith(">") and len(a) > 1]
            assert not any(t.startswith("grammars") for t in targets), command.text


# -- Python sessions --------------------------------------------------------------------


@pytest.mark.parametrize("block", of_kind("pycon"), ids=repr)
def test_pycon_block_runs_as_shown(block, workdir):
    test = doctest.DocTestParser().get_doctest(block.text, {}, repr(block), str(DOC), block.line)
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test, out=report.append)
    assert result.failed == 0, "".join(report)


# -- records ----------------------------------------------------------------------------


def _printed_records() -> list[dict]:
    """The records the doc's grammar-fst commands print, one JSON object a line."""
    return [
        json.loads(line)
        for block in of_kind("console")
        for command in commands(block)
        if command.text.startswith("grammar-fst ")
        for line in command.output
        if line.startswith("{")
    ]


@pytest.mark.parametrize("block", of_kind("json"), ids=repr)
def test_json_record_is_one_a_command_prints(block):
    assert json.loads(block.text) in _printed_records()


# -- docs/grammar-language.md -----------------------------------------------------------


LANGUAGE_BLOCKS = of_kind("grm-catalogue", read_blocks(LANGUAGE_DOC))


def test_the_language_doc_shows_a_catalogue_slot():
    assert LANGUAGE_BLOCKS and all(" from " in b.text for b in LANGUAGE_BLOCKS)


@pytest.mark.parametrize("block", LANGUAGE_BLOCKS, ids=repr)
def test_grm_catalogue_example_loads_beside_the_bundled_catalogues(block, tmp_path):
    (tmp_path / "catalogues").symlink_to(ROOT / "grammars" / "catalogues")
    path = tmp_path / "example.grm"
    path.write_text(block.text, encoding="utf-8")
    grammar = gf.load(path)
    assert grammar.count() > 0
