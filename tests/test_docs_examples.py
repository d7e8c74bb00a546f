"""The examples of docs/grammar-language.md are what the tool does.

Fenced blocks of the doc, by info string:

- ```grm: a complete grammar; it must compile with `from_text`. If the next block (only
  blank lines between) is ```text, that block lists every sentence the grammar generates,
  one per line, no more and no less. A ```text-sample block lists some of them.
- ```json: the record of one sentence of the closest ```grm block above it.
- ```grm-error: a grammar that `from_text` must refuse with a GrammarError; a following
  ```error block holds (part of) the error's `FILE:LINE:COL: message` text.
- ```grm-import: one file of an import example; its first line is a comment naming the
  file (`# common.grm: ...`). All of them are written to one directory; a file followed
  by ```text or ```error is loaded with `load` and checked like the blocks above.

Grammars given as text are compiled under the name `example.grm`, so that error messages
look as they do for a file of that name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from doc_blocks import Block, read_blocks

import grammar_fst as gf

DOC = Path(__file__).parent.parent / "docs" / "grammar-language.md"
NAME = "example.grm"
FILE_NAME = re.compile(r"#\s*([\w./-]+\.grm)\b")


BLOCKS = read_blocks(DOC)


def of_kind(kind: str) -> list[Block]:
    return [b for b in BLOCKS if b.kind == kind]


def following(block: Block, kind: str) -> Block | None:
    return block.next if block.next is not None and block.next.kind == kind else None


def compile_text(text: str) -> gf.CompiledGrammar:
    return gf.from_text(text, NAME)


def check_language(grammar: gf.CompiledGrammar, block: Block) -> None:
    """The sentences of `grammar` against the ```text or ```text-sample block after `block`."""
    generated = {u.text for u in grammar.all()}
    if (listing := following(block, "text")) is not None:
        expected = listing.lines
        assert len(expected) == len(set(expected)), f"{listing}: a sentence is listed twice"
        assert set(expected) == generated, (
            f"{listing}: missing {sorted(generated - set(expected))}, "
            f"not generated {sorted(set(expected) - generated)}"
        )
    if (sample := following(block, "text-sample")) is not None:
        unknown = set(sample.lines) - generated
        assert not unknown, f"{sample}: not generated {sorted(unknown)}"


# -- the doc's shape --------------------------------------------------------------------


def test_the_doc_has_examples_of_every_kind():
    assert len(of_kind("grm")) >= 20
    assert of_kind("grm-error") and of_kind("error") and of_kind("grm-import")
    assert following(of_kind("grm")[0], "text") is not None


def test_every_result_block_follows_an_example():
    """A ```text, ```text-sample or ```error block not right after its example would
    silently go unchecked."""
    owners = {
        "text": ("grm", "grm-import"),
        "text-sample": ("grm", "grm-import"),
        "error": ("grm-error", "grm-import"),
    }
    for before, block in zip(BLOCKS, BLOCKS[1:], strict=False):
        if block.kind in owners:
            assert before.next is block and before.kind in owners[block.kind], (
                f"{block} does not directly follow a {' or '.join(owners[block.kind])} block"
            )


# -- grammars ---------------------------------------------------------------------------


@pytest.mark.parametrize("block", of_kind("grm"), ids=repr)
def test_grm_example_compiles_and_generates_what_the_doc_says(block):
    grammar = compile_text(block.text)
    check_language(grammar, block)


def _records():
    """Each ```json block with the closest ```grm block above it."""
    current = None
    for block in BLOCKS:
        if block.kind == "grm":
            current = block
        elif block.kind == "json":
            yield pytest.param(current, block, id=repr(block))


@pytest.mark.parametrize("grammar_block, record_block", list(_records()))
def test_json_record_is_one_the_grammar_produces(grammar_block, record_block):
    assert grammar_block is not None, f"{record_block}: no ```grm block above it"
    record = json.loads(record_block.text)
    records = [u.to_dict() for u in compile_text(grammar_block.text).all()]
    assert record in records


@pytest.mark.parametrize("block", of_kind("grm-error"), ids=repr)
def test_grm_error_example_is_refused_with_the_doc_message(block):
    with pytest.raises(gf.GrammarError) as caught:
        compile_text(block.text)
    if (expected := following(block, "error")) is not None:
        assert expected.text.strip() in str(caught.value)


# -- imports ----------------------------------------------------------------------------


def _file_name(block: Block) -> str:
    first = block.text.lstrip().split("\n", 1)[0]
    m = FILE_NAME.match(first)
    assert m, f"{block}: the first line must be a comment naming the file: # common.grm"
    return m.group(1)


@pytest.fixture
def import_dir(tmp_path, monkeypatch):
    """Every ```grm-import block written as a file of one directory, the current one."""
    names = [_file_name(b) for b in of_kind("grm-import")]
    assert len(names) == len(set(names)), "two ```grm-import blocks name the same file"
    for name, block in zip(names, of_kind("grm-import"), strict=True):
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("block", of_kind("grm-import"), ids=repr)
def test_grm_import_example_parses(block):
    gf.parse(block.text, _file_name(block))


CHECKED_IMPORTS = [
    b
    for b in of_kind("grm-import")
    if b.next is not None and b.next.kind in ("text", "text-sample", "error")
]


@pytest.mark.parametrize("block", CHECKED_IMPORTS, ids=repr)
def test_grm_import_example_loads_as_the_doc_says(block, import_dir):
    name = _file_name(block)
    if (expected := following(block, "error")) is not None:
        with pytest.raises(gf.GrammarError) as caught:
            gf.load(name)
        assert expected.text.strip() in str(caught.value)
    else:
        check_language(gf.load(name), block)
