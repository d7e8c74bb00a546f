"""The chart parser over the network against a flat reference: every rule and slot class
expanded with `pynini.replace`, the sentence composed with it, its paths enumerated."""

from __future__ import annotations

import math
from pathlib import Path

import pynini
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import TooLarge, grammars, language

import grammar_fst as gf
from grammar_fst.cli.main import main
from grammar_fst.fst import labels, openfst
from grammar_fst.fst.compiler import compile_grammar
from grammar_fst.fst.parse import Recognizer
from grammar_fst.fst.spelling import Speller
from grammar_fst.model import CompiledGrammar

SMALL_WORDS = st.sampled_from(["a", "b", "c"])
SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
GRAMMARS = Path(__file__).parent.parent / "grammars"
PATHS = 3000  # a flat lattice with more paths than this is not enumerated


def flat_readings(compiled: CompiledGrammar, text: str) -> dict:
    """Every reading of `text` by the flat form, with its best derivation's -log
    probability. Each intent is expanded with `pynini.replace` and not epsilon-removed:
    removing epsilons in the log semiring would add up derivations that differ only in
    unlabelled arcs (a rule that says nothing, under an optional part), and a parse
    keeps the best derivation, not their sum."""
    fsts = compiled.fsts
    ids = [fsts.symbols.find(w) for w in text.split()]
    if not ids or min(ids) < 0:
        return {}
    root = fsts.symbols.find(labels.ROOT)
    callees = [(fsts.symbols.find(labels.slot_class(n)), f) for n, f in fsts.slots.items()]
    callees += [(fsts.symbols.find(labels.rule_call(n)), f) for n, f in fsts.rules.items()]
    speller = Speller([fsts.symbols.find(i) for i in range(fsts.symbols.num_symbols())])
    best: dict = {}
    for fst in fsts.intents.values():
        flat = pynini.replace(
            [(root, fst), *callees], call_arc_labeling="neither", return_arc_labeling="neither"
        )
        lattice = pynini.compose(openfst.chain([(i, i) for i in ids]), flat)
        lattice.connect()
        if lattice.start() < 0:
            continue
        for path, cost in _paths(lattice):
            reading = speller([(i, o) for i, o in path if i or o])
            best[reading] = min(cost, best.get(reading, math.inf))
    return best


def _paths(fst: pynini.Fst):
    """Every path of an acyclic FST with its cost (sum of -log probabilities)."""
    zero = pynini.Weight.zero(fst.weight_type())
    found = []
    stack = [(fst.start(), [], 0.0)]
    while stack:
        state, path, cost = stack.pop()
        if fst.final(state) != zero:
            found.append((path, cost + float(fst.final(state))))
        for arc in fst.arcs(state):
            stack.append(
                (arc.nextstate, [*path, (arc.ilabel, arc.olabel)], cost + float(arc.weight))
            )
        if len(found) + len(stack) > PATHS:
            assume(False)
    return found


def agrees_with_flat(compiled: CompiledGrammar, text: str) -> None:
    flat = flat_readings(compiled, text)
    parsed = Recognizer(compiled.fsts).best(text)
    readings = compiled.readings(text)
    assert (parsed is None) == (not flat)
    assert set(readings) == set(flat) and len(readings) == len(flat)
    if parsed is not None:
        reading, log_prob = parsed
        best = min(flat.values())
        assert -log_prob == pytest.approx(best, abs=1e-4)
        assert flat[reading] == pytest.approx(best, abs=1e-4)
        assert readings[0] == reading  # the most probable first: `limit` 1 is `parse`
        assert compiled.readings(text, limit=1) == [reading]


@SETTINGS
@given(grammars(words=SMALL_WORDS, comments=False), st.integers(0, 2**32))
def test_sampled_sentences_parse_as_the_flat_form_does(grammar, seed):
    compiled = CompiledGrammar(compile_grammar(grammar))
    live = [i for i in compiled.intents if compiled._walker.has_paths(i)]
    assume(live)
    for text in dict.fromkeys(u.text for u in compiled.sample(8, seed=seed, intents=live)):
        agrees_with_flat(compiled, text)


@SETTINGS
@given(
    grammars(words=SMALL_WORDS, comments=False),
    st.lists(st.lists(SMALL_WORDS, min_size=1, max_size=6), min_size=1, max_size=6),
)
def test_any_word_sequence_parses_as_the_flat_form_does(grammar, sentences):
    """Mostly sentences outside the grammar: the same None, and the same readings."""
    compiled = CompiledGrammar(compile_grammar(grammar))
    for words in sentences:
        agrees_with_flat(compiled, " ".join(words))


