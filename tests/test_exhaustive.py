"""A grammar operator added to the AST is a type error in every operation that does not
handle it yet: each operation is one `match` over `ast.Expr` ending in `assert_never`, and
`make lint` runs mypy. Shown here on a copy of the package with a made-up operator, checked
in `grm/` only (its operations check in about a second; docs/design.md lists the files the
whole package flags)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FAKE = '''
@dataclass(frozen=True)
class Shuffle:
    """The items in any order (a made-up operator)."""

    items: tuple[Expr, ...]
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

'''


def _check_grm(package: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """mypy, configured as `make lint` is, on the `grm/` of a copy of the package."""
    return subprocess.run(
        [
            sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
            "--cache-dir", str(cache), "--follow-imports", "silent", "grammar_fst/grm",
        ],
        cwd=package.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_new_operator_is_a_type_error_until_each_operation_handles_it(tmp_path):
    package = tmp_path / "grammar_fst"
    shutil.copytree(ROOT / "grammar_fst", package, ignore=shutil.ignore_patterns("__pycache__"))
    clean = _check_grm(package, tmp_path / "cache")
    assert clean.returncode == 0, clean.stdout + clean.stderr

    ast_file = package / "grm" / "ast.py"
    text = ast_file.read_text(encoding="utf-8")
    union = "Repeat | Synonym\n)"
    assert union in text and "\nExpr = (" in text
    text = text.replace("\nExpr = (", FAKE + "\nExpr = (")
    text = text.replace(union, "Repeat | Synonym | Shuffle\n)")
    ast_file.write_text(text, encoding="utf-8")
    flagged = _check_grm(package, tmp_path / "cache")

    assert flagged.returncode == 1, flagged.stdout + flagged.stderr
    errors = re.findall(r"^(grammar_fst/\S+?):\d+: error: (.*)$", flagged.stdout, re.M)
    assert errors, flagged.stdout
    assert {message for _, message in errors} == {
        'Argument 1 to "assert_never" has incompatible type "Shuffle"; expected "Never"  [arg-type]'
    }
    # children and written_words; nullable; the formatter
    assert sorted({file for file, _ in errors}) == [
        "grammar_fst/grm/ast.py", "grammar_fst/grm/syntax.py", "grammar_fst/grm/validate.py"
    ]
