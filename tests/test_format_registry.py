"""The registry of formats (grammar_fst.data.formats): every registered format writes the
bytes it wrote before the registry existed (tests/format_outputs/, written by the code of
that time) and reads back what it writes; the registry is one list that every format
module is on, with one format for each name and for each file ending; and a new format
is its module plus one registry line (a throwaway one, in a copy of the package, driven
through the command line)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from grammar_fst.data import formats, resample
from grammar_fst.data.formats import FORMATS, jsonl
from grammar_fst.data.records import SlotValue, Utterance

OUTPUTS = Path(__file__).parent / "format_outputs"
PACKAGE = Path(__file__).resolve().parent.parent / "grammar_fst"
EXAMPLE = PACKAGE.parent / "examples" / "music_and_books.jsonl"


def said(text: str, intent: str, *slots: tuple[str, ...]) -> Utterance:
    """An utterance whose slots are (name, value[, canonical]), found left to right."""
    found, pos = [], 0
    for name, value, *canonical in slots:
        start = text.index(value, pos)
        pos = start + len(value)
        found.append(SlotValue(name, value, start, pos, *canonical))
    return Utterance(text, intent, tuple(found))


# Every format can write all of these: whole words, canonical values, Thai, accents.
CORPUS = [
    said("play hard rock in nyc", "music_play", ("genre", "hard rock"),
         ("city", "nyc", "new york")),
    said("turn on the lounge light", "Lights", ("room", "lounge", "living room")),
    said("เปิดไฟห้องครัว", "LightsOn", ("room", "ห้องครัว")),
    said("what time is it", "time_query"),
    said("reproducir música de Shakira", "reproducir_música", ("artist", "Shakira")),
    said("play jazz", "music_play", ("genre", "jazz")),
]  # fmt: skip


def before(name: str) -> str:
    return (OUTPUTS / name).read_text(encoding="utf-8")


def ids(fmt: formats.Format) -> str:
    return fmt.name


@pytest.mark.parametrize("fmt", FORMATS, ids=ids)
def test_every_format_writes_and_reads_what_it_did_before(tmp_path, fmt):
    document = fmt.document_writer()
    if document is not None:  # a text format
        written = document(CORPUS)
        assert written == before(f"corpus.{fmt.name}")
        line = fmt.line_writer()
        if line is not None:  # streamed: each line followed by a newline
            assert "".join(line(u, i) + "\n" for i, u in enumerate(CORPUS)) == written
        if fmt.read is not None:  # what it reads back, it writes again the same
            path = tmp_path / f"corpus{fmt.suffixes[0]}"
            path.write_text(written, encoding="utf-8")
            assert document(fmt.read(path, "stop")) == written
    elif fmt.write_file is not None:  # a binary format: the same rows
        path = tmp_path / f"corpus.{fmt.name}"
        assert fmt.write_file([CORPUS], str(path)) == len(CORPUS)
        assert pq.read_table(path).to_pylist() == json.loads(before(f"corpus.{fmt.name}.json"))
    else:  # read only: the same utterances
        assert fmt.read is not None
        read = fmt.read(OUTPUTS / f"corpus{fmt.suffixes[0]}", "stop")
        lines = "".join(jsonl.line(u, 0) + "\n" for u in read)
        assert lines == before(f"corpus{fmt.suffixes[0]}.jsonl")


@pytest.mark.parametrize(
    "name, options, file",
    [
        ("massive", {"locale": "fr-FR"}, "corpus-fr-FR.massive"),
        ("snips-nlu", {"language": "es"}, "corpus-es.snips-nlu"),
    ],
)
def test_writer_options_reach_the_formats_that_take_them(name, options, file):
    assert formats.get(name).document_writer(**options)(CORPUS) == before(file)
    for fmt in FORMATS:  # and the others leave them aside
        if fmt.writes and not set(options) & set(fmt.options) and fmt.document_writer():
            assert fmt.document_writer(**options)(CORPUS) == before(f"corpus.{fmt.name}")


def test_the_locale_a_file_names():
    assert formats.locale_read(str(OUTPUTS / "corpus-fr-FR.massive"), "massive") == "fr-FR"
    assert formats.locale_read(str(OUTPUTS / "corpus.tsv"), None) == "en_US"
    assert formats.locale_read(str(OUTPUTS / "corpus.jsonl"), None) is None


def test_provenance_is_written_as_before():
    generated = resample.Generated(
        CORPUS[0], 3, [{"slot": "genre", "from": "jazz", "to": "hard rock", "source": 5}]
    )
    assert resample.provenance_line(generated) + "\n" == before("provenance.jsonl")
    with pytest.raises(ValueError, match="no room for provenance"):
        resample.provenance_line(generated, formats.get("massive"))


def test_annot_utt_is_the_massive_annotation():
    """`Utterance.annot_utt` (public) is what the MASSIVE format writes."""
    for u in CORPUS:
        assert u.annot_utt == formats.massive.annotation(u)
        assert json.loads(formats.massive.line(u, 0))["annot_utt"] == u.annot_utt


# --- the registry itself ----------------------------------------------------------------


def test_every_format_module_is_registered_once():
    modules = sorted(p.stem for p in (PACKAGE / "data" / "formats").glob("[!_]*.py"))
    assert sorted(formats.MODULES) == modules
    assert len(set(formats.MODULES)) == len(formats.MODULES)


def test_each_name_is_one_format():
    names = [name for fmt in FORMATS for name in fmt.names]
    assert len(names) == len(set(names))
    assert formats.get("snips") is formats.get("snips-benchmark")  # the older name
    with pytest.raises(formats.FormatError, match="unknown format 'nope'; known: bio, "):
        formats.get("nope")


def test_each_ending_is_one_format_when_nothing_else_recognises_the_file():
    endings: dict[str, list[formats.Format]] = {}
    for fmt in FORMATS:
        if fmt.read is not None:
            for suffix in fmt.suffixes:
                endings.setdefault(suffix, []).append(fmt)
    for suffix, claims in endings.items():
        assert [f.recognise for f in claims].count(None) == 1, suffix
        assert all(f.recognised_by for f in claims if f.recognise), suffix


def test_what_the_help_says_comes_from_the_registry():
    assert formats.described(lambda f: f.training_set) == "rasa and snips-nlu"
    assert formats.described(lambda f: f.read_locale, ", ") == "massive, snips-nlu, tod"
    assert formats.endings().startswith(".conll/.bio = bio, .jsonl = massive or jsonl (by ")
    assert formats.requirements() == "; parquet needs the parquet extra"


# --- a new format: its module and one registry line -------------------------------------

TINY = '''"""Intent and text, tab-separated: a format made up to show what a new one touches."""

from collections.abc import Iterator

from ..records import Utterance
from ._common import Parsed, Source, reader


def line(utterance: Utterance, index: int) -> str:
    return f"{utterance.intent}\\t{utterance.text}"


def parse(source: Source) -> Iterator[Parsed]:
    for _, pos, text in source.lines():
        intent, _, said = text.partition("\\t")
        yield Utterance(said, intent) if said else source.error("expected INTENT<TAB>TEXT", pos)


read = reader(parse)
'''
TEXT = '''    Format("text", "text", read="read", line="line", suffixes=(".txt",), bulk="Text"),
'''
TINY_LINE = '''    Format("tiny", "tiny", read="read", line="line", suffixes=(".tiny",)),
'''


def test_a_new_format_is_its_module_and_one_registry_line(tmp_path):
    package = tmp_path / "grammar_fst"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "data" / "formats" / "tiny.py").write_text(TINY, encoding="utf-8")
    registry = package / "data" / "formats" / "__init__.py"
    source = registry.read_text(encoding="utf-8")
    assert source.count(TEXT) == 1
    registry.write_text(source.replace(TEXT, TEXT + TINY_LINE))

    def run(*args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": str(tmp_path)}
        command = [sys.executable, "-m", "grammar_fst", *map(str, args)]
        return subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True)

    written = tmp_path / "music.tiny"
    done = run("convert", EXAMPLE, "--to", "tiny", "-o", written)
    assert done.returncode == 0, done.stderr
    expected = [f"{u.intent}\t{u.text}" for u in formats.read(EXAMPLE)]
    assert written.read_text(encoding="utf-8").splitlines() == expected
    back = run("convert", written, "--to", "text")  # its ending names it
    assert back.returncode == 0, back.stderr
    assert back.stdout.splitlines() == [u.text for u in formats.read(EXAMPLE)]
    shards = run("convert", EXAMPLE, "--to", "tiny", "-o", f"{tmp_path / 'shards'}/")
    assert shards.returncode == 0 and (tmp_path / "shards" / "part-00000.tiny").exists()
    usage = " ".join(run("convert", "--help").stdout.split())
    assert ".txt = text, .tiny = tiny, .tsv = tod" in usage and "text,tiny,tod}" in usage