def test_unknown_word_empty_sentence_and_spacing():
    grammar = gf.from_text("intent A = play {g}\nslot g = rock | jazz\n")
    assert grammar.parse("play polka") is None
    assert grammar.readings("play polka") == []
    assert grammar.parse("") is None and grammar.parse("   ") is None
    spaced = grammar.parse("  play   jazz ")  # the reading of the words, in the text given
    assert spaced.intent == grammar.parse("play jazz").intent and spaced.text == "  play   jazz "
    assert [(s.value, s.start, s.end) for s in spaced.slots] == [("jazz", 9, 13)]
    assert grammar.parse("play jazz").slots[0].value == "jazz"


def _catalogue_grammar(tmp_path, rows: list[str]):
    (tmp_path / "cities.tsv").write_text("value\tcanonical\n" + "\n".join(rows) + "\n")
    source = tmp_path / "g.grm"
    source.write_text('intent Fly = fly to {city} please?\nslot city from "cities.tsv"\n')
    return gf.load(source)


def test_catalogue_synonyms_parse_to_their_canonical_value(tmp_path):
    grammar = _catalogue_grammar(
        tmp_path, ["new york\t", "nyc\tnew york", "the big apple\tnew york", "london\t"]
    )
    for said in ("nyc", "the big apple"):
        u = grammar.parse(f"fly to {said} please")
        slot = u.slots[0]
        assert (slot.slot, slot.value, slot.canonical) == ("city", said, "new york")
        assert u.text[slot.start : slot.end] == said
    assert grammar.parse("fly to new york").slots[0].canonical is None
    assert grammar.parse("fly to york") is None


def test_a_large_catalogue_state_is_searched_not_walked(tmp_path):
    """A class whose start state has hundreds of arcs (one per first word): every value,
    synonym or not, parses, and a word in no value does not."""
    rows = [f"v{i} w{i % 7}\t" if i % 3 else f"v{i} w{i % 7}\tcanon{i}" for i in range(600)]
    grammar = _catalogue_grammar(tmp_path, rows)
    for i in (0, 1, 2, 299, 598, 599):
        u = grammar.parse(f"fly to v{i} w{i % 7}")
        assert u.slots[0].value == f"v{i} w{i % 7}"
        assert u.slots[0].canonical == (None if i % 3 else f"canon{i}")
    assert grammar.parse("fly to v1 w2") is None


def test_rules_that_derive_nothing():
    grammar = gf.from_text(
        "$e = maybe?\n$f = $e $e\nintent A = go $f $e {s} $f\nslot s = x | $e y\n"
    )
    assert grammar.parse("go x").slots[0].value == "x"
    assert grammar.parse("go y").slots[0].value == "y"
    values = {r.slots[0].value for r in grammar.readings("go maybe maybe y")}
    assert values == {"y", "maybe y"}
    # many derivations (which $e says "maybe"), one reading
    assert grammar.readings("go maybe x") == [grammar.parse("go maybe x")]
    assert grammar.parse(" ".join(["go", *["maybe"] * 6, "x"])) is None
    for text in ("go maybe maybe x maybe", "go maybe maybe y maybe", "go maybe y"):
        agrees_with_flat(grammar, text)


@pytest.mark.parametrize("likelier", ["artist", "genre"])
def test_readings_start_with_the_most_probable_one(likelier):
    """The others come by intent name, then by label path: the most probable one is put
    first wherever that order has it."""
    to_artist, to_genre = ("<3>", "") if likelier == "artist" else ("", "<3>")
    grammar = gf.from_text(
        f"intent A = play ({{artist}} {to_artist} | {{genre}} {to_genre})\n"
        "slot artist = jazz\nslot genre = jazz\n"
    )
    readings = grammar.readings("play jazz")
    assert len(readings) == 2 and readings[0].slots[0].slot == likelier
    assert readings[0] == grammar.parse("play jazz")
    assert grammar.readings("play jazz", limit=1) == [readings[0]]


def test_readings_of_two_intents_start_with_the_likelier_intent():
    """B says "play jazz" with probability 1, A with 1/2: B first, though A is first by
    name."""
    grammar = gf.from_text("intent B = play jazz\nintent A = play {g}\nslot g = jazz | rock\n")
    assert [r.intent for r in grammar.readings("play jazz")] == ["B", "A"]
    assert [r.intent for r in grammar.readings("play jazz", limit=1)] == ["B"]


def test_a_rule_used_a_thousand_times():
    """In a row: a 1,000-word sentence, each "la" one use, said or a slot value."""
    uses = " ".join(["$r"] * 1000)
    grammar = gf.from_text(f"$r = la | la la <3> | {{s}}\nslot s = do | la\nintent Sing = {uses}\n")
    best = Recognizer(grammar.fsts).best(" ".join(["la"] * 1000))
    assert best is not None and best[0].slots == ()
    # each use says "la" with probability 1/5 (as a slot value: 1/5 times 1/2)
    assert best[1] == pytest.approx(1000 * math.log(1 / 5), rel=1e-4)
    u = grammar.parse(" ".join(["la", "do"] * 500))
    assert [s.start for s in u.slots] == [3 + 6 * k for k in range(500)]
    assert {s.value for s in u.slots} == {"do"}
    assert grammar.parse(" ".join(["la"] * 2001)) is None
    assert grammar.parse(" ".join(["la"] * 999)) is None


