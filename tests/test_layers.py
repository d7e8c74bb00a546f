"""The package's layers, read from its import statements: each subpackage may use the ones
below it and never those above, so that each can be read (and tested) on its own.

    text      scripts, segmentation, tokens          no pynini, no numpy
    grm       the .grm language                       no pynini, no numpy
    data      records, formats, catalogues, resample  no FSTs, no sampling
    fst       the compiled network, parse, count      no sampling
    sampling  walks through the network
    (top)     model, check, evaluate, draw; induction, importers
    cli       the command line                        imported by nobody
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "grammar_fst"

# subpackage -> what it must not import (package parts or third-party modules)
FORBIDDEN = {
    "text": {"grm", "data", "fst", "sampling", "cli", "model", "pynini", "numpy"},
    "grm": {"data", "fst", "sampling", "cli", "model", "pynini", "numpy"},
    "data": {"fst", "sampling", "cli", "model", "pynini"},
    "fst": {"sampling", "cli", "model"},
    "sampling": {"cli", "model"},
}


def _imports(path: Path) -> set[str]:
    """The modules `path` imports, as dotted names inside grammar_fst ('fst.far') or as
    top-level third-party names ('pynini'), at any depth (lazy imports count too)."""
    module = path.relative_to(PACKAGE).with_suffix("").parts
    package = module if module[-1] == "__init__" else module[:-1]
    package = tuple(p for p in package if p != "__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                name = node.module or ""
                if name == "grammar_fst" or name.startswith("grammar_fst."):
                    inner = name.split(".")[1:]
                    found |= {".".join(inner + [a.name]) for a in node.names} if not inner else {
                        ".".join(inner)
                    }
                else:
                    found.add(name.split(".")[0])
                continue
            base = package[: len(package) - (node.level - 1)]
            target = [*base, *(node.module.split(".") if node.module else [])]
            if node.module:
                found.add(".".join(target))
            else:
                found |= {".".join([*target, a.name]) for a in node.names}
    return found


def _sources(subpackage: str) -> list[Path]:
    return sorted((PACKAGE / subpackage).rglob("*.py"))


def _forbidden(path: Path, banned: set[str]) -> list[str]:
    return sorted(
        name for name in _imports(path) if name and name.split(".")[0] in banned
    )


@pytest.mark.parametrize("subpackage", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(subpackage):
    bad = {
        str(path.relative_to(PACKAGE)): names
        for path in _sources(subpackage)
        if (names := _forbidden(path, FORBIDDEN[subpackage]))
    }
    assert not bad, f"{subpackage}/ imports what it must not: {bad}"


def test_nothing_outside_cli_imports_it():
    users = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in ("cli", "__main__.py")
        and _forbidden(path, {"cli"})
    ]
    assert not users


def test_the_layer_check_sees_imports():
    """The checker itself: a known import is found, so an empty result above means
    something."""
    assert "fst.compiler" in _imports(PACKAGE / "fst" / "far.py")
    assert "pynini" in _imports(PACKAGE / "fst" / "far.py")
    assert "grm" in _imports(PACKAGE / "fst" / "compiler.py")
