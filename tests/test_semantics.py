"""The compiled FSTs against the brute-force reference semantics of tests/strategies.py:
enumeration, counting, sampling and parsing agree on generated grammars."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import TooLarge, annotated, grammars, language

from grammar_fst.fst.compiler import compile_grammar
from grammar_fst.model import CompiledGrammar

SMALL_WORDS = st.sampled_from(["a", "b", "c"])
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _record(u):
    return u.text, tuple((s.slot, s.value, s.start, s.end) for s in u.slots)


def _reference(grammar, intent):
    """The intent's annotated sentences by brute force; too large a language is skipped."""
    try:
        return {annotated(d) for d in language(grammar.intents[intent].body, grammar)}
    except TooLarge:
        assume(False)


@SETTINGS
@given(grammars(words=SMALL_WORDS, comments=False))
def test_enumeration_and_count_match_brute_force(grammar):
    compiled = CompiledGrammar(compile_grammar(grammar))
    all_texts = set()
    per_intent, total = compiled.counts()
    for intent in compiled.intents:
        assume(per_intent[intent] <= 1000)
        expected = _reference(grammar, intent)
        produced = [_record(u) for u in compiled.all([intent])]
        assert len(produced) == len(set(produced)), "all() repeated a reading"
        assert set(produced) == expected
        texts = {text for text, _ in expected}
        assert per_intent[intent] == len(texts)
        all_texts |= texts
    assert total == len(all_texts)


@SETTINGS
@given(grammars(words=SMALL_WORDS, comments=False, synonyms=True))
def test_inline_synonyms_match_brute_force(grammar):
    """Surface words in the text, the canonical value in the record, as the reference says;
    and each sentence parses to one of its own readings."""
    compiled = CompiledGrammar(compile_grammar(grammar))
    for intent in compiled.intents:
        assume(compiled.counts()[0][intent] <= 300)
        try:
            derivations = language(grammar.intents[intent].body, grammar)
        except TooLarge:
            assume(False)
        expected = {annotated(d, canonical=True) for d in derivations}
        produced = [
            (u.text, tuple((s.slot, s.value, s.start, s.end, s.canonical) for s in u.slots))
            for u in compiled.all([intent])
        ]
        assert set(produced) == expected
        for u in compiled.all([intent]):
            assert u in compiled.readings(u.text)


@SETTINGS
@given(grammars(words=SMALL_WORDS, comments=False), st.integers(0, 2**32))
def test_sampled_sentences_parse_back(grammar, seed):
    compiled = CompiledGrammar(compile_grammar(grammar))
    live = [i for i in compiled.intents if compiled._walker.has_paths(i)]
    if not live:
        return
    references = {intent: _reference(grammar, intent) for intent in live}
    for u in compiled.sample(20, seed=seed, intents=live):
        assert _record(u) in references[u.intent]
        for slot in u.slots:
            assert u.text[slot.start : slot.end] == slot.value
        readings = compiled.readings(u.text)
        assert u in readings
        if len(readings) == 1:
            assert compiled.parse(u.text) == u
        else:
            assert compiled.parse(u.text) in readings


@st.composite
def unambiguous_grammars(draw):
    """Every intent opens with its own word; slot words belong to one slot, each slot is
    used at most once per intent and never empty: one reading per sentence."""
    from grammar_fst.grm import ast as g

    slots = draw(st.lists(st.sampled_from(["s", "t", "u"]), min_size=1, max_size=3, unique=True))
    statements = []
    for name in slots:
        words = st.sampled_from([f"{name}1", f"{name}2", f"{name}3"])
        values = draw(st.lists(st.lists(words, min_size=1, max_size=2), min_size=1, max_size=3))
        options = [
            g.Option(g.Sequence(tuple(map(g.Word, v))) if len(v) > 1 else g.Word(v[0]))
            for v in values
        ]
        body = options[0].expr if len(options) == 1 else g.Alternation(tuple(options))
        statements.append(g.Slot(name, body))
    from strategies import exprs

    for i in range(draw(st.integers(1, 3))):
        used = draw(st.lists(st.sampled_from(slots), max_size=len(slots), unique=True))
        items = [g.Word(f"intent{i}")]
        for name in used:
            items.append(draw(exprs(SMALL_WORDS, max_leaves=3)))
            items.append(g.SlotRef(name) if draw(st.booleans()) else g.Optional(g.SlotRef(name)))
        statements.append(g.Intent(f"I{i}", g.Sequence(tuple(items))))
    return g.Grammar(tuple(statements))


@SETTINGS
@given(unambiguous_grammars(), st.integers(0, 2**32))
def test_every_sample_parses_to_its_own_annotation(grammar, seed):
    compiled = CompiledGrammar(compile_grammar(grammar))
    for u in compiled.sample(30, seed=seed):
        assert compiled.parse(u.text) == u
