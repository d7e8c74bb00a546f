"""Reading grammar files: strict UTF-8 with the place of a bad byte, and `import`s.

An import makes the rules and slots of another file visible; its intents stay its own.
Each file is read once however often it is imported, and an import cycle is an error.
The paths a grammar writes (imports, catalogues) are checked by `paths.Folders` before
anything is read through them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import GrammarError, path_argument, read_text
from . import ast as g
from . import syntax
from .folders import Folders


def split_spec(spec: str) -> tuple[str, str | None]:
    """`model.json#Type` picks a type; a `#` anywhere else is part of the file name."""
    file, sep, type_name = spec.rpartition("#")
    if sep and Path(file).suffix.lower() == ".json":
        return file, type_name
    return spec, None


def parse_file(path: str | Path) -> g.Grammar:
    """Parse one file, without following its imports."""
    return syntax.parse(read_text(path), str(path))


def load_grammar(path: str | Path, allow: Iterable[str | Path] = ()) -> g.Grammar:
    """Parse `path` and everything it imports into one Grammar.

    Imported rules and slots come first, then the file's own rules, slots and intents.
    Imports and catalogues must lie in `path`'s folder tree or in an `allow`ed folder.
    """
    path_argument(path)
    statements: list[g.Statement] = []
    language = _Loader(Folders.of(path, allow), statements).include(Path(path), root=True)
    return g.Grammar(tuple(statements), path=str(path), language=language)


class _Loader:
    """Follows imports depth first, collecting statements into `out`."""

    def __init__(self, folders: Folders, out: list[g.Statement]):
        self.folders = folders
        self.out = out
        self.stack: list[Path] = []
        self.done: set[Path] = set()

    def include(self, path: Path, root: bool) -> g.Language | None:
        """Append the statements of `path` and its imports; its language."""
        grammar = parse_file(path)
        self.stack.append(path.resolve())
        for stmt in grammar.statements:
            if isinstance(stmt, g.Import):
                self.follow(path, stmt)
                continue
            if isinstance(stmt, g.Slot) and isinstance(stmt.body, g.CatalogueRef):
                self.check_catalogue(path, stmt.body)
            if root or not isinstance(stmt, g.Intent):
                self.out.append(stmt)
        self.stack.pop()
        self.done.add(path.resolve())
        return grammar.language

    def check_catalogue(self, path: Path, ref: g.CatalogueRef) -> None:
        self.folders.resolve(path.parent, split_spec(ref.path)[0], "catalogue", ref.loc)

    def follow(self, path: Path, stmt: g.Import) -> None:
        target = self.folders.resolve(path.parent, stmt.path, "imported file", stmt.loc)
        if target in self.stack:
            chain = self.stack[self.stack.index(target) :] + [target]
            names = " -> ".join(p.name for p in chain)
            raise GrammarError(f"import cycle: {names}; remove one of these imports", stmt.loc)
        if target in self.done:
            return
        if not target.is_file():
            missing = "is a folder, not a file" if target.is_dir() else "not found"
            raise GrammarError(
                f"imported file '{stmt.path}' {missing} (looked for {target})", stmt.loc
            )
        self.include(path.parent / stmt.path, root=False)


def files_read(grammar: g.Grammar) -> set[Path]:
    """The files a loaded grammar was read from: its own, its imports', its catalogues'."""
    files = {Path(grammar.path)} | {Path(stmt.loc.file) for stmt in grammar.statements}
    for slot in grammar.slots.values():
        if isinstance(slot.body, g.CatalogueRef):
            files.add(Path(slot.body.loc.file).parent / split_spec(slot.body.path)[0])
    return files
