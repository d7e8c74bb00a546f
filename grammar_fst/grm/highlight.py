"""Syntax highlighting of `.grm` grammars for Pygments: `pygmentize -l grm FILE`, and the
documentation tools built on Pygments (MkDocs, Sphinx) for fenced ```grm blocks.

Pygments finds the lexer through the `pygments.lexers` entry point of the package; the
rest of grammar-fst never imports this module, so Pygments is needed only to highlight.
The token classes follow docs/grammar-language.md; the TextMate grammar in
editors/vscode/ gives editors the same ones.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

_SPECIAL = r"\s#$(){}\[\]|?<>\"=*+;\\"
NAME = rf"[^{_SPECIAL}]+"  # a rule, intent or slot name (checked by the parser, not here)
WORD = rf"[^{_SPECIAL}][^{_SPECIAL.replace('#', '')}]*"  # a '#' inside a word is the word's

# Every token class the lexer gives, for the tests and for themes.
TOKEN_CLASSES = (
    Comment.Single,
    Keyword.Declaration,
    Keyword.Namespace,
    Keyword,
    Name.Function,
    Name.Class,
    Name.Tag,
    Name.Variable,
    String.Double,
    Number,
    Number.Float,
    Number.Integer,
    Operator,
    Punctuation,
    Text,
    Whitespace,
)


class GrmLexer(RegexLexer):
    """The `.grm` grammar language of grammar-fst."""

    name = "grm"
    aliases = ["grm", "grammar-fst"]
    filenames = ["*.grm"]
    mimetypes = ["text/x-grm"]
    url = "docs/grammar-language.md"

    tokens = {
        "root": [
            (
                rf"^(\$)({NAME})(\s*)(=)(?!>)",
                bygroups(Name.Function, Name.Function, Whitespace, Operator),
            ),
            (
                rf"^(intent)(\s+)({NAME})(\s*)(=)",
                bygroups(Keyword.Declaration, Whitespace, Name.Class, Whitespace, Operator),
            ),
            (
                rf"^(slot)(\s+)({NAME})(\s+)(from)\b",
                bygroups(Keyword.Declaration, Whitespace, Name.Tag, Whitespace, Keyword),
            ),
            (
                rf"^(slot)(\s+)({NAME})(\s*)(=)",
                bygroups(Keyword.Declaration, Whitespace, Name.Tag, Whitespace, Operator),
            ),
            (r"^import\b", Keyword.Namespace),
            (r"#.*$", Comment.Single),
            (r'"(?:\\.|[^"\\\n])*"', String.Double),
            (r"=>", Operator),
            (r"(\?)(<[^>\n]*>)", bygroups(Operator, Number.Float)),  # x?<0.3>
            (r"(?<=\])<[^>\n]*>", Number.Float),  # [x y]<0.3>
            (r"<[^>\n]*>", Number),  # the weight of an alternative
            (r"\{\s*\d+\s*(?:,\s*\d+\s*)?\}", Number.Integer),  # a repetition count
            (r"\{[^{}\n]*\}", Name.Tag),  # a slot
            (rf"\${NAME}", Name.Variable),  # a rule
            (r"[|?=]", Operator),
            (r"[()\[\]]", Punctuation),
            (r"\s+", Whitespace),
            (WORD, Text),
        ]
    }
