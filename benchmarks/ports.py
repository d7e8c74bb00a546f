"""The workloads of `peers.py`, written for grammar-fst, Chatette and Chatito.

W1: the toy grammar (`play [some|more] {genre} music`) with a 40,000-value genre
catalogue. W2: `grammars/music.grm` (with `common.grm`) without its weights. The ports are
made from the parsed grammar, one definition for one definition; each alternation or
optional inside a sequence becomes a helper alias (`~[name_2]`, `~[name_3?]`), which is
how both tools write them. Running this file rewrites the committed W2 ports:

    .venv/bin/python benchmarks/ports.py      # benchmarks/music.chatette, music.chatito
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from pathlib import Path

from grammar_fst.grm import ast as g
from grammar_fst.grm.syntax import format_grammar, parse

HERE = Path(__file__).resolve().parent
GRAMMARS = HERE.parent / "grammars"

W1_GENRES = 40_000
# 100,000 unique W2 sentences, within each intent's number of distinct sentences
W2_QUOTAS = {
    "PlayMusic": 50_000,
    "AddToPlaylist": 30_000,
    "CreatePlaylist": 17_000,
    "GetArtistInfo": 3_000,
}


def w1_genres() -> list[str]:
    """40,000 distinct one- and two-word genre names (seeded)."""
    words = [f"g{i}" for i in range(300)]
    pairs = (f"{a} {b}" for a, b in itertools.product(words, words))
    return [*words, *itertools.islice(pairs, W1_GENRES - len(words))]


def w1_grm(catalogue: str) -> str:
    return (
        "$some_more = some | more\n"
        "intent PlayMusic = play $some_more? {genre} music\n"
        f'slot genre from "{catalogue}"\n'
    )


def w1_template(n: int) -> str:
    """W1 for Chatette and Chatito (their syntax agrees on this much)."""
    values = "".join(f"    {v}\n" for v in w1_genres())
    return (
        f"%[PlayMusic]('training': '{n}')\n    play ~[some_more?] @[genre] music\n\n"
        "~[some_more]\n    some\n    more\n\n"
        f"@[genre]\n{values}"
    )


def music() -> g.Grammar:
    """music.grm with the rules of common.grm, weights dropped."""
    common = parse((GRAMMARS / "common.grm").read_text(), "common.grm").statements
    own = parse((GRAMMARS / "music.grm").read_text(), "music.grm").statements
    statements = [s for s in (*common, *own) if not isinstance(s, g.Import)]
    return g.Grammar(tuple(_unweighted(s) for s in statements))


def _unweighted(node):
    if isinstance(node, g.Option):
        return g.Option(_unweighted(node.expr))
    if isinstance(node, g.Optional):
        return g.Optional(_unweighted(node.expr), node.loc)
    if dataclasses.is_dataclass(node) and not isinstance(node, (g.Word, g.Reference)):
        changes = {}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if isinstance(value, tuple):
                changes[f.name] = tuple(_unweighted(v) for v in value)
            elif dataclasses.is_dataclass(value):
                changes[f.name] = _unweighted(value)
        return dataclasses.replace(node, **changes)
    return node


def w2_grm() -> str:
    return format_grammar(music())


class Template:
    """One Chatette or Chatito template: definitions as (sigil, name, lines)."""

    def __init__(self, quotas: dict[str, int]):
        self.quotas = quotas
        self.definitions: list[tuple[str, str, list[str]]] = []
        self.helpers = itertools.count(1)

    def add(self, statement: g.Definition) -> None:
        if isinstance(statement, g.Slot):
            sigil = "@"
        elif isinstance(statement, g.Intent):
            sigil = "%"
        else:
            sigil = "~"
        self.definitions.append((sigil, statement.name, self.lines(statement.name, statement.body)))

    def lines(self, name: str, expr: g.Expr) -> list[str]:
        options = expr.options if isinstance(expr, g.Alternation) else (g.Option(expr),)
        return [self.sequence(name, o.expr) for o in options]

    def sequence(self, name: str, expr: g.Expr) -> str:
        items = expr.items if isinstance(expr, g.Sequence) else (expr,)
        return " ".join(self.item(name, item) for item in items)

    def item(self, name: str, expr: g.Expr) -> str:
        if isinstance(expr, g.Word):
            return expr.text
        if isinstance(expr, g.SlotRef):
            return f"@[{expr.name}]"
        if isinstance(expr, g.RuleRef):
            return f"~[{expr.name}]"
        optional = isinstance(expr, g.Optional)
        inner = expr.expr if optional else expr
        if optional and isinstance(inner, g.RuleRef):
            return f"~[{inner.name}?]"
        helper = f"{name}_{next(self.helpers)}"
        self.definitions.append(("~", helper, self.lines(helper, inner)))
        return f"~[{helper}{'?' if optional else ''}]"

    def text(self) -> str:
        blocks = []
        for sigil, name, lines in self.definitions:
            quota = f"('training': '{self.quotas[name]}')" if sigil == "%" else ""
            blocks.append(f"{sigil}[{name}]{quota}\n" + "".join(f"    {x}\n" for x in lines))
        return "\n".join(blocks)


def w2_template() -> str:
    """W2 for Chatette 1.6.3 and Chatito 2.3.5: both read this subset the same way."""
    template = Template(W2_QUOTAS)
    for statement in music().statements:
        template.add(statement)
    return template.text()


def main() -> None:
    text = w2_template()
    for name in ("music.chatette", "music.chatito"):
        (HERE / name).write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {HERE / name}\n")


if __name__ == "__main__":
    main()
