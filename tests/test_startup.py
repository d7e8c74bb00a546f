"""Start-up: the command line imports what a command needs when it runs, so `--help` and
`COMMAND --help` load neither pynini nor numpy (issue 19); and the parser a run builds,
with only its own command's arguments, says what the full one (docs/cli.md) says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grammar_fst.cli.main import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "grammars" / "toy.grm"
HEAVY = {"pynini", "numpy"}


def imported(*args: str) -> set[str]:
    """The modules `python -m grammar_fst ARGS` imports, read from `-X importtime`."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "grammar_fst", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    names = {row.rsplit("|", 1)[1].strip() for row in rows}
    return names - {"imported package"}  # the header row


def test_help_imports_no_grammar_machinery():
    found = imported("--help")
    assert not found & HEAVY
    assert not {m for m in found if m.startswith(("grammar_fst.model", "grammar_fst.data"))}
    assert "grammar_fst.induction" not in found


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_command_help_imports_neither_pynini_nor_numpy(command):
    assert not imported(command, "--help") & HEAVY


def test_the_check_sees_imports():
    """A command that loads a grammar imports both: an empty set above means something."""
    assert HEAVY <= imported("sample", str(TOY), "-n", "1")


# What sampling a .grm source needs none of: pictures, parsing, archives, --cover, --allocate
NOT_FOR_SAMPLING = {
    "grammar_fst.draw",
    "grammar_fst.fst.parse",
    "grammar_fst.fst.far",
    "grammar_fst.sampling.cover",
    "grammar_fst.sampling.patterns",
}


def test_sampling_a_source_loads_only_what_it_uses():
    found = imported("sample", str(TOY), "-n", "1")
    assert not found & NOT_FOR_SAMPLING
    assert "grammar_fst.data.formats._bulk" in found  # the check sees what a run imports


@pytest.mark.parametrize(
    "args, module",
    [
        (["sample", str(TOY), "-n", "1", "--cover"], "grammar_fst.sampling.cover"),
        (["sample", str(TOY), "-n", "1", "--allocate", "uniform"], "grammar_fst.sampling.patterns"),
        (["parse", str(TOY), "play rock music"], "grammar_fst.fst.parse"),
    ],
)
def test_what_sampling_leaves_out_comes_when_asked_for(args, module):
    assert module in imported(*args)


def _help(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 0
    return capsys.readouterr().out


def test_a_run_shows_the_help_of_the_full_parser(capsys):
    full = build_parser()
    commands = next(a for a in full._actions if a.dest == "command").choices
    assert _help(["--help"], capsys) == full.format_help()
    for name, parser in commands.items():
        assert _help([name, "--help"], capsys) == parser.format_help()


@pytest.mark.parametrize(("given", "seen"), [(None, "1"), ("4", "4")])
def test_the_command_starts_numpy_without_a_thread_pool(monkeypatch, given, seen):
    """OpenBLAS starts a thread per core as numpy loads, which no command uses: the command
    asks for one unless the user has said otherwise."""
    import os

    import grammar_fst.__main__ as entry
    import grammar_fst.cli.main as cli_main

    monkeypatch.setenv("OPENBLAS_NUM_THREADS", given or "")  # undone after the test
    if given is None:
        monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    found = []
    monkeypatch.setattr(
        cli_main, "main", lambda: found.append(os.environ.get("OPENBLAS_NUM_THREADS")) or 0
    )
    with pytest.raises(SystemExit) as stop:
        entry.run()
    assert stop.value.code == 0
    assert found == [seen]


def test_the_command_ends_without_collecting_what_it_leaves(monkeypatch):
    """The interpreter's collections at exit walked every object the run left (tens of
    milliseconds): the command freezes them as it ends, whatever way it ends."""
    import gc

    import grammar_fst.__main__ as entry
    import grammar_fst.cli.main as cli_main

    def failing() -> int:
        raise RuntimeError("the command failed")

    for ending, raised in [(lambda: 0, SystemExit), (failing, RuntimeError)]:
        gc.unfreeze()
        monkeypatch.setattr(cli_main, "main", ending)
        try:
            with pytest.raises(raised):
                entry.run()
            assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()


# --- the format registry: a format's module is imported when the format is used ---------

FORMATS_PACKAGE = "grammar_fst.data.formats."


def format_modules(code: str) -> set[str]:
    """The format modules (helpers `_*` aside) imported once `code` has run in a fresh
    interpreter (`-X importtime` does not see `importlib.import_module`: sys.modules does)."""
    report = "import sys; print('\\n'.join(sys.modules), file=sys.stderr)"
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = [m.removeprefix(FORMATS_PACKAGE) for m in done.stderr.split() if FORMATS_PACKAGE in m]
    return {name for name in found if not name.startswith("_")}


def test_the_registry_imports_no_format_module():
    from grammar_fst.data import formats

    listed = "from grammar_fst.data import formats; formats.READABLE, formats.endings()"
    assert format_modules(listed) == set()
    assert format_modules("from grammar_fst.cli.main import build_parser; build_parser()") == set()
    assert len(formats.MODULES) == 9  # and there are modules to leave out


@pytest.mark.parametrize("fmt", ["jsonl", "text", "bio", "massive", "rasa", "snips-nlu"])
def test_choosing_a_format_imports_its_module_alone(tmp_path, fmt):
    """`sample --format F` imports F's module and those it imports itself (the bulk
    writers' helpers included), no other format's."""
    from grammar_fst.data import formats

    chosen = formats.get(fmt)
    needs = f"import grammar_fst.data.formats.{chosen.module}"
    if chosen.bulk:
        needs += "\nimport grammar_fst.data.formats._bulk"
    run = (
        "from grammar_fst.cli.main import main\n"
        f"assert main(['sample', {str(TOY)!r}, '-n', '3', '--format', {fmt!r}, "
        f"'-o', {str(tmp_path / 'out')!r}]) == 0"
    )
    found = format_modules(run)
    assert chosen.module in found
    assert found == format_modules(needs)
    assert len(found) < len(formats.MODULES) // 2


def test_a_format_module_is_named_when_first_asked_for():
    """`formats.jsonl` (as code written before the registry was lazy reads it)."""
    code = "from grammar_fst.data import formats; formats.tod.locale_read"
    assert format_modules(code) == {"tod"}
