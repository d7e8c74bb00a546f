"""The reference pages of docs/, made from the code so that they cannot drift from it:
the command line (docs/cli.md) from the argument parser, the Python API (docs/api.md)
from the public names' signatures and docstrings. A test fails when a page is stale.

    python -m grammar_fst.cli.reference docs/      # rewrite both pages
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import sys
from pathlib import Path

import grammar_fst

from ..output import write_text
from .main import PROG, build_parser

WIDTH = 92  # help text is wrapped at this width, whatever the terminal


def cli_markdown() -> str:
    """Every command's `--help`, as one page."""
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    parts = [
        "# Command-line reference\n",
        f"Generated from `{PROG}`'s argument parser by "
        "`python -m grammar_fst.cli.reference docs/`;",
        "a test fails when this page differs from what the parser says.\n",
        "Exit status: 0 success; 1 the command ran but found problems (`check` errors, `parse`",
        "sentences outside the grammar, `convert` records skipped); 2 a user error, said in one",
        f"line: `{PROG}: error: FILE:LINE:COL: what and how to fix`.\n",
        f"## {PROG}\n",
        _help(parser),
    ]
    for name, command in commands.choices.items():
        parts += [f"## {PROG} {name}\n", _help(command)]
    return "\n".join(parts)


def _help(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=WIDTH)
    return f"```text\n{parser.format_help().rstrip()}\n```\n"


def api_markdown() -> str:
    """The signature and docstring of every public name of `grammar_fst`, and of the
    public methods and properties of its classes."""
    parts = [
        "# Python API reference\n",
        "Generated from the docstrings by `python -m grammar_fst.cli.reference docs/`; a test",
        "fails when this page differs from the code.\n",
        "```python\nimport grammar_fst as gf\n```\n",
    ]
    for name in sorted(grammar_fst.__all__, key=str.lower):
        item = getattr(grammar_fst, name)
        if inspect.isclass(item):
            parts += _class(name, item)
        elif callable(item):
            parts += [f"## `gf.{name}{_signature(item)}`\n", _doc(item)]
        else:
            parts += [f"## `gf.{name}`\n", f"`{item!r}`\n"]
    parts.append("# Modules the guides use\n")
    for module, names in MODULE_API:
        loaded = importlib.import_module(module)
        for name in names:
            item = getattr(loaded, name)
            parts += [f"## `{module}.{name}{_signature(item)}`\n", _doc(item)]
    return "\n".join(parts)


# functions of the package's modules that the guides call (beyond `import grammar_fst`)
MODULE_API = (
    ("grammar_fst.evaluate", ("evaluate",)),
    ("grammar_fst.data.resample", ("resample", "measured", "explain", "report")),
    ("grammar_fst.data.formats", ("read", "get", "guess")),
)


def _class(name: str, kind: type) -> list[str]:
    parts = [f"## class `gf.{name}{_signature(kind)}`\n", _doc(kind)]
    for member, value in vars(kind).items():
        if member.startswith("_"):
            continue
        attribute = isinstance(value, property | functools.cached_property)
        if attribute or isinstance(value, staticmethod | classmethod) or inspect.isfunction(value):
            shown = getattr(
                value, "__func__", getattr(value, "fget", getattr(value, "func", value))
            )
            signature = "" if attribute else _signature(shown)
            parts += [f"### `{name}.{member}{signature}`\n", _doc(shown)]
    return parts


def _signature(function) -> str:
    """`(name: type = default, ...) -> type`, annotations as written in the source."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return "(...)"
    shown = []
    for parameter in signature.parameters.values():
        text = str(parameter.replace(annotation=inspect.Parameter.empty))
        if parameter.annotation is not inspect.Parameter.empty:
            name, _, default = text.partition("=")
            text = f"{name}: {_annotation(parameter.annotation)}"
            text += f" = {default}" if default else ""
        shown.append(text)
    result = f"({', '.join(shown)})"
    if signature.return_annotation not in (inspect.Signature.empty, None, "None"):
        result += f" -> {_annotation(signature.return_annotation)}"
    return result


def _annotation(annotation) -> str:
    return getattr(
        annotation,
        "__forward_arg__",
        annotation if isinstance(annotation, str) else inspect.formatannotation(annotation),
    )


def _doc(item) -> str:
    return (inspect.getdoc(item) or "(no docstring)") + "\n"


PAGES = {"cli.md": cli_markdown, "api.md": api_markdown}


def main(argv: list[str] | None = None) -> int:
    """Rewrite the pages in the folder given (default: docs/)."""
    folder = Path((argv if argv is not None else sys.argv[1:] or ["docs"])[0])
    for name, page in PAGES.items():
        write_text([page()], folder / name)
        print(f"wrote {folder / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
