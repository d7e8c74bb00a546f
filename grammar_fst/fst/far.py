"""The `.far` archive: the compiled network, everything needed to sample and parse
without the source.

Entries, in the sorted key order OpenFst requires (it silently drops keys added out of
order): `.meta {json}` (an empty FST whose key carries the format, version, intent, slot
and rule names, and a SHA-256 of every other entry's bytes), `.symbols` (an empty FST
carrying the word symbol table), `intent/<Name>`, `rule/<name>` and `slot/<name>`: each
rule once, entered from the FSTs that use it by its nonterminal, as slot classes are.

OpenFst trusts the sizes it reads, so a truncated or damaged file can make it allocate
without bound. The archive's layout (OpenFst's STTable: entries, then an index of their
offsets) is therefore checked in Python, and every entry's bytes against its checksum,
before OpenFst reads anything. Checksums prove only that nothing changed since the file
was written, not who wrote it, so every FST's header is checked against its bytes too
(the symbol table's by `openfst.check_holder`, the others' as their arrays are read), and
the network itself next (`network_problem`): acyclic FSTs, labels from the symbol table,
each intent opened by its tag, nonterminals that name FSTs of the archive and no rule
that enters itself, weights that are probabilities. Writing checks the archive's bytes
as a reader would before they are written, atomically (`output.atomic_file`).
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
from pathlib import Path

import numpy as np
import pynini

from ..errors import FarError, Location, OpenFstError, read_bytes
from ..grm.syntax import LANGUAGE_TAG
from ..output import atomic_file, target
from . import labels, openfst
from .compiler import Archived, CompiledFsts, call_order, callees

FORMAT = "grammar-fst"
VERSION = 2  # 1: every rule copied into the intents that use it (before the network)
META, SYMBOLS = ".meta ", ".symbols"
KINDS = (("intents", "intent/"), ("slots", "slot/"), ("rules", "rule/"))
STTABLE_MAGIC = 2125656924
HINT = "recompile it with: grammar-fst compile GRAMMAR.grm -o OUT.far"
EMPTY = openfst.chain([]).write_to_string()  # the FST of the metadata entry


def _entry(key: str, fst: bytes) -> bytes:
    """An entry as OpenFst lays it out in the archive: key length, key, FST."""
    encoded = key.encode("utf-8")
    return struct.pack("<i", len(encoded)) + encoded + fst


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_far(fsts: CompiledFsts, path: str | Path) -> None:
    """Write `fsts` to `path` atomically; the file is complete and verified, or absent
    (a link is followed, and keeps pointing to the new archive)."""
    path = target(path)
    # checked before it is written, which also settles the properties OpenFst records in
    # each FST as it inspects it: entries keep their bytes when read back and rewritten
    problem = network_problem(fsts)
    if problem:
        raise FarError(f"cannot write {path}: {problem}", Location(str(path)))
    holder = openfst.chain([])
    holder.set_input_symbols(fsts.symbols)
    entries = {SYMBOLS: holder.write_to_string()}
    for (kind, prefix), group in zip(KINDS, (fsts.intents, fsts.slots, fsts.rules)):
        entries.update({prefix + name: fsts.serialized((kind[:-1], name)) for name in group})
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "intents": sorted(fsts.intents),
        "slots": sorted(fsts.slots),
        "rules": sorted(fsts.rules),
        "language": fsts.language,
        "digests": {key: _digest(_entry(key, data)) for key, data in entries.items()},
    }
    entries[META + json.dumps(meta, sort_keys=True, ensure_ascii=False)] = EMPTY
    archive = io.BytesIO()
    _write_sttable(archive, [_entry(key, entries[key]) for key in sorted(entries)])
    data = archive.getvalue()
    _checked_layout(data, Location(str(path)))  # the bytes, as readers check them
    with atomic_file(path, "wb") as out:  # a device or a pipe is written into, not replaced
        out.write(data)


def _write_sttable(out, entries: list[bytes]) -> None:
    """OpenFst's STTable layout (what `pynini.Far` reads): magic number, version, the
    entries, then the index of their offsets between two copies of their number."""
    out.write(struct.pack("<ii", STTABLE_MAGIC, 1))
    offsets, at = [], 8
    for entry in entries:
        offsets.append(at)
        out.write(entry)
        at += len(entry)
    out.write(struct.pack(f"<{len(offsets) + 2}q", len(offsets), *offsets, len(offsets)))


def read_far(path: str | Path) -> CompiledFsts:
    """Read and verify a grammar-fst archive; anything else is a FarError."""
    where = Location(str(path))
    data = read_bytes(path, FarError)
    meta, entries = _checked_layout(data, where)
    try:
        openfst.check_holder(entries[SYMBOLS])  # OpenFst trusts the sizes it reads
        with openfst.captured(f"reading {path}"):
            symbols = pynini.Fst.read_from_string(bytes(entries[SYMBOLS])).input_symbols()
    except (ValueError, OpenFstError) as err:
        raise FarError(
            f"damaged archive: no readable symbol table ({err}); {HINT}", where
        ) from None
    fsts = CompiledFsts(
        symbols.copy(),
        *(
            Archived({name: entries[prefix + name] for name in meta[kind]}, str(path))
            for kind, prefix in KINDS
        ),
        language=meta.get("language"),
    )
    try:
        problem = network_problem(fsts)
    except ValueError as err:  # an entry that is no FST of ours (its sizes do not add up)
        raise FarError(f"damaged archive: {err}; {HINT}", where) from None
    if problem:
        raise FarError(f"not a valid grammar network: {problem}; {HINT}", where)
    return fsts


def network_problem(fsts: CompiledFsts) -> str | None:
    """What makes `fsts` unsafe to sample or parse, or None: an archive may come from
    anyone, and a cycle, a label outside the symbol table or a nonterminal without its
    FST would hang the sampler or crash the parser later."""
    size = fsts.symbols.num_symbols()
    if any(fsts.symbols.find(i) == "" for i in range(size)):
        return "its symbol table has gaps"
    language = fsts.language
    if language is not None and not (
        isinstance(language, str) and LANGUAGE_TAG.fullmatch(language)
    ):
        return f"its language {language!r} is not a language tag"
    nonterminals = fsts.nonterminals()
    named = [("intent", n) for n in fsts.intents] + [("slot", n) for n in fsts.slots]
    for kind, name in sorted(named + [("rule", n) for n in fsts.rules]):
        what = f"{kind} {name}"
        try:
            arcs = fsts.arrays((kind, name))
        except ValueError as err:  # bytes that are no FST of ours: read_far says so
            raise ValueError(f"{what}: {err}") from None
        callees(fsts, (kind, name), arcs)  # found now, from arrays already read
        source = np.repeat(np.arange(arcs.num_states(), dtype=np.int32), np.diff(arcs.arc_start))
        if (arcs.nextstate <= source).any():  # the compiler writes topologically sorted FSTs
            return f"{what} has a cycle or is not topologically sorted"
        for side in (arcs.ilabel, arcs.olabel):
            if len(side) and (side.min() < 0 or side.max() >= size):
                return f"{what} has a label outside the symbol table"
        if not (_probabilities(arcs.weight) and _probabilities(arcs.final)):
            return f"{what} has weights that are not probabilities"
        problem = _labels_problem(fsts, kind, name, arcs, nonterminals)
        if problem:
            return f"{what} {problem}"
    try:
        call_order(fsts)
    except ValueError as err:
        return str(err)
    return None


def _probabilities(weights: np.ndarray) -> bool:
    """Whether every weight is -log of a probability (infinity: none), float noise aside."""
    return not (np.isnan(weights).any() or (weights < -1e-3).any())


def _labels_problem(fsts, kind: str, name: str, arcs: openfst.Arrays, nonterminals) -> str | None:
    """What is wrong with the tags and nonterminals on the arcs of one FST, or None."""
    symbols = fsts.symbols
    for label in np.unique(np.concatenate([arcs.ilabel, arcs.olabel])).tolist():
        tag = labels.parse_tag(symbols.find(label))
        if tag is None:
            continue
        used = (arcs.ilabel == label) | (arcs.olabel == label)
        if tag[0] in ("class", "rule"):
            if label not in nonterminals:
                return f"enters {tag[0]} {tag[1]}, which the archive lacks"
            if (arcs.ilabel[used] != arcs.olabel[used]).any():
                return f"has a one-sided nonterminal {tag[0]} {tag[1]}"
        elif (arcs.ilabel[used] != 0).any():
            return f"reads the tag {symbols.find(label)} as a word"
        elif tag[0] == "intent" and (kind != "intent" or tag[1] != name):
            return f"carries the tag of intent {tag[1]}"
    if kind == "intent" and arcs.num_states():
        tag = symbols.find(labels.intent_tag(name))
        first = slice(arcs.arc_start[arcs.start], arcs.arc_start[arcs.start + 1])
        opening = arcs.olabel[first]
        said_at_once = arcs.final[arcs.start] < np.inf
        if tag < 0 or len(opening) == 0 or (opening != tag).any() or said_at_once:
            return "does not open with its intent tag"
        if (arcs.olabel == tag).sum() != len(opening):
            return "has its intent tag inside a sentence"
    return None


def _checked_layout(data: bytes, where: Location) -> tuple[dict, dict[str, memoryview]]:
    """The archive's metadata and its entries' FST bytes by key, after checking its index
    and every entry's checksum."""
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
            f"archive format version {meta.get('version')} is not {VERSION} (written by "
            f"another version of grammar-fst); {HINT}",
            where,
        )
    if entries[0][1] != _entry(entries[0][0], EMPTY):
        raise FarError(f"damaged archive: the metadata entry is altered; {HINT}", where)
    digests = meta.get("digests", {})
    found = {key: raw for key, raw in entries[1:]}
    names = [meta.get(kind) for kind, _ in KINDS]
    listed = {SYMBOLS}
    if isinstance(digests, dict) and all(
        isinstance(n, list) and all(isinstance(x, str) for x in n) for n in names
    ):
        listed |= {prefix + n for (_, prefix), group in zip(KINDS, names) for n in group}
    if set(found) != set(digests) or set(found) != listed:
        raise FarError(f"damaged archive: its entries are not the ones it lists; {HINT}", where)
    for key, raw in found.items():
        if _digest(raw) != digests[key]:
            raise FarError(
                f"damaged archive: entry {key} does not match its checksum; {HINT}", where
            )
    prefix = {key: 4 + len(key.encode("utf-8")) for key in found}
    return meta, {key: memoryview(raw)[prefix[key] :] for key, raw in found.items()}


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
        entries.append((key, memoryview(data)[start:end]))  # views: no copy of a large file
    return entries
