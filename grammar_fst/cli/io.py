"""What commands read and write besides grammars: annotated data read whole (with the
records skipped reported), utterances written in any format to a file, a folder of
shards or standard output, and the progress bar's options."""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

from ..errors import UsageError
from ..plurals import amount
from . import PROG, printable

if TYPE_CHECKING:
    from ..data.formats import Records


def output_options(parser: argparse.ArgumentParser, format_flag: str, note: str = "") -> None:
    """The output format (`format_flag`) and -o FILE."""
    from ..data import formats
    from ..data.formats._format import LANGUAGE, LANGUAGES
    from .values import language_tag, snips_language

    parser.add_argument(
        format_flag,
        choices=formats.WRITABLE,
        default="jsonl",
        help=f"output format (default: jsonl{note}{formats.requirements()})",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output; a name ending with / "
        "is a folder of shards part-00000.EXT, ... "
        f"({formats.described(lambda f: f.shards, ', ')})",
    )
    parser.add_argument(
        "--language",
        type=snips_language,
        choices=LANGUAGES,
        help="the language a snips-nlu dataset declares (default: the grammar's language or "
        f"the data's locale as snips-nlu names it, es-MX -> es, else {LANGUAGE}; one it "
        "does not list is refused)",
    )
    parser.add_argument(
        "--locale",
        type=language_tag,
        metavar="TAG",
        help="the locale field of formats that have one "
        f"({formats.described(lambda f: 'locale' in f.options, ', ')}); default: the "
        "grammar's language (th -> th-TH), the data's own locale, or en-US",
    )


def progress_options(parser: argparse.ArgumentParser, note: str = "") -> None:
    """--progress and --quiet: a bar on standard error, by default on a terminal."""
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar on standard error even when it is not a terminal" + note,
    )
    shown.add_argument("--quiet", action="store_true", help="show no progress bar")


def progress_shown(args: argparse.Namespace) -> bool | None:
    """Whether to show a bar: asked for, refused, or None (on a terminal)."""
    return True if args.progress else False if args.quiet else None


def batches(items: Iterable, size: int = 4096) -> Iterator[list]:
    iterator = iter(items)
    return iter(lambda: list(itertools.islice(iterator, size)), [])


def write_utterances(
    blocks: Iterable[list],
    fmt: str,
    output: str | None,
    rendered: bool = False,
    language: str | None = None,
    locale: str | None = None,
    opened: IO[bytes] | None = None,
) -> None:
    """Write blocks of utterances (or of lines already `rendered` in a line format, or
    `Chunk`s, `Written`s or `Piece`s of them) to `output` in format `fmt` (with `locale`
    where it has one): line formats and Parquet stream, document formats are written
    whole (a Snips NLU dataset says its `language`). An `output` ending with / is a
    folder of shards, one file per block. `opened`: the output of a line format, opened
    already (by `output.binary`, for workers that write into it themselves)."""
    from ..data import formats
    from ..output import is_folder, shard_paths, write_bytes, write_parts, write_text

    target = formats.get(fmt)
    if output is not None and not is_folder(output):
        _warn_misnamed(output, target.name)
    if target.write_file is not None:
        target.write_file(blocks, output)
        return
    line = target.line_writer(locale=locale)
    if is_folder(output) and line is None:
        raise UsageError(f"{fmt} is one document: name a file, not a folder of shards")
    if line is None:
        document = target.document_writer(language=language, locale=locale)
        write_text([document(u for block in blocks for u in block)], output)
        return
    if not rendered:
        numbered = itertools.count()
        blocks = ([line(u, next(numbered)) for u in block] for block in blocks)
    chunks = (_bytes_of(block) for block in blocks)
    if opened is not None:
        write_parts(chunks, opened)
        return
    if not is_folder(output):
        write_bytes(chunks, output)
        return
    for chunk, path in zip(chunks, shard_paths(output, target.shard_suffix)):
        write_bytes([chunk], path)


def data_locale(args: argparse.Namespace) -> str | None:
    """The locale to write: `--locale`, else the data's own."""
    from ..data import formats

    return args.locale or formats.locale_read(args.data, args.source_format)


def warn_locale_lost(args: argparse.Namespace, locale: str | None) -> None:
    """Warn, once the output is written, when the data named a locale of a language
    other than English (`--locale` not given) that the output format has no field for:
    it is lost, and `induce` reading the output would not know the data's language."""
    from ..data import formats
    from ..data.formats._format import locale_key
    from ..grm.syntax import LANGUAGE_TAG

    target = formats.get(args.to)
    if args.locale or not locale or "locale" in target.options:
        return
    if locale_key(locale).split("-")[0] == "en":
        return
    hint = (
        f"; to induce a grammar from it, give --language {locale}"
        if LANGUAGE_TAG.fullmatch(locale)
        else ""
    )
    keeping = formats.described(lambda f: "locale" in f.options, " or ")
    sys.stderr.write(
        printable(
            f"{PROG}: warning: {args.data} is in locale {locale}, which {target.name} has no "
            f"field for: the output does not say it ({keeping} would){hint}\n"
        )
    )


def _warn_misnamed(output: str, fmt: str) -> None:
    """Warn when the output's ending is that of other formats' files (`-o data.yml`
    without `--format rasa`): what reads it later goes by the name, and misreads it."""
    from pathlib import Path

    from ..data import formats

    suffix = Path(output).suffix.lower()
    named = [f.name for f in formats.FORMATS if suffix in f.suffixes]
    if named and fmt not in named:
        sys.stderr.write(
            f"{PROG}: warning: {output} is named as {' or '.join(named)} files are, but "
            f"holds {fmt}: what reads it goes by its name; write it as {named[0]}, or name "
            "it otherwise\n"
        )


def _bytes_of(block):
    """A block of rendered lines as UTF-8 bytes; a chunk's bytes; a piece (copied as it
    is by `write_parts`) or what a worker wrote itself, as they are (what sampling
    workers give back)."""
    if isinstance(block, list):
        return "".join(line + "\n" for line in block).encode()
    from ..sampling.plan import Chunk

    return block.data if isinstance(block, Chunk) else block  # a Piece or a Written as is


def read_all(path: str, fmt: str | None, on_error: str, purpose: str, limit: int | None = None):
    """The records of a data file and the utterances read from it (the first `limit`
    only, when given: what lies beyond is not read, so its bad records do not matter);
    none is an error."""
    import itertools

    from ..data import formats

    records = formats.read(path, fmt, on_error)
    utterances = list(itertools.islice(records, limit))
    if not utterances:
        raise UsageError(f"{path}: no utterance to {purpose}")
    return records, utterances


def report_skipped(records: Records, unwritable: list = ()) -> int:
    """Say how many records were skipped, as unreadable or as not writable in the output
    format (each was reported as it was met); 1 if any."""
    if records.skipped:
        skipped = amount(len(records.skipped), "bad record")
        sys.stderr.write(f"{PROG}: warning: {records.path}: skipped {skipped}\n")
    if unwritable:
        left = amount(len(unwritable), "record")
        sys.stderr.write(f"{PROG}: warning: left out {left} the output format cannot hold\n")
    return 1 if records.skipped or unwritable else 0
