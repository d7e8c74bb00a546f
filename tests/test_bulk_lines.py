"""The bulk writers (data/formats/_bulk.py) give the bytes of the formats' line writers:
sampled blocks written at once are compared with the same sentences spelled into
Utterances and written one by one, over the bundled grammars (spaced scripts, Thai and
Japanese), several seeds, and a grammar of quotes, backslashes,
non-ASCII words and synonyms."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import grammar_fst as gf
from grammar_fst.data import formats
from grammar_fst.sampling import plan

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ["toy", "music", "alarms", "home", "weather", "travel", "thai", "japanese", "hindi"]
BULK = ["jsonl", "massive", "text", "bio"]

ODD = r"""
$q = "\"hi\"" | "back\\slash" | "a\\\"b" | naïve café | "日本語"
intent Say = say {quote} (and {thing})? ["to" {who}] "!"
intent Quiet = {thing} "\\" {who}?
slot quote = $q
slot thing = lounge => "living \"room\"" | den => study | $q | "€5" | "x\\y" => "x/y"
slot who = bob | "o'neil" | zoë | "ü"
"""


def _one_by_one(grammar, fmt: str, n: int, seed: int, **options) -> bytes:
    line = formats.get(fmt).line_writer(**options)
    return "".join(line(u, i) + "\n" for i, u in enumerate(grammar.sample(n, seed))).encode()


def _in_bulk(grammar, fmt: str, n: int, seed: int, **options) -> bytes:
    render = formats.get(fmt).line_writer(**options)
    chunks = grammar.sample_blocks(n, seed, render=render, chunks=True)
    return b"".join(chunk.data for chunk in chunks)


def _bulk_writer(grammar, fmt: str, **options):
    return (
        formats.get(fmt)
        .line_writer(**options)
        .block_writer(grammar._speller.words, grammar._speller.tags)
    )


@pytest.mark.parametrize("name", BUNDLED)
@pytest.mark.parametrize("fmt", BULK)
def test_bundled_grammars_give_the_bytes_of_the_line_writers(name, fmt):
    grammar = gf.load(ROOT / "grammars" / f"{name}.grm")
    assert _bulk_writer(grammar, fmt) is not None  # the bulk path is the one compared
    for seed in (0, 1, 7):
        n = 9000 if seed == 1 else 500  # 9,000: two blocks, the second numbered on
        assert _in_bulk(grammar, fmt, n, seed) == _one_by_one(grammar, fmt, n, seed)


@pytest.mark.parametrize("fmt", BULK)
def test_quotes_backslashes_and_synonyms(fmt):
    grammar = gf.from_text(ODD, "odd.grm")
    assert _bulk_writer(grammar, fmt) is not None
    for seed in range(6):
        assert _in_bulk(grammar, fmt, 3000, seed) == _one_by_one(grammar, fmt, 3000, seed)
    sampled = _in_bulk(grammar, "jsonl", 3000, 0).decode()
    for needle in (
        r"\"hi\"",
        "back\\\\slash",
        "naïve",
        "日本語",
        '"canonical": "x/y"',
    ):
        assert needle in sampled


def test_rare_synonyms_keep_their_slots():
    """A few canonical values among many slots (their slot numbers far apart) each go to
    their own slot."""
    synonyms = " | ".join(f"word{i} => canonical{i}" for i in range(20))
    rare = f"intent A = go to the {{room}} now\nslot room = den <2000> | {synonyms}\n"
    grammar = gf.from_text(rare)
    one = _one_by_one(grammar, "jsonl", 9000, 3)
    assert len(set(re.findall(rb'"canonical": "canonical\d+"', one))) > 5
    assert _in_bulk(grammar, "jsonl", 9000, 3) == one


def test_massive_takes_its_locale():
    grammar = gf.load(ROOT / "grammars" / "thai.grm")
    one = _one_by_one(grammar, "massive", 800, 2, locale="th-TH")
    assert _in_bulk(grammar, "massive", 800, 2, locale="th-TH") == one
    assert b'"locale": "th-TH"' in one


def test_what_a_line_writer_refuses_is_left_to_it():
    """A word with a bracket cannot be written as MASSIVE: no bulk writer, and the same
    error as writing it one by one; jsonl still writes it in bulk."""
    grammar = gf.from_text('intent A = play "[x]" {s}\nslot s = a | b\n')
    assert _bulk_writer(grammar, "massive") is None
    assert _bulk_writer(grammar, "jsonl") is not None
    with pytest.raises(formats.FormatError, match="would not read back"):
        _in_bulk(grammar, "massive", 10, 0)
    assert _in_bulk(grammar, "jsonl", 100, 0) == _one_by_one(grammar, "jsonl", 100, 0)
    spaced_name = gf.from_text("intent A = play {s}\nslot s = a | b\n")
    assert _bulk_writer(spaced_name, "massive") is not None


def test_bio_writes_words_written_together_as_bio_line_does():
    """Sentences whose words the tokenizer reads as one text (a mark against a word, Thai
    or Japanese words side by side) are written by `bio.line` in the same blocks as the
    others, which are written from pieces."""
    mixed = gf.from_text(
        'intent A = play {s} ("?" | please | "!" "!")\n'
        "slot s = jazz | \"hard rock\" | (\"(\" live \")\") | เพลง ไทย | 日本 の 歌\n"
    )
    one = _one_by_one(mixed, "bio", 9000, 5)
    for rows in (b"jazz\tB-s\n?\tO\n", b"please\tO\n", "ไทย\tI-s".encode(), b"(\tB-s"):
        assert rows in one
    assert _in_bulk(mixed, "bio", 9000, 5) == one
    writer = _bulk_writer(mixed, "bio")
    start = mixed._walker.intent_start["A"]
    walks = mixed._walker.walk(np.full(2000, start), np.random.default_rng(0))
    written = writer.lines(mixed._speller.spell(walks), np.arange(2000))
    assert written.count(b"# intent = A") == 2000
    made = {mixed._speller.words[key // writer.codes] for key in np.flatnonzero(writer.rows >= 0)}
    assert made == {"play", "please", "jazz", "hard", "rock"}  # in sentences spaced apart


@pytest.mark.parametrize("fmt", ["jsonl", "massive"])
def test_unique_blocks_in_this_process_are_written_in_bulk(fmt):
    """With `unique`, this process knows the sentences given before each block: the
    block's new sentences come back as a chunk, the lines rendered one by one (MASSIVE's
    ids count the repeats dropped too)."""
    grammar = gf.load(ROOT / "grammars" / "music.grm")
    render = formats.get(fmt).line_writer()

    def sampled(chunks: bool) -> list:
        return list(grammar.sample_blocks(20000, 3, unique=True, render=render, chunks=chunks))

    bulk, one = sampled(True), sampled(False)
    assert all(isinstance(b, plan.Chunk) for b in bulk)
    assert b"".join(b.data for b in bulk) == "".join(f"{x}\n" for b in one for x in b).encode()
    assert [len(b) for b in bulk] == [len(b) for b in one]


def test_a_joined_job_in_one_process_gives_chunks():
    grammar = gf.load(ROOT / "grammars" / "toy.grm")
    render = formats.get("jsonl").line_writer()
    blocks = list(grammar.sample_blocks(100, 1, render=render, chunks=True))
    assert blocks and all(isinstance(b, plan.Chunk) for b in blocks)
    assert sum(len(b) for b in blocks) == 100


@pytest.mark.parametrize("fmt", BULK)
def test_two_processes_give_the_bytes_of_one(tmp_path, fmt):
    def sample(jobs: int) -> bytes:
        out = tmp_path / f"{jobs}.{fmt}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "grammar_fst",
                "sample",
                str(ROOT / "grammars" / "japanese.grm"),
                "-n",
                "20000",
                "--seed",
                "4",
                "--format",
                fmt,
                "--jobs",
                str(jobs),
                "-o",
                str(out),
            ],
            check=True,
            cwd=ROOT,
        )
        return out.read_bytes()

    assert sample(2) == sample(1)