def test_a_rule_used_in_a_thousand_places():
    options = " | ".join(f"w{i} $r" for i in range(1000))
    grammar = gf.from_text(f"$r = la {{s}}? | {{s}} la\nslot s = do | la\nintent A = {options}\n")
    for i in (0, 1, 500, 999):
        assert grammar.parse(f"w{i} la").slots == ()
        assert len(grammar.readings(f"w{i} la la")) == 2  # la [la], [la] la
        agrees_with_flat(grammar, f"w{i} la do")
    assert grammar.parse("w1000 la") is None


def test_carrier_phrases_take_a_slot_as_its_class_symbol():
    grammar = gf.from_text("$w = want | like\nintent A = i $w {g} music\nslot g = rock | hip hop\n")
    recognizer = grammar._recognizer
    genre = labels.slot_class("g")
    assert recognizer.derives("A", ["i", "like", genre, "music"], carrier=True)
    assert not recognizer.derives("A", ["i", "like", "rock", "music"], carrier=True)
    assert not recognizer.derives("A", ["i", "like", genre, "music"])
    assert recognizer.derives("A", ["i", "like", "hip", "hop", "music"])
    assert not recognizer.derives("A", ["i", "like", "hip", "music"])


def test_parse_of_many_lines_shows_progress_when_asked(tmp_path, capsys, monkeypatch):
    import io

    source = tmp_path / "g.grm"
    source.write_text("intent A = play (rock | jazz)\n")
    lines = "play rock\nplay jazz\nplay polka\n" * 40
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines.encode())))
    assert main(["parse", str(source), "--progress"]) == 1
    out = capsys.readouterr()
    assert len(out.out.splitlines()) == 120 and "120" in out.err and "sentences" in out.err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines.encode())))
    assert main(["parse", str(source), "--quiet"]) == 1
    assert capsys.readouterr().err == ""
    with pytest.raises(SystemExit):
        main(["parse", str(source), "--quiet", "--progress"])


def _carriers(grammar, intent):
    """The intent's word sequences by brute force, each slot value its class symbol."""
    from grammar_fst.grm import ast as g

    delexicalized = g.Grammar(
        tuple(
            g.Slot(s.name, g.Word(labels.slot_class(s.name))) if isinstance(s, g.Slot) else s
            for s in grammar.statements
        )
    )
    try:
        found = language(delexicalized.intents[intent].body, delexicalized)
    except TooLarge:
        assume(False)
    return {tuple(t for t in d if not isinstance(t, tuple)) for d in found}


@SETTINGS
@given(grammars(words=SMALL_WORDS, comments=False), st.data())
def test_carrier_membership_matches_brute_force(grammar, data):
    compiled = CompiledGrammar(compile_grammar(grammar))
    recognizer = Recognizer(compiled.fsts)
    symbols = ["a", "b", "c", *(labels.slot_class(n) for n in grammar.slots)]
    for intent in compiled.intents:
        carriers = _carriers(grammar, intent)
        for words in sorted(carriers)[:20]:
            assert recognizer.derives(intent, list(words), carrier=True)
        for _ in range(10):
            words = data.draw(st.lists(st.sampled_from(symbols), min_size=1, max_size=5))
            assert recognizer.derives(intent, words, carrier=True) == (tuple(words) in carriers)


def test_parsing_calls_no_openfst(monkeypatch):
    """No OpenFst work per sentence, so no stderr capture either."""
    grammar = gf.load(GRAMMARS / "music.grm")
    u = grammar.parse("play some jazz")
    assert u is not None

    def refuse(action):
        raise AssertionError(f"OpenFst called while parsing: {action}")

    monkeypatch.setattr(openfst, "captured", refuse)
    assert grammar.parse("play some jazz") == u
    assert grammar.readings("play some jazz") == [u]


def test_a_long_chain_of_rules_is_no_recursion():
    """Each rule enters the one before: parsing goes 1,500 FSTs deep (past Python's
    recursion limit), with many derivations of each reading."""
    lines = ["$r0 = a | b"] + [f"$r{k} = x{k % 3} $r{k - 1} | $r{k - 1}" for k in range(1, 1500)]
    grammar = gf.from_text("\n".join([*lines, "intent A = go $r1499 {s}", "slot s = $r1499"]))
    u = grammar.parse("go x2 x1 a x1 b")
    assert (u.slots[0].value, u.slots[0].start) == ("x1 b", 11)
    assert grammar.readings("go x2 x1 a x1 b") == [u]
    assert grammar.parse("go x2 x1 a x1") is None
