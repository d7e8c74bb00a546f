"""Formats of utterance records: a reader and a writer for each.

jsonl    the grammar-fst record (text, intent, slots with offsets and canonical values)
massive  MASSIVE records (id, locale, partition, scenario, intent, utt, annot_utt);
         reads SLURP's spelling (sentence, sentence_annotation) as well
snips-benchmark  the SNIPS benchmark JSON (sonos/nlu-benchmark), one document per file;
         `snips` is its older name, still accepted
snips-nlu  the Snips NLU training dataset (language, intents, entities with synonyms)
rasa     Rasa 3 YAML NLU training data, one document per file
bio      CoNLL-style blocks: '# intent = X', then 'token<TAB>B-slot|I-slot|O' lines
text     the sentence alone (read back with an empty intent and no slots)
tod      the TSV of the multilingual task-oriented dialog data (read only): intent,
         start:end:slot spans, text as written, locale, tokenization

Every format module has:
- `read(path, on_error="stop"|"skip") -> Records`: an iterator of Utterances; a bad
  record raises a FormatError `FILE:LINE:COL: message` ("stop"), or is logged as a warning
  on the "grammar_fst" logger and listed in `Records.skipped` ("skip");
- `write(utterances, out) -> int` to a text stream, and `write_document(utterances) -> str`.
The formats written one record at a time also have `line(utterance, index) -> str`: those
are WRITERS, whose lines a caller writes each followed by a newline. The SNIPS formats and
rasa group utterances by intent, so their document exists only once every utterance is
known: they are in DOCUMENT_WRITERS only.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ...errors import Location
from ..records import Utterance
from . import bio, jsonl, massive, rasa, snips, snips_nlu, text, tod
from ._common import FormatError, OnError, Records, Source, line_writers

log = logging.getLogger("grammar_fst")

Writer = Callable[[Utterance, int], str]
Reader = Callable[[str | Path, OnError], Records]
DocumentWriter = Callable[[Iterable[Utterance]], str]

WRITERS: dict[str, Writer] = {
    "bio": bio.line,
    "jsonl": jsonl.line,
    "massive": massive.line,
    "text": text.line,
}

DOCUMENT_WRITERS: dict[str, DocumentWriter] = {
    "bio": bio.write_document,
    "jsonl": jsonl.write_document,
    "massive": massive.write_document,
    "rasa": rasa.write_document,
    "snips": snips.write_document,
    "snips-benchmark": snips.write_document,
    "snips-nlu": snips_nlu.write_document,
    "text": text.write_document,
}

READERS: dict[str, Reader] = {
    "bio": bio.read,
    "jsonl": jsonl.read,
    "massive": massive.read,
    "rasa": rasa.read,
    "snips": snips.read,
    "snips-benchmark": snips.read,
    "snips-nlu": snips_nlu.read,
    "text": text.read,
    "tod": tod.read,
}

# Formats that are training sets: sampling them gives no repeated sentence by default.
TRAINING_SETS = ("rasa", "snips-nlu")

# What a file's name says about its format; `.jsonl` is MASSIVE when its first record
# has MASSIVE's fields, the grammar-fst record otherwise; `.json` is a Snips NLU dataset
# when its first key is one of a dataset's, the SNIPS benchmark otherwise.
SUFFIXES = {
    ".json": "snips-benchmark",
    ".yml": "rasa",
    ".yaml": "rasa",
    ".conll": "bio",
    ".bio": "bio",
    ".txt": "text",
    ".tsv": "tod",
}


def guess(path: str | Path) -> str:
    """The format of a data file, from its name (and for `.jsonl`, its first record)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json" and snips_nlu.is_dataset("\n".join(_head(path))):
        return "snips-nlu"
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if suffix == ".jsonl":
        first = next((line for line in _head(path) if line.strip()), "")
        try:
            keys = set(json.loads(first)) if first.lstrip().startswith("{") else set()
        except (json.JSONDecodeError, RecursionError):
            keys = set()
        return "massive" if keys & {"utt", "sentence"} and "text" not in keys else "jsonl"
    known = ", ".join(sorted({*SUFFIXES, ".jsonl"}))
    raise FormatError(
        f"cannot tell the format from the name (known endings: {known}); name it with "
        f"the command's format option ({', '.join(sorted(READERS))})",
        Location(str(path)),
    )


def _head(path: Path, size: int = 65536) -> list[str]:
    try:
        with path.open("rb") as file:
            return file.read(size).decode("utf-8", errors="replace").splitlines()
    except OSError as err:
        raise FormatError(
            f"cannot read the file: {err.strerror or err}", Location(str(path))
        ) from None


def writers(fmt: str, locale: str | None = None) -> tuple[Writer | None, DocumentWriter]:
    """The line writer of `fmt` (None for a document format) and its document writer,
    writing `locale` in the formats that have a locale field (MASSIVE)."""
    if fmt == "massive" and locale is not None:
        line = functools.partial(massive.line, locale=locale)
        return line, line_writers(line)[1]
    return WRITERS.get(fmt), DOCUMENT_WRITERS.get(fmt)  # (none of either: parquet)


LOCALE_READERS: dict[str, Callable[[str], str | None]] = {
    "massive": massive.locale_read,
    "tod": tod.locale_read,
}


def locale_read(path: str, fmt: str | None) -> str | None:
    """The locale a data file names (MASSIVE's `locale` field), if its format has one."""
    reader = LOCALE_READERS.get(fmt or guess(path))
    return reader(path) if reader else None


def writable(
    utterances: Iterable[Utterance], fmt: str, on_error: OnError, where: str, skipped: list
) -> Iterator[Utterance]:
    """The utterances format `fmt` can write. One it cannot (BIO needs slots on whole
    words, Rasa no spaces around an example, ...) raises a FormatError naming `where` and
    its number (on_error="stop"), or is logged as a warning and listed in `skipped`."""
    if fmt == "parquet":  # its typed columns hold any utterance
        yield from utterances
        return
    write = WRITERS.get(fmt) or (lambda u, i: DOCUMENT_WRITERS[fmt]([u]))
    for number, utterance in enumerate(utterances, 1):
        try:
            write(utterance, number - 1)
        except FormatError as err:
            error = FormatError(f"record {number}: {err.message}", Location(where))
            if on_error == "stop":
                raise error from None
            log.warning("%s (record skipped)", error)
            skipped.append(error)
            continue
        yield utterance


def read(path: str | Path, format: str | None = None, on_error: OnError = "stop") -> Records:
    """The utterances of a data file in `format` (guessed from the name when None)."""
    name = format or guess(path)
    if name not in READERS:
        raise FormatError(f"unknown format '{name}'; known: {', '.join(sorted(READERS))}")
    return READERS[name](path, on_error)


__all__ = [
    "DOCUMENT_WRITERS",
    "SUFFIXES",
    "READERS",
    "TRAINING_SETS",
    "WRITERS",
    "FormatError",
    "Records",
    "Source",
    "guess",
    "locale_read",
    "writers",
    "read",
    "writable",
]
