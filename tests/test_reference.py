"""docs/cli.md and docs/api.md are what the code says: regenerate them with
`python -m grammar_fst.cli.reference docs/` when a command, option or docstring changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from grammar_fst.cli import reference
from grammar_fst.cli.main import build_parser

DOCS = Path(__file__).parent.parent / "docs"


@pytest.mark.parametrize("name", sorted(reference.PAGES))
def test_reference_page_is_up_to_date(name):
    shown = (DOCS / name).read_text(encoding="utf-8")
    assert shown == reference.PAGES[name](), (
        f"docs/{name} is stale: run 'python -m grammar_fst.cli.reference docs/'"
    )


def test_every_command_and_option_is_in_the_cli_page():
    page = reference.cli_markdown()
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name, command in commands.items():
        assert f"## grammar-fst {name}\n" in page
        for action in command._actions:
            for flag in action.option_strings:
                assert flag in page, f"{name} {flag}"


def test_every_public_name_is_in_the_api_page():
    import grammar_fst

    page = reference.api_markdown()
    for name in grammar_fst.__all__:
        assert f"gf.{name}" in page


def test_rewriting_gives_the_same_pages(tmp_path, capsys):
    assert reference.main([str(tmp_path)]) == 0
    for name in reference.PAGES:
        assert (tmp_path / name).read_text(encoding="utf-8") == (DOCS / name).read_text(
            encoding="utf-8"
        )
