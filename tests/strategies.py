"""Hypothesis strategies for grammar ASTs, and a brute-force reference semantics
(the language of an AST computed by plain set operations) to test the FSTs against."""

from __future__ import annotations

import itertools

from hypothesis import strategies as st

from grammar_fst.grm import ast as g

# Words that exercise quoting and scripts: plain, accented, Devanagari, Thai, punctuation.
WORDS = [
    "a",
    "b",
    "c",
    "café",
    "नमस्ते",
    "สวัสดี",
    "?",
    "$x",
    "{y}",
    "a|b",
    '"q"',
    "back\\slash",
    "=",
    "5:30",
]
CATALOGUE_PATHS = ["cities.txt", "dir/a b.tsv", 'é\\"q".json#T']
NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda n: n not in ("intent", "slot", "import")
)


def exprs(
    words=st.sampled_from(WORDS), rule_names=(), slot_names=(), max_leaves=8, synonyms=False
):
    """Expressions in the parser's normal form (no 1-item sequences or alternations);
    with `synonyms`, some are synonyms (valid only in a slot's values)."""
    leaves = [words.map(g.Word)]
    if rule_names:
        leaves.append(st.sampled_from(list(rule_names)).map(g.RuleRef))
    if slot_names:
        leaves.append(st.sampled_from(list(slot_names)).map(g.SlotRef))
    weight = st.one_of(st.none(), st.sampled_from([0.5, 1.0, 2.0, 3.0, 0.25]))
    presence = st.one_of(st.none(), st.sampled_from([0.1, 0.25, 0.7, 0.999]))
    canonical = st.lists(words, min_size=1, max_size=2).map(tuple)

    def extend(inner):
        options = st.builds(g.Option, inner, weight)
        kinds = [st.builds(g.Synonym, inner, canonical)] if synonyms else []
        return st.one_of(
            *kinds,
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: g.Sequence(tuple(xs))),
            st.lists(options, min_size=2, max_size=3).map(lambda os: g.Alternation(tuple(os))),
            st.builds(lambda e, p: g.Optional(e, probability=p), inner, presence),
            st.builds(
                lambda e, lo, extra: g.Repeat(e, lo, lo + extra),
                inner,
                st.integers(0, 2),
                st.integers(0, 1),
            ).filter(lambda r: r.high >= 1),
        )

    return st.recursive(st.one_of(*leaves), extend, max_leaves=max_leaves)


