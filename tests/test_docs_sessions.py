"""The README's tour, docs/index.md, sampling.md, resampling.md, induction.md,
evaluation.md, importing.md, security.md, scaling.md and grammar-language.md's `check`
session show what the tool does: their
console sessions print what is shown, and their Python sessions run as shown.

Unlike docs/catalogues.md, whose blocks stand alone, each of these documents is one
session: its blocks run in order in one folder (the README compiles `music.far` in one
block and reads it in the next).
"""

from __future__ import annotations

import doctest

import pytest
from doc_blocks import ROOT, commands, expected_status, in_folder_beside_grammars, read_blocks, run

DOCS = [
    ROOT / "README.md",
    *(
        ROOT / "docs" / n
        for n in (
            "index.md",
            "sampling.md",
            "resampling.md",
            "induction.md",
            "evaluation.md",
            "importing.md",
            "security.md",
            "scaling.md",
            "grammar-language.md",
        )
    ),
]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_sessions_print_what_the_doc_shows(doc, tmp_path, monkeypatch, capsys):
    folder = in_folder_beside_grammars(tmp_path, monkeypatch)
    blocks = [b for b in read_blocks(doc) if b.kind in ("console", "pycon")]
    assert blocks, f"{doc.name} shows no session"
    for block in blocks:
        if block.kind == "pycon":
            _check_pycon(block, doc)
            continue
        for command in commands(block):
            status, printed = run(command, capsys, folder)
            where = f"{doc.name}:{command.line}: $ {command.text}"
            assert printed == command.output, f"{where}\nprinted:\n" + "\n".join(printed)
            assert status in (None, expected_status(command)), f"{where}: exit status {status}"


def _check_pycon(block, doc):
    test = doctest.DocTestParser().get_doctest(block.text, {}, repr(block), str(doc), block.line)
    report: list[str] = []
    result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test, out=report.append)
    assert result.failed == 0, "".join(report)


# docs/catalogues.md's blocks are run one by one (test_docs_catalogues.py); benchmarks.md
# records what benchmark runs printed, on one machine at one time
ELSEWHERE = {"catalogues.md", "benchmarks.md"}


def test_every_doc_with_a_session_is_run():
    shown = {p.name for p in (ROOT / "docs").glob("*.md") if "```console" in p.read_text("utf-8")}
    assert shown - ELSEWHERE <= {doc.name for doc in DOCS}
