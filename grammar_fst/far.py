"""The `.far` archive: everything needed to sample and parse without the source.

Keys, in the sorted order OpenFst requires (it silently drops keys added out of order):
`.meta` (a JSON document spelled as a byte-string FST: format, version, intent and slot
names, a SHA-256 of every other entry), `.symbols` (an empty FST carrying the word
symbol table), `intent/<Name>` and `slot/<name>` (the FSTs). Writing goes to a
temporary file that is read back and checked before it is renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pynini

from . import openfst
from .compiler import CompiledFsts
from .errors import FarError, Location, OpenFstError

FORMAT = "grammar-fst"
VERSION = 1
META, SYMBOLS = ".meta", ".symbols"


def _entries(fsts: CompiledFsts) -> dict[str, pynini.Fst]:
    holder = openfst.chain([])
    holder.set_input_symbols(fsts.symbols)
    entries = {SYMBOLS: holder}
    entries.update({f"intent/{name}": fst for name, fst in fsts.intents.items()})
    entries.update({f"slot/{name}": fst for name, fst in fsts.slots.items()})
    return entries


def _digest(fst: pynini.Fst) -> str:
    return hashlib.sha256(fst.write_to_string()).hexdigest()


def _meta_fst(meta: dict) -> pynini.Fst:
    data = json.dumps(meta, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return openfst.chain([(b, b) for b in data])


def _meta_of(fst: pynini.Fst) -> dict:
    data, state = bytearray(), fst.start()
    while state >= 0 and fst.num_arcs(state) == 1:
        arc = next(iter(fst.arcs(state)))
        data.append(arc.ilabel)
        state = arc.nextstate
    return json.loads(bytes(data).decode("utf-8"))


def write_far(fsts: CompiledFsts, path: str | Path) -> None:
    """Write `fsts` to `path` atomically; the file is complete and verified, or absent."""
    path = Path(path)
    entries = _entries(fsts)
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "intents": sorted(fsts.intents),
        "slots": sorted(fsts.slots),
        "digests": {key: _digest(fst) for key, fst in entries.items()},
    }
    entries[META] = _meta_fst(meta)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    os.close(fd)
    try:
        with openfst.captured(f"writing {path}"):
            with pynini.Far(tmp, mode="w", arc_type=openfst.ARC_TYPE, far_type="default") as far:
                for key in sorted(entries):
                    far[key] = entries[key]
        read_far(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_far(path: str | Path) -> CompiledFsts:
    """Read and verify a grammar-fst archive; anything else is a FarError."""
    where = Location(str(path))
    if not Path(path).is_file():
        raise FarError("no such file", where)
    try:
        with openfst.captured("reading"):
            far = pynini.Far(str(path), mode="r")
            entries = {}
            while not far.done():
                entries[far.get_key()] = far.get_fst()
                far.next()
    except OpenFstError as err:
        raise FarError(f"not a readable FST archive ({err.message})", where) from None
    return _verified(entries, where)


def _verified(entries: dict[str, pynini.Fst], where: Location) -> CompiledFsts:
    hint = "recompile it with: grammar-fst compile GRAMMAR.grm -o OUT.far"
    if META not in entries:
        raise FarError(f"not a grammar-fst archive (no {META} entry); {hint}", where)
    try:
        meta = _meta_of(entries.pop(META))
    except (ValueError, UnicodeDecodeError):
        raise FarError(f"damaged archive: unreadable {META} entry; {hint}", where) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise FarError(f"not a grammar-fst archive; {hint}", where)
    if meta.get("version") != VERSION:
        raise FarError(f"archive format version {meta.get('version')} is not {VERSION}; {hint}", where)
    digests = meta.get("digests", {})
    if set(digests) != set(entries):
        missing = sorted(set(digests) ^ set(entries))
        raise FarError(f"damaged or truncated archive (entries differ: {', '.join(missing)}); {hint}", where)
    for key, fst in entries.items():
        if fst.arc_type() != openfst.ARC_TYPE or _digest(fst) != digests[key]:
            raise FarError(f"damaged archive: entry {key} does not match its checksum; {hint}", where)
    symbols = entries[SYMBOLS].input_symbols()
    if symbols is None:
        raise FarError(f"damaged archive: no symbol table; {hint}", where)
    return CompiledFsts(
        symbols.copy(),
        {name: entries[f"intent/{name}"] for name in meta["intents"]},
        {name: entries[f"slot/{name}"] for name in meta["slots"]},
    )
