"""The `.far` archive: everything needed to sample and parse without the source.

Entries, in the sorted key order OpenFst requires (it silently drops keys added out of
order): `.meta {json}` (an empty FST whose key carries the format, version, intent and
slot names, and a SHA-256 of every other entry's bytes), `.symbols` (an empty FST
carrying the word symbol table), `intent/<Name>` and `slot/<name>`.

OpenFst trusts the sizes it reads, so a truncated or damaged file can make it allocate
without bound. The archive's layout (OpenFst's STTable: entries, then an index of their
offsets) is therefore checked in Python, and every entry's bytes against its checksum,
before OpenFst reads anything. Writing goes to a temporary file that is read back and
checked before it is renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path

import pynini

from . import openfst
from .compiler import CompiledFsts
from .errors import FarError, Location, OpenFstError, OutputError
from .output import KEPT, target, temporary_beside

FORMAT = "grammar-fst"
VERSION = 1
META, SYMBOLS = ".meta ", ".symbols"
STTABLE_MAGIC = 2125656924
HINT = "recompile it with: grammar-fst compile GRAMMAR.grm -o OUT.far"


def _entry_bytes(key: str, fst: pynini.Fst) -> bytes:
    """An entry as OpenFst lays it out in the archive: key length, key, FST."""
    encoded = key.encode("utf-8")
    return struct.pack("<i", len(encoded)) + encoded + fst.write_to_string()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_far(fsts: CompiledFsts, path: str | Path) -> None:
    """Write `fsts` to `path` atomically; the file is complete and verified, or absent
    (a link is followed, and keeps pointing to the new archive)."""
    path = target(path)
    holder = openfst.chain([])
    holder.set_input_symbols(fsts.symbols)
    entries = {SYMBOLS: holder}
    entries.update({f"intent/{name}": fst for name, fst in fsts.intents.items()})
    entries.update({f"slot/{name}": fst for name, fst in fsts.slots.items()})
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "intents": sorted(fsts.intents),
        "slots": sorted(fsts.slots),
        "digests": {key: _digest(_entry_bytes(key, fst)) for key, fst in entries.items()},
    }
    entries[META + json.dumps(meta, sort_keys=True, ensure_ascii=False)] = openfst.chain([])
    with temporary_beside(path) as (fd, tmp):
        os.close(fd)
        try:
            with (
                openfst.captured(f"writing {path}", strict=True),
                pynini.Far(tmp, mode="w", arc_type=openfst.ARC_TYPE, far_type="default") as far,
            ):
                for key in sorted(entries):
                    far[key] = entries[key]
            read_far(tmp)
        except (OpenFstError, FarError) as err:  # a write that failed part way: a full disk
            raise OutputError(f"cannot write {path} whole (is the disk full?); {KEPT}") from err
        os.replace(tmp, path)


def read_far(path: str | Path) -> CompiledFsts:
    """Read and verify a grammar-fst archive; anything else is a FarError."""
    where = Location(str(path))
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise FarError(f"cannot read the file: {err.strerror or err}", where) from None
    meta = _checked_layout(data, where)
    entries = {}
    with openfst.captured(f"reading {path}"):
        far = pynini.Far(str(path), mode="r")
        while not far.done():
            entries[far.get_key()] = far.get_fst()
            far.next()
    symbols = entries[SYMBOLS].input_symbols()
    if symbols is None:
        raise FarError(f"damaged archive: no symbol table; {HINT}", where)
    return CompiledFsts(
        symbols.copy(),
        {name: entries[f"intent/{name}"] for name in meta["intents"]},
        {name: entries[f"slot/{name}"] for name in meta["slots"]},
    )


def _checked_layout(data: bytes, where: Location) -> dict:
    """The archive's metadata, after checking its index and every entry's checksum."""
    entries = _sttable_entries(data, where)
    if not entries or not entries[0][0].startswith(META):
        raise FarError(f"not a grammar-fst archive (an FST archive of another kind); {HINT}", where)
    try:
        meta = json.loads(entries[0][0][len(META) :])
    except ValueError:
        raise FarError(f"damaged archive: unreadable metadata; {HINT}", where) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise FarError(f"not a grammar-fst archive; {HINT}", where)
    if meta.get("version") != VERSION:
        raise FarError(
            f"archive format version {meta.get('version')} is not {VERSION}; {HINT}", where
        )
    if entries[0][1] != _entry_bytes(entries[0][0], openfst.chain([])):
        raise FarError(f"damaged archive: the metadata entry is altered; {HINT}", where)
    digests = meta.get("digests", {})
    found = {key: raw for key, raw in entries[1:]}
    names = [meta.get(kind) for kind in ("intents", "slots")]
    listed = {SYMBOLS}
    if isinstance(digests, dict) and all(
        isinstance(n, list) and all(isinstance(x, str) for x in n) for n in names
    ):
        listed |= {f"intent/{n}" for n in names[0]} | {f"slot/{n}" for n in names[1]}
    if set(found) != set(digests) or set(found) != listed:
        raise FarError(f"damaged archive: its entries are not the ones it lists; {HINT}", where)
    for key, raw in found.items():
        if _digest(raw) != digests[key]:
            raise FarError(
                f"damaged archive: entry {key} does not match its checksum; {HINT}", where
            )
    return meta


def _sttable_entries(data: bytes, where: Location) -> list[tuple[str, bytes]]:
    """(key, entry bytes) of an OpenFst STTable archive, checked for consistency.

    Layout: int32 magic, int32 version, the entries (int32 key length, key, FST), then
    the index: int64 count, that many int64 entry offsets, int64 count again.
    """
    damaged = FarError(f"not a readable FST archive (truncated or damaged); {HINT}", where)
    if len(data) < 24 or struct.unpack_from("<i", data, 0)[0] != STTABLE_MAGIC:
        raise damaged
    count = struct.unpack_from("<q", data, len(data) - 8)[0]
    if not 0 < count <= (len(data) - 24) // 8:
        raise damaged
    index_start = len(data) - 8 * (count + 2)
    stored_count, *offsets = struct.unpack_from(f"<{count + 1}q", data, index_start)
    bounds = offsets + [index_start]
    if stored_count != count or offsets[0] != 8 or any(a >= b for a, b in zip(bounds, bounds[1:])):
        raise damaged
    entries = []
    for start, end in zip(offsets, bounds[1:]):
        size = struct.unpack_from("<i", data, start)[0]
        if not 0 <= size <= end - start - 4:
            raise damaged
        try:
            key = data[start + 4 : start + 4 + size].decode("utf-8")
        except UnicodeDecodeError:
            raise damaged from None
        entries.append((key, data[start:end]))
    return entries