@st.composite
def grammars(
    draw,
    words=st.sampled_from(WORDS),
    max_leaves=6,
    comments=True,
    catalogues=False,
    synonyms=False,
):
    """A valid grammar: rules that refer only to earlier rules, slots, 1-3 intents;
    a slot value or sentence that could be empty gets a word in front; with `synonyms`,
    slot values hold synonyms."""
    statements = []
    slot_names = draw(st.lists(NAMES, min_size=0, max_size=2, unique=True))
    rule_names = draw(
        st.lists(NAMES.filter(lambda n: n not in slot_names), max_size=3, unique=True)
    )
    comment = (
        st.one_of(st.none(), st.from_regex(r"[a-z ]{0,10}[a-z]", fullmatch=True))
        if comments
        else st.none()
    )
    for i, name in enumerate(rule_names):
        body = draw(exprs(words, rule_names[:i], slot_names, max_leaves))
        statements.append(g.Rule(name, body, comment=draw(comment)))
    slot_free: list[str] = []  # rules a slot may use: no slot inside, even indirectly
    for rule in statements:
        refs = [n for n in g.walk(rule.body) if isinstance(n, (g.SlotRef, g.RuleRef))]
        if all(isinstance(r, g.RuleRef) and r.name in slot_free for r in refs):
            slot_free.append(rule.name)
    for name in slot_names:
        values = exprs(words, slot_free, (), max_leaves, synonyms)
        body = _non_empty(draw, values, words, statements)
        if catalogues and draw(st.booleans()):
            body = g.CatalogueRef(
                draw(st.sampled_from(["cities.txt", "dir/a b.tsv", 'é\\"q".json#T']))
            )
        statements.append(g.Slot(name, body, comment=draw(comment)))
    intent_names = draw(
        st.lists(
            st.from_regex(r"[A-Z][a-zA-Z]{0,6}", fullmatch=True),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    for name in intent_names:
        body = _non_empty(draw, exprs(words, rule_names, slot_names, max_leaves), words, statements)
        statements.append(g.Intent(name, body, comment=draw(comment)))
    return g.Grammar(tuple(statements))


def _non_empty(draw, strategy, words, statements):
    body = draw(strategy)
    if nullable(body, statements):
        body = g.Sequence((g.Word(draw(words)), body))
    return body


def nullable(expr, statements) -> bool:
    """Whether `expr` can derive no word at all."""
    from grammar_fst.grm.validate import nullable as can_be_empty

    return can_be_empty(expr, g.Grammar(tuple(statements)).rules)


# -- reference semantics ------------------------------------------------------------------
# A derivation is a tuple of tokens: a word, ("[", slot) / ("]", slot) around a value, and
# inside a synonym ("~", word) for a surface word and ("=", word) for a canonical one.


LIMIT = 3000  # derivations; larger languages are skipped, not enumerated


class TooLarge(Exception):
    """The reference language grew past LIMIT derivations."""


def _bounded(result: set) -> set:
    if len(result) > LIMIT:
        raise TooLarge
    return result


def language(expr, grammar: g.Grammar) -> set[tuple]:
    """Every derivation of `expr` with non-zero probability (TooLarge past LIMIT)."""
    if isinstance(expr, g.Word):
        return {(expr.text,)}
    if isinstance(expr, g.RuleRef):
        return language(grammar.rules[expr.name].body, grammar)
    if isinstance(expr, g.SlotRef):
        inner = language(grammar.slots[expr.name].body, grammar)
        return {(("[", expr.name),) + d + (("]", expr.name),) for d in inner}
    if isinstance(expr, g.Sequence):
        result = {()}
        for item in expr.items:
            part = language(item, grammar)
            result = _bounded({a + b for a in result for b in part})
        return result
    if isinstance(expr, g.Alternation):
        kept = [o for o in expr.options if o.weight is None or o.weight > 0]
        return set().union(*(language(o.expr, grammar) for o in kept)) if kept else set()
    if isinstance(expr, g.Optional):
        return language(expr.expr, grammar) | {()}
    if isinstance(expr, g.Synonym):
        canonical = tuple(("=", w) for w in expr.canonical)
        return {
            tuple(("~", t) if isinstance(t, str) else t for t in d if t[0] != "=") + canonical
            for d in language(expr.expr, grammar)
        }
    if isinstance(expr, g.Repeat):
        part = language(expr.expr, grammar)
        result = set()
        for k in range(expr.low, expr.high + 1):
            if len(part) ** k > LIMIT:
                raise TooLarge
            for combo in itertools.product(part, repeat=k):
                result.add(tuple(t for d in combo for t in d))
        return _bounded(result)
    raise TypeError(expr)


def annotated(derivation: tuple, canonical: bool = False) -> tuple:
    """(text, ((slot, value, start, end), ...)) of a derivation; with `canonical`, each
    slot also carries its canonical value (None when it is the value itself)."""
    words, meant, slots, opened = [], [], [], []
    for token in derivation:
        if isinstance(token, str) or token[0] == "~":
            words.append(token if isinstance(token, str) else token[1])
        if isinstance(token, str) or token[0] == "=":
            meant.append(token if isinstance(token, str) else token[1])
        if isinstance(token, tuple) and token[0] == "[":
            opened.append((token[1], len(words), len(meant)))
        elif isinstance(token, tuple) and token[0] == "]":
            name, first, first_meant = opened.pop()
            start = len(" ".join(words[:first])) + (1 if first else 0)
            value = " ".join(words[first:])
            slot = (name, value, start, start + len(value))
            if canonical:
                meaning = " ".join(meant[first_meant:])
                slot += (None if meaning == value else meaning,)
            slots.append(slot)
    return " ".join(words), tuple(slots)
