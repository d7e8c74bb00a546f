"""Fuzzing: inputs made by mutating the bundled grammars, data and archives, each run as
one `grammar-fst` command in a forked child under a CPU, memory and wall-clock budget,
and the outcome classified. Used by tests/test_fuzz.py (a few bounded cases per
category) and benchmarks/fuzz.py (`make fuzz`, as many cases as time allows).

Besides crashes, a case fails if it leaves a temporary file behind or changes one of its
input files. Every case is a command line and the files it reads, so a case that fails
can be saved as a folder (`Case.save`) and replayed as a regression fixture (`Case.load`).
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import json
import os
import random
import resource
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).parent.parent
GRAMMARS = ROOT / "grammars"
EXAMPLES = ROOT / "examples"
KINDS = ("clean", "traceback", "signal", "hang", "over-budget", "leftover", "lost")

# -- cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A command line (`grammar-fst` omitted) and the files it finds in its folder."""

    category: str
    argv: tuple[str, ...]
    files: dict[str, bytes] = field(hash=False)

    def size(self) -> int:
        return sum(len(data) for data in self.files.values())

    def write_files(self, folder: Path) -> None:
        for name, data in self.files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def save(self, folder: Path) -> None:
        """The case as a folder: case.json (category, argv) and files/."""
        folder.mkdir(parents=True, exist_ok=True)
        about = {"category": self.category, "argv": list(self.argv)}
        (folder / "case.json").write_text(json.dumps(about, indent=1) + "\n", encoding="utf-8")
        self.write_files(folder / "files")

    @classmethod
    def load(cls, folder: Path) -> Case:
        about = json.loads((folder / "case.json").read_text(encoding="utf-8"))
        files = {
            p.relative_to(folder / "files").as_posix(): p.read_bytes()
            for p in sorted((folder / "files").rglob("*"))
            if p.is_file()
        }
        return cls(about["category"], tuple(about["argv"]), files)


# -- mutations of text ------------------------------------------------------------------------

