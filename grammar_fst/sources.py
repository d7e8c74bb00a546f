"""Reading grammar files: strict UTF-8 with the place of a bad byte, and `import`s.

An import makes the rules and slots of another file visible; its intents stay its own.
Each file is read once however often it is imported, and an import cycle is an error.
"""

from __future__ import annotations

from pathlib import Path

from . import grammar as g
from . import syntax
from .errors import GrammarError, Location


def read_text(path: str | Path) -> str:
    """The UTF-8 text of `path`; a missing file or a bad byte is a located GrammarError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise GrammarError(
            f"cannot read the file: {err.strerror or err}", Location(str(path))
        ) from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        col = len(data[line_start : err.start].decode("utf-8", errors="replace")) + 1
        raise GrammarError(
            f"not valid UTF-8 (byte 0x{data[err.start]:02X} at offset {err.start}); "
            "save the file as UTF-8",
            Location(str(path), line, col),
        ) from None


def parse_file(path: str | Path) -> g.Grammar:
    """Parse one file, without following its imports."""
    return syntax.parse(read_text(path), str(path))


def load_grammar(path: str | Path) -> g.Grammar:
    """Parse `path` and everything it imports into one Grammar.

    Imported rules and slots come first, then the file's own rules, slots and intents.
    """
    statements: list[g.Statement] = []
    language = _include(Path(path), [], set(), statements, root=True)
    return g.Grammar(tuple(statements), path=str(path), language=language)


def _include(
    path: Path, stack: list[Path], done: set[Path], out: list, root: bool
) -> g.Language | None:
    """Append the statements of `path` and its imports to `out`; its language."""
    grammar = parse_file(path)
    stack.append(path.resolve())
    for stmt in grammar.statements:
        if isinstance(stmt, g.Import):
            _import(path, stmt, stack, done, out)
        elif root or not isinstance(stmt, g.Intent):
            out.append(stmt)
    stack.pop()
    done.add(path.resolve())
    return grammar.language


def _import(path: Path, stmt: g.Import, stack: list[Path], done: set[Path], out: list) -> None:
    target = (path.parent / stmt.path).resolve()
    if target in stack:
        chain = stack[stack.index(target) :] + [target]
        names = " -> ".join(p.name for p in chain)
        raise GrammarError(f"import cycle: {names}; remove one of these imports", stmt.loc)
    if target in done:
        return
    if not target.is_file():
        raise GrammarError(f"imported file '{stmt.path}' not found (looked for {target})", stmt.loc)
    _include(path.parent / stmt.path, stack, done, out, root=False)
