"""Editor support: the Pygments lexer (grammar_fst/grm/highlight.py) and the TextMate grammar
(editors/vscode/) tokenize every bundled grammar and every grammar of the docs with
nothing left as an error, use each of their token classes, and agree with each other."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest
from doc_blocks import read_blocks
from pygments.token import Error

from grammar_fst.grm.highlight import TOKEN_CLASSES, GrmLexer

ROOT = Path(__file__).parent.parent
BUNDLED = sorted((ROOT / "grammars").glob("*.grm"))
TEXTMATE = json.loads(
    (ROOT / "editors" / "vscode" / "syntaxes" / "grm.tmLanguage.json").read_text()
)
DOC_GRAMMARS = [
    block
    for doc in sorted((ROOT / "docs").glob("*.md"))
    for block in read_blocks(doc)
    if block.kind in ("grm", "grm-import", "grm-catalogue")
]

# what each TextMate scope means as a Pygments token class (the two must agree)
SCOPES = {
    "entity.name.function.rule.grm": "Token.Name.Function",
    "entity.name.type.intent.grm": "Token.Name.Class",
    "entity.name.tag.slot.grm": "Token.Name.Tag",
    "keyword.other.declaration.grm": "Token.Keyword.Declaration",
    "keyword.other.from.grm": "Token.Keyword",
    "keyword.control.import.grm": "Token.Keyword.Namespace",
    "comment.line.number-sign.grm": "Token.Comment.Single",
    "string.quoted.double.grm": "Token.Literal.String.Double",
    "constant.numeric.probability.grm": "Token.Literal.Number.Float",
    "constant.numeric.weight.grm": "Token.Literal.Number",
    "constant.numeric.count.grm": "Token.Literal.Number.Integer",
    "variable.other.slot.grm": "Token.Name.Tag",
    "variable.other.rule.grm": "Token.Name.Variable",
    "punctuation.section.group.grm": "Token.Punctuation",
    "meta.word.grm": "Token.Text",
}


def pygments_classes(text: str) -> list[str]:
    """The token class of each character of `text`."""
    classes = [""] * len(text)
    for start, token, value in GrmLexer().get_tokens_unprocessed(text):
        classes[start : start + len(value)] = [str(token)] * len(value)
    return classes


def textmate_classes(text: str) -> list[str | None]:
    """The class of each character as an editor applying the TextMate grammar gives it:
    line by line, the pattern matching earliest wins (the first listed on a tie); a
    character no pattern matches is None."""
    patterns = [(re.compile(p["match"]), p) for p in TEXTMATE["patterns"]]
    classes: list[str | None] = []
    for line in text.split("\n"):
        marks: list[str | None] = [None] * len(line)
        pos = 0
        while pos < len(line):
            found = [
                (m.start(), k, m, p)
                for k, (rx, p) in enumerate(patterns)
                if (m := rx.search(line, pos))
            ]
            if not found:
                break
            start, _, match, pattern = min(found, key=lambda f: (f[0], f[1]))
            for group, scope in pattern.get("captures", {}).items():
                a, b = match.span(int(group))
                marks[a:b] = [_klass(scope["name"])] * (b - a)
            if "name" in pattern:
                marks[start : match.end()] = [_klass(pattern["name"])] * (match.end() - start)
            pos = max(match.end(), pos + 1)
        classes += marks + [None]  # the line break
    return classes[:-1]


def _klass(scope: str) -> str:
    return "Token.Operator" if scope.startswith("keyword.operator.") else SCOPES[scope]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_grammars_have_no_error_token(path):
    tokens = list(GrmLexer().get_tokens(path.read_text()))
    assert [v for t, v in tokens if t is Error] == []


def test_bundled_grammars_use_every_token_class():
    seen = {t for path in BUNDLED for t, _ in GrmLexer().get_tokens(path.read_text())}
    assert seen == set(TOKEN_CLASSES)


@pytest.mark.parametrize("block", DOC_GRAMMARS, ids=repr)
def test_doc_grammars_have_no_error_token(block):
    assert [v for t, v in GrmLexer().get_tokens(block.text) if t is Error] == []


def test_what_the_tokens_are():
    text = 'intent A = play c# minor? <2> | x?<0.3> [y z]<0.5> {s} $r{1,3} "a b" # note\n'
    tokens = [(str(t).removeprefix("Token."), v) for t, v in GrmLexer().get_tokens(text)]
    tokens = [t for t in tokens if t[0] != "Text.Whitespace"]
    assert tokens == [
        ("Keyword.Declaration", "intent"),
        ("Name.Class", "A"),
        ("Operator", "="),
        ("Text", "play"),
        ("Text", "c#"),
        ("Text", "minor"),
        ("Operator", "?"),
        ("Literal.Number", "<2>"),
        ("Operator", "|"),
        ("Text", "x"),
        ("Operator", "?"),
        ("Literal.Number.Float", "<0.3>"),
        ("Punctuation", "["),
        ("Text", "y"),
        ("Text", "z"),
        ("Punctuation", "]"),
        ("Literal.Number.Float", "<0.5>"),
        ("Name.Tag", "{s}"),
        ("Name.Variable", "$r"),
        ("Literal.Number.Integer", "{1,3}"),
        ("Literal.String.Double", '"a b"'),
        ("Comment.Single", "# note"),
    ]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_textmate_grammar_agrees_with_the_lexer(path):
    text = path.read_text()
    editor, lexer = textmate_classes(text), pygments_classes(text)
    for pos, ch in enumerate(text):
        if ch.isspace():
            continue
        assert editor[pos] is not None, f"{path.name}: nothing matches {text[pos : pos + 20]!r}"
        assert editor[pos] == lexer[pos], f"{path.name}: {text[pos : pos + 20]!r}"


def test_textmate_grammar_uses_every_scope_on_the_bundled_grammars():
    named = {p.get("name") for p in TEXTMATE["patterns"]} | {
        c["name"] for p in TEXTMATE["patterns"] for c in p.get("captures", {}).values()
    }
    named.discard(None)
    seen = set()
    for path in BUNDLED:
        seen |= set(textmate_classes(path.read_text()))
    assert {_klass(s) for s in named} <= seen
    assert TEXTMATE["scopeName"] == "source.grm" and TEXTMATE["fileTypes"] == ["grm"]


def test_the_lexer_is_registered_with_pygments():
    project = (ROOT / "pyproject.toml").read_text()  # (tomllib is Python 3.11+)
    section = project.split('[project.entry-points."pygments.lexers"]\n', 1)[1]
    target = re.match(r'grm = "([\w.]+):(\w+)"', section)
    module, name = target.groups()
    assert getattr(importlib.import_module(module), name) is GrmLexer
    package = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text())
    assert package["contributes"]["grammars"][0]["path"] == "./syntaxes/grm.tmLanguage.json"
