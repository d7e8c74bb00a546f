"""Which files a grammar may read: the paths written in it stay in its own folder tree.

A grammar may come from someone else. Its `import "..."` and `slot s from "..."` paths
must not reach files its user did not mean to share (`import "/etc/passwd"`,
`slot s from "../secret.txt"`, a `users.txt` link to a system file), so a written path
is resolved, links followed, and must land inside the folder of the grammar being loaded
or inside a folder the user allows (`--allow-path DIR`, `allow=` in the API). It is
checked before the file is opened, so a refused path reveals nothing of the file (not
even whether it exists). Paths the user gives on the command line are the user's choice
and are not checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import GrammarError, Location, UsageError

NAME_MAX = 255  # bytes in one path component, on every common file system


@dataclass(frozen=True)
class Folders:
    """The folders (resolved) that paths written in `grammar` may reach."""

    grammar: str
    roots: tuple[Path, ...]
    remedy: str = "move the file there, or allow its folder with --allow-path DIR"

    @classmethod
    def of(cls, grammar: str | Path, allowed: Iterable[str | Path] = ()) -> Folders:
        """The folder of the `grammar` file being loaded, and the `allowed` ones (one
        folder given alone is that folder: a string's characters would allow `/`)."""
        if isinstance(allowed, (str, os.PathLike)):
            allowed = [allowed]
        if not isinstance(allowed, Iterable) or not all(
            isinstance(folder, (str, os.PathLike)) for folder in allowed
        ):
            raise UsageError(f"allow names folders (a path or a list of paths), not {allowed!r}")
        folders = [Path(grammar).parent, *(Path(folder) for folder in allowed)]
        return cls(str(grammar), tuple(Path(os.path.realpath(folder)) for folder in folders))

    def resolve(self, base: Path, written: str, what: str, where: Location) -> Path:
        """The file that `written` (relative to the folder `base`) names, links resolved;
        a GrammarError at `where` if it cannot name a file or lies outside every folder."""
        shown = printable(written)
        if "\0" in written:
            raise GrammarError(f"the {what} name '{shown}' holds a NUL character", where)
        for part in written.split("/"):
            if len(os.fsencode(part)) > NAME_MAX:
                raise GrammarError(
                    f"the {what} name '{shown[:40]}...' has a part longer than {NAME_MAX} "
                    "bytes, which no file system allows",
                    where,
                )
        try:
            resolved = Path(os.path.realpath(base / written))
        except (OSError, ValueError) as err:
            raise GrammarError(f"the {what} '{shown}' cannot be resolved: {err}", where) from None
        if not self.inside(resolved):
            how = "leads through a link outside" if self.inside(base / written) else "is outside"
            raise GrammarError(
                f"the {what} '{shown}' {how} the folder of {self.grammar}: a grammar reads "
                f"files only in its own folder tree; {self.remedy}",
                where,
            )
        return resolved

    def reads(self, path: str | Path) -> bool:
        """Whether the grammar may read the file at `path`, links followed, as `resolve`
        lets it: a catalogue a grammar about to be written names (import, induce)."""
        return self.inside(Path(os.path.realpath(path)))

    def inside(self, path: Path) -> bool:
        """Whether `path`, as written (`..` taken literally), lies in one of the folders."""
        path = Path(os.path.normpath(os.path.abspath(path)))
        return any(path.is_relative_to(root) for root in self.roots)


def printable(text: str) -> str:
    """`text` with control, zero-width and other unprintable characters escaped, so an
    error message shows what a file name really holds."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