COMBINING = [chr(c) for c in range(0x300, 0x370, 7)]
RTL = ["\u202e", "\u202b", "\u200f", "\u05d0\u05d1", "\u0627\u0644"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
ODD = ["\0", "\r", "\x1b[31m", "\x7f", "\u2028", "\ud800", "💥", "ﬃ", "İ", "ß", "\t", "\\"]
SYNTAX = list("|()[]{}$<>\"#=,;:") + ["\n", "\n  ", " <0> ", " <-1> ", " <1e308> ", " <nan> "]
ODD_PATHS = [
    "/etc/passwd",
    "../../../../../../etc/shadow",
    "../secret.txt",
    "a\0b.grm",
    "x" * 300 + ".grm",
    "",
    ".",
    "/",
    "~/.bashrc",
    "sub/../../outside.grm",
    "g.grm",
    "common.grm",
    "link.grm",
    "catalogues/cities_en.tsv",
    "catalogues/travel_model.json#Nope",
    "\u202etxt.grm",
    "nul\0.txt",
    "dir/",
]


def _span(rng: random.Random, text: str) -> tuple[int, int]:
    start = rng.randrange(len(text) + 1)
    return start, min(len(text), start + rng.choice([1, 2, 5, 20, 200]))


def _delete(rng: random.Random, text: str) -> str:
    start, end = _span(rng, text)
    return text[:start] + text[end:]


def _duplicate(rng: random.Random, text: str) -> str:
    start, end = _span(rng, text)
    at = rng.randrange(len(text) + 1)
    return text[:at] + text[start:end] * rng.choice([1, 2, 10]) + text[at:]


def _insert(rng: random.Random, text: str, piece: str) -> str:
    at = rng.randrange(len(text) + 1)
    return text[:at] + piece + text[at:]


def _unicode(rng: random.Random, text: str) -> str:
    pool = rng.choice([COMBINING, RTL, ZERO_WIDTH, ODD, SYNTAX])
    return _insert(rng, text, "".join(rng.choice(pool) for _ in range(rng.choice([1, 3, 30]))))


def _long_line(rng: random.Random, text: str) -> str:
    word = rng.choice(["a", "play", "é", "$x", "{genre}", "a |"])
    return _insert(rng, text, " " + " ".join([word] * rng.choice([100, 1000, 5000])) + " ")


def _longish_line(rng: random.Random, text: str) -> str:
    word = rng.choice(["a", "play", "é", "$x", "{genre}", "a |"])
    return _insert(rng, text, " " + " ".join([word] * rng.choice([10, 50, 200])) + " ")


def _deep(rng: random.Random, text: str) -> str:
    depth = rng.choice([10, 99, 101, 300, 3000])
    opening, closing = rng.choice([("(", ")"), ("[", "]"), ("((", "))"), ("[", ""), ("{", "}")])
    return _insert(rng, text, opening * depth + " a " + closing * depth)


def _huge_count(rng: random.Random, text: str) -> str:
    piece = rng.choice(
        ["{1,100}", "{0,99999999999999999999}", "{100}", "{3,2}", "{-1}", "<99999999999>", "{,}"]
    )
    return _insert(rng, text, piece)


def _odd_path(rng: random.Random, text: str) -> str:
    path = rng.choice(ODD_PATHS)
    line = rng.choice([f'import "{path}"', f'slot s{rng.randrange(9)} from "{path}"'])
    return _insert(rng, text, f"\n{line}\n")


def _expansion(rng: random.Random, text: str) -> str:
    """`text` and rules whose expansion grows exponentially with their number: doubling
    chains, repetitions of repetitions through rules, long chains of optional parts; or
    whose deterministic form does, though they are small: the k-th word from the end
    fixed (`(a | b){0,k} a (a | b){k}`)."""
    k = rng.choice([4, 8, 15, 18, 30])
    shape = rng.choice(["doubling", "repeat", "optional", "suffix"])
    if shape == "doubling":
        lines = ["$r0 = a | b", *(f"$r{i} = $r{i - 1} $r{i - 1} | x{i}" for i in range(1, k + 1))]
    elif shape == "repeat":
        k, n = rng.choice([2, 3]), rng.choice([10, 100])
        lines = ["$r0 = a | b", *(f"$r{i} = $r{i - 1}{{1,{n}}}" for i in range(1, k + 1))]
    elif shape == "optional":
        lines = ["$r0 = c", *(f"$r{i} = [a] [b] $r{i - 1}" for i in range(1, k + 1))]
    else:
        lines = [f"$r{k} = (a | b){{0,{k}}} a (a | b){{{k},{k}}}"]  # inline: no rule to share
    return text + "\n" + "\n".join([*lines, f"intent Blow = $r{k}"]) + "\n"


TEXT_MUTATIONS: list[Callable[[random.Random, str], str]] = [
    _delete,
    _duplicate,
    _unicode,
    _long_line,
    _deep,
    _huge_count,
    _odd_path,
]
# for the bounded cases of the test suite: the same, with lines of at most 200 words
SMALL_MUTATIONS = [_longish_line if m is _long_line else m for m in TEXT_MUTATIONS]


def mutated(rng: random.Random, text: str, mutations=TEXT_MUTATIONS) -> bytes:
    """`text` after one to four `mutations`, as bytes; sometimes not valid UTF-8."""
    for _ in range(rng.choice([1, 1, 2, 4])):
        text = rng.choice(mutations)(rng, text)
    data = text.encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.05:
        data = _insert_bytes(rng, data, bytes([rng.choice([0xFF, 0xC3, 0x80, 0xED])]))
    return data


def _insert_bytes(rng: random.Random, data: bytes, piece: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + piece + data[at:]


# -- the three categories -------------------------------------------------------------------


@cache
def seed_grammars() -> dict[str, str]:
    found = sorted([*GRAMMARS.glob("*.grm"), *EXAMPLES.glob("*.grm")])
    return {p.name: p.read_text(encoding="utf-8") for p in found}


@cache
def support_files() -> dict[str, bytes]:
    """What the bundled grammars import or read, at the same relative paths."""
    files = {"common.grm": (GRAMMARS / "common.grm").read_bytes()}
    for path in sorted((GRAMMARS / "catalogues").iterdir()):
        files[f"catalogues/{path.name}"] = path.read_bytes()
    for path in sorted(EXAMPLES.glob("*.txt")):
        files[path.name] = path.read_bytes()
    return files


def grammar_case(rng: random.Random, small: bool = False) -> Case:
    """A mutated bundled grammar (a window of its lines when `small`), run by a command
    that reads a grammar source."""
    name, text = rng.choice(sorted(seed_grammars().items()))
    if small:
        lines = text.splitlines(keepends=True)
        start = rng.randrange(len(lines))
        text = "".join(lines[start : start + rng.choice([3, 8, 20])])
    files = dict(support_files())
    files["g.grm"] = mutated(rng, text, SMALL_MUTATIONS if small else TEXT_MUTATIONS)
    return Case("grammar", _grammar_command(rng), files)


def expansion_case(rng: random.Random, small: bool = False) -> Case:
    """A small grammar plus rules whose expansion is exponential in their number."""
    files = dict(support_files())
    files["g.grm"] = mutated(rng, _expansion(rng, seed_grammars()["toy.grm"]), [_delete])
    return Case("expansion", _grammar_command(rng), files)


def _grammar_command(rng: random.Random) -> tuple[str, ...]:
    argv = rng.choice(
        [
            ["check", "g.grm"],
            ["compile", "g.grm", "-o", "out.far"],
            ["count", "g.grm"],
            ["sample", "g.grm", "-n", "5", "--seed", str(rng.randrange(100))],
            ["sample", "g.grm", "-n", "20", "--unique", "--format", "text", "-o", "out.txt"],
            ["parse", "g.grm", "play some jazz", "wake me up at 7 am", ""],
            ["draw", "g.grm", "-o", "out.dot"],
        ]
    )
    return tuple(argv)


DATA_NAMES = {
    "jsonl": "data.jsonl",
    "massive": "data.jsonl",
    "snips": "data.json",
    "rasa": "data.yml",
    "bio": "data.bio",
    "text": "data.txt",
}


@cache
def seed_utterances() -> list:
    from grammar_fst.data import formats

    return list(formats.read(str(EXAMPLES / "music_and_books.jsonl"), None, "stop"))


@cache
def seed_data(fmt: str) -> str:
    from grammar_fst.data import formats

    return formats.get(fmt).document_writer()(iter(seed_utterances()))


def data_case(rng: random.Random, small: bool = False) -> Case:
    """Annotated data in one of the formats, mutated, read by a command that reads data."""
    fmt = rng.choice(sorted(DATA_NAMES))
    text = seed_data(fmt)
    if small:
        text = text[: rng.choice([200, 800, 3000])]
    name = DATA_NAMES[fmt]
    mutations = SMALL_MUTATIONS if small else TEXT_MUTATIONS
    files = {name: mutated(rng, text, mutations), "toy.grm": (GRAMMARS / "toy.grm").read_bytes()}
    files["artists.txt"] = (EXAMPLES / "artists.txt").read_bytes()
    on_error = rng.choice(["stop", "skip"])
    argv = rng.choice(
        [
            ["convert", name, "--from", fmt, "--to", rng.choice(sorted(DATA_NAMES)), "-o", "o"],
            ["convert", name, "--to", "jsonl"],
            ["resample", name, "--format", fmt, "-n", "12", "--seed", str(rng.randrange(9))],
            ["induce", name, "--format", fmt, "--catalogue", "artist=artists.txt"],
            ["evaluate", "toy.grm", "--heldout", name, "--format", fmt, "--samples", "20"],
        ]
    )
    return Case("data", (*argv, "--on-error", on_error), files)


ARCHIVE_SEEDS = ("toy.grm", "music_and_books.grm", "travel.grm")


@cache
def seed_archive(name: str) -> bytes:
    import grammar_fst as gf

    source = GRAMMARS / name if (GRAMMARS / name).exists() else EXAMPLES / name
    with tempfile.TemporaryDirectory() as folder:
        gf.load(source).write_far(Path(folder) / "a.far")
        return (Path(folder) / "a.far").read_bytes()


def _flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice([1, 4, 64])):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def _big_number(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(max(1, len(data) - 8))
    number = rng.choice([b"\xff\xff\xff\x7f", b"\x00\x00\x00\x80", b"\xff" * 8, b"\x00" * 8])
    return data[:at] + number + data[at + len(number) :]


def _splice(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(len(data))
    return _insert_bytes(rng, data, data[start : start + rng.choice([4, 64, 4096])])


BYTE_MUTATIONS = [_flip, _truncate, _big_number, _splice]


def archive_case(rng: random.Random, small: bool = False) -> Case:
    """A compiled archive with damaged bytes, read by a command that reads archives."""
    data = seed_archive(rng.choice(ARCHIVE_SEEDS))
    for _ in range(rng.choice([1, 2, 3])):
        if data:  # a truncation may leave nothing to mutate
            data = rng.choice(BYTE_MUTATIONS)(rng, data)
    files = {"a.far": data, "genres.txt": b"jazz\nblues\n"}
    argv = rng.choice(
        [
            ["sample", "a.far", "-n", "5"],
            ["sample", "a.far", "--all", "--format", "text"],
            ["count", "a.far"],
            ["parse", "a.far", "play pop music", "weather in paris"],
            ["compile", "a.far", "--catalogue", "genre=genres.txt", "-o", "b.far"],
            ["draw", "a.far", "-o", "a.dot"],
        ]
    )
    return Case("archive", tuple(argv), files)


def _hostile(rng: random.Random, fsts) -> None:
    """Damage the content of compiled FSTs in one of the ways a hand-made archive can."""
    import pynini

    intent = fsts.intents[rng.choice(sorted(fsts.intents))]
    states = list(intent.states())
    how = rng.choice(["cycle", "unknown label", "no tag", "no slot fst", "negative", "big"])
    if how == "cycle":
        final = next(s for s in states if intent.final(s) != pynini.Weight.zero("log"))
        word = fsts.symbols.num_symbols() - 1
        intent.add_arc(final, pynini.Arc(word, word, pynini.Weight.one("log"), intent.start()))
    elif how in ("unknown label", "no tag", "negative"):
        arcs = intent.mutable_arcs(rng.choice(states) if how != "no tag" else intent.start())
        for arc in arcs:
            if how == "unknown label":
                arc.ilabel = arc.olabel = fsts.symbols.num_symbols() + rng.randrange(1000)
            elif how == "no tag":
                arc.olabel = 0
            else:
                arc.weight = pynini.Weight("log", -rng.choice([1, 50, 1e9]))
            arcs.set_value(arc)
            break
    elif how == "no slot fst" and fsts.slots:
        del fsts.slots[rng.choice(sorted(fsts.slots))]
    else:
        state = intent.start()
        for _ in range(rng.choice([1000, 200_000])):
            nxt = intent.add_state()
            intent.add_arc(state, pynini.Arc(1, 1, pynini.Weight.one("log"), nxt))
            state = nxt
        intent.set_final(state)


def signed_archive_case(rng: random.Random, small: bool = False) -> Case:
    """An archive whose checksums are right but whose content is not what `compile`
    writes (a cycle, a label outside the symbol table, a missing tag or slot FST,
    negative weights, a huge FST)."""
    from unittest import mock

    from grammar_fst.fst import far
    from grammar_fst.fst.compiler import CompiledFsts

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.far"
        path.write_bytes(seed_archive(rng.choice(ARCHIVE_SEEDS)))
        read = far.read_far(path)
        groups = (dict(read.intents), dict(read.slots), dict(read.rules))
        fsts = CompiledFsts(read.symbols, *groups, language=read.language)
        _hostile(rng, fsts)
        with mock.patch.object(far, "network_problem", lambda fsts: None):  # a hostile writer
            far.write_far(fsts, path)
        data = path.read_bytes()
    case = archive_case(rng)
    return Case("archive-signed", case.argv, {**case.files, "a.far": data})


# -- odd arguments -------------------------------------------------------------------------

# Command lines over the case's own files; the arguments below are added to them.
ARGUMENT_COMMANDS = [
    ["sample", "toy.grm", "-n", "3"],
    ["sample", "toy.grm", "-n", "3", "--format", "bio", "-o", "out.bio"],
    ["count", "toy.grm"],
    ["check", "toy.grm"],
    ["parse", "toy.grm", "play pop music"],
    ["compile", "toy.grm", "-o", "out.far"],
    ["draw", "toy.grm", "-o", "out.dot"],
    ["convert", "data.jsonl", "--to", "bio", "-o", "out.bio"],
    ["resample", "data.jsonl", "-n", "10"],
    ["induce", "data.jsonl", "-o", "out.grm"],
    ["evaluate", "toy.grm", "--heldout", "data.jsonl", "--samples", "10"],
    ["import", "lights.chatette", "-o", "out.grm"],
]
# Values an option may be given by mistake or by malice: out of range, not numbers,
# bytes that are not UTF-8 (as Python decodes them), control characters, long.
ODD_VALUES = [
    "0", "-1", "-0", "99999999999999999999", "9" * 5000, "1e400", "nan", "inf", "-inf",
    "0x10", "1_000", " 5", "\u0663", "\u00b2", "", " ", "-", "--", "=", "a=b=c", "x=",
    "=1", "\udcff", "a\udcffb", "a\0b", "\u202e", "\x1b[31m", "x" * 5000, "💥", "local:0",
    "local:99999", "local:x", "PlayMusic=99999999999999999999", "genre=", "genre=\0",
]  # fmt: skip
# Options naming files: left as the command line gives them, so no case writes or reads
# anything outside its own folder (the fuzzer may run as root).
PATH_DESTS = {"output", "heldout", "heldout_rest", "allow_path", "catalogue", "grammar", "data"}


# Values that many options take, so that odd combinations get past the parser.
PLAUSIBLE = ["1", "2", "3", "7", "0.5", "1000", "PlayMusic", "genre", "train=0.5,test=0.5"]


@cache
def _options(command: str) -> tuple[tuple[str, ...], tuple[str, ...], dict]:
    """The options of `command` that take a value and name no file, its flags (but
    `--help`, which ends the run at once), and each option's choices."""
    from grammar_fst.cli.main import build_parser

    commands = next(a for a in build_parser([command])._actions if a.dest == "command")
    actions = [a for a in commands.choices[command]._actions if a.option_strings]
    return (
        tuple(a.option_strings[-1] for a in actions if a.nargs != 0 and a.dest not in PATH_DESTS),
        tuple(a.option_strings[-1] for a in actions if a.nargs == 0 and a.dest != "help"),
        {a.option_strings[-1]: sorted(a.choices) for a in actions if a.choices},
    )


def _value_options(command: str) -> tuple[str, ...]:
    return _options(command)[0]


def _value(rng: random.Random, command: str, option: str) -> str:
    """An odd value for `option`, or one it may well take: one of its choices, or a
    plausible one."""
    if rng.random() < 0.5:
        return rng.choice(ODD_VALUES)
    return rng.choice(_options(command)[2].get(option) or PLAUSIBLE)


def arguments_case(rng: random.Random, small: bool = False) -> Case:
    """A command line over the bundled files with odd values for one to three of its
    options (`--opt V` or `--opt=V`), some of its flags together, and now and then a stray
    word."""
    argv = list(rng.choice(ARGUMENT_COMMANDS))
    for _ in range(rng.randint(1, 3) if _value_options(argv[0]) else 0):
        option = rng.choice(_value_options(argv[0]))
        value = _value(rng, argv[0], option)
        if option == "--dask" and not value.startswith("local:"):
            value = "local:" + value  # a scheduler's address would wait for the network
        argv += [f"{option}={value}"] if rng.random() < 0.3 else [option, value]
    flags = _options(argv[0])[1]
    argv += rng.sample(flags, min(len(flags), rng.choice([0, 0, 1, 2, 3])))
    if rng.random() < 0.2 or not _value_options(argv[0]):
        argv.insert(rng.randint(1, len(argv)), rng.choice(ODD_VALUES))
    files = {
        "toy.grm": (GRAMMARS / "toy.grm").read_bytes(),
        "data.jsonl": (EXAMPLES / "music_and_books.jsonl").read_bytes(),
        "lights.chatette": (EXAMPLES / "lights.chatette").read_bytes(),
    }
    return Case("arguments", tuple(argv), files)


# The categories of the test suite; `make fuzz` runs all of them.
CATEGORIES: dict[str, Callable[..., Case]] = {
    "grammar": grammar_case,
    "data": data_case,
    "archive": archive_case,
    "arguments": arguments_case,
}
ALL_CATEGORIES: dict[str, Callable[..., Case]] = {
    **CATEGORIES,
    "expansion": expansion_case,
    "archive-signed": signed_archive_case,
}


# -- running a case -------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    cpu_seconds: int = 10
    memory_bytes: int = 2 << 30  # on top of what the process already maps
    wall_seconds: float = 60.0


@dataclass(frozen=True)
class Outcome:
    kind: str  # one of KINDS
    status: int | None  # exit status, or None if killed by a signal
    signal: int | None
    cpu_seconds: float
    detail: str  # the end of standard error, or what was left behind

    @property
    def clean(self) -> bool:
        return self.kind == "clean"


def run(case: Case, budget: Budget = Budget(), main: Callable | None = None) -> Outcome:
    """Run `case` in a fresh folder, in a child forked from this process, under `budget`;
    its outcome. `main` runs the command line (default: grammar-fst's)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:
        folder = Path(scratch) / "case"
        folder.mkdir()
        case.write_files(folder)
        before = set(_listing(folder))
        err_path = Path(scratch) / "stderr"
        pid = os.fork()
        if pid == 0:  # the child: never returns
            _child(case, folder, err_path, budget, main)
        _, wait_status, usage = os.wait4(pid, 0)
        cpu = usage.ru_utime + usage.ru_stime
        stderr = err_path.read_text(encoding="utf-8", errors="replace") if err_path.exists() else ""
        left = sorted(name for name in set(_listing(folder)) - before if name.endswith(".tmp"))
        lost = sorted(n for n, data in case.files.items() if _bytes(folder / n) != data)
        return _classify(wait_status, cpu, stderr, left, lost)


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _listing(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*")]


def _child(case: Case, folder: Path, err_path: Path, budget: Budget, main) -> None:
    status = 70
    try:
        os.chdir(folder)
        _limit(budget)
        null = os.open(os.devnull, os.O_RDWR)
        err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(err, 2)
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(  # as Python's own: what it cannot encode, escaped
            io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace"
        )
        signal.signal(signal.SIGINT, signal.default_int_handler)
        faulthandler.disable()  # a crash is told by the exit status, not by a dump
        if main is None:
            from grammar_fst.cli.main import main
        status = main(list(case.argv))
        sys.stdout.flush()
        sys.stderr.flush()
    except SystemExit as stop:  # argparse's own errors and --help
        status = stop.code if isinstance(stop.code, int) else 2
    except BaseException:
        with contextlib.suppress(BaseException):
            traceback.print_exc()
            sys.stderr.flush()
    finally:
        os._exit(status)


def _limit(budget: Budget) -> None:
    """CPU seconds, address space (above what is mapped now), wall clock, no core files."""
    resource.setrlimit(resource.RLIMIT_CPU, (budget.cpu_seconds, budget.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    mapped = _mapped_bytes()
    if mapped is not None:
        limit = mapped + budget.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the wall clock kills, uncatchably late
    signal.setitimer(signal.ITIMER_REAL, budget.wall_seconds)


def _mapped_bytes() -> int | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return None


def _classify(
    wait_status: int, cpu: float, stderr: str, left: list[str], lost: list[str]
) -> Outcome:
    tail = stderr[-1500:]
    if os.WIFSIGNALED(wait_status):
        signum = os.WTERMSIG(wait_status)
        if signum == signal.SIGALRM:
            kind = "hang"
        elif signum == signal.SIGXCPU or "bad_alloc" in stderr:
            kind = "over-budget"
        else:
            kind = "signal"
        return Outcome(kind, None, signum, cpu, tail)
    status = os.WEXITSTATUS(wait_status)
    if "Traceback (most recent call last)" in stderr or status not in (0, 1, 2):
        memory = "MemoryError" in stderr or "bad_alloc" in stderr
        return Outcome("over-budget" if memory else "traceback", status, None, cpu, tail)
    if left:
        return Outcome("leftover", status, None, cpu, f"left behind: {left}")
    if lost:
        return Outcome("lost", status, None, cpu, f"inputs changed or removed: {lost}")
    return Outcome("clean", status, None, cpu, tail)
