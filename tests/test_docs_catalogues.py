"""The examples of docs/catalogues.md are what the tool does.

Fenced blocks of the doc, by info string:

- ```console: lines starting with `$ ` are commands, run in order from the repository root;
  the lines after a command, up to the next one, are what the terminal shows: its messages
  on standard error (compile's `wrote ...` line, warnings, errors), then its standard
  output. `grammar-fst ...` runs through `grammar_fst.cli.main.main`; other commands (`cat`,
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
import shlex

import pytest
from doc_blocks import (
    ROOT,
    Block,
    commands,
    expected_status,
    in_folder_beside_grammars,
    read_blocks,
    run,
)

import grammar_fst as gf

DOC = ROOT / "docs" / "catalogues.md"
LANGUAGE_DOC = ROOT / "docs" / "grammar-language.md"
BLOCKS = read_blocks(DOC)


def of_kind(kind: str, blocks: list[Block] = BLOCKS) -> list[Block]:
    return [b for b in blocks if b.kind == kind]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A fresh current folder that sees the repository's grammars/ at the same path."""
    return in_folder_beside_grammars(tmp_path, monkeypatch)


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
        assert status in (None, expected_status(command)), f"{where}: exit status {status}"


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
    grammar = gf.load(path, allow=[ROOT / "grammars" / "catalogues"])  # the link leads there
    assert grammar.count() > 0
