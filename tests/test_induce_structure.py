"""Phrase structure in induction, on hand-made fixtures: reorderable modifiers (a class of
slot phrases said in any order, each once, finite), no phrase repeated back to back, and
the candidate pairs of the like-state phase found from buckets as from neighbours."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

import grammar_fst as gf
from grammar_fst.data.formats.massive import parse_annotation
from grammar_fst.data.records import Utterance
from grammar_fst.induction import induce
from grammar_fst.induction.automaton import HUBS, Automaton, Symbol
from grammar_fst.induction.modifiers import learn

PHRASES = {
    "time": ["at [time : 7 pm]", "at [time : noon]", "at [time : 8 pm]"],
    "size": ["for [size : 4] people", "for [size : 2] people", "for [size : 6] people"],
    "city": ["in [city : boston]", "in [city : paris]", "in [city : rome]"],
}
HEADS = ["book a table", "i want a table", "reserve a table"]
BOOK = [
    "book a table for [size : 4] people at [time : 7 pm]",
    "book a table at [time : 8 pm] for [size : 2] people",
    "i want a table in [city : rome] at [time : noon]",
    "reserve a table for [size : 6] people in [city : paris]",
    "book a table in [city : boston] for [size : 2] people",
    "i want a table at [time : 7 pm] in [city : boston]",
    "reserve a table at [time : noon]",
]


def utt(annotated: str, intent: str = "Book") -> Utterance:
    text, slots = parse_annotation(annotated)
    return Utterance(text, intent, slots)


def sentences(result) -> set[str]:
    return {u.text for u in gf.from_text(result.text()).all()}


def repeats(text: str, shortest: int = 3) -> bool:
    """Whether `text` says a phrase of `shortest` or more words twice back to back."""
    words = text.split()
    return any(
        words[i : i + n] == words[i + n : i + 2 * n]
        for n in range(shortest, len(words) // 2 + 1)
        for i in range(len(words) - 2 * n + 1)
    )


def test_reorder_learns_one_class_from_slot_phrases_said_in_several_orders():
    result = induce([utt(a) for a in BOOK], reorder=True)
    assert any(step.operation == "reorder" for step in result.trace)
    said = sentences(result)
    # every golden utterance, and orders that no golden utterance says
    assert {utt(a).text for a in BOOK} <= said
    assert "book a table at 7 pm in paris" in said
    assert "reserve a table in rome for 4 people" in said
    # no more phrases than the longest run seen
    assert "book a table for 4 people in rome at noon" not in said
    # each phrase once: never two sizes, however the others are ordered
    assert not any(t.count(" people") > 1 for t in said)
    assert not any(repeats(t) for t in said)


def test_without_reorder_the_orders_seen_are_all_it_says():
    said = sentences(induce([utt(a) for a in BOOK]))
    assert {utt(a).text for a in BOOK} <= said
    assert "book a table for 4 people in rome at noon" not in said


def test_the_class_is_bounded_by_the_longest_run_seen():
    modifiers = learn(
        [
            tuple(Symbol(w, slot=w.isupper()) for w in text.split())
            for text in (
                "book at TIME for SIZE people",
                "book for SIZE people at TIME",
                "book in CITY at TIME",
                "book at TIME in CITY",
                "book for SIZE people in CITY",
            )
        ]
    )
    assert modifiers is not None
    assert set(modifiers.phrasings) == {"TIME", "SIZE", "CITY"}
    assert modifiers.longest == 2
    assert modifiers.phrasings["SIZE"] == {(("for",), ("people",)): 3}


def test_a_run_that_says_a_type_twice_stays_as_said():
    golden = [
        "book a table in [city : rome] in [city : paris]",
        "book a table at [time : noon] in [city : rome]",
        "book a table in [city : paris] at [time : 7 pm]",
    ]
    said = sentences(induce([utt(a) for a in golden], reorder=True))
    assert "book a table in rome in paris" in said
    assert not any(t.count(" in ") > 2 for t in said)


def test_a_type_said_outside_the_class_is_not_said_again_by_it():
    """"for 4 people" apart from a run ("tonight" between), or in another run of the same
    utterance: the class there says the other types only, so no slot comes twice."""
    golden = [*BOOK, "book a table for [size : 4] people tonight at [time : 7 pm] in [city : rome]"]
    golden += ["reserve a table in [city : paris] at [time : noon] please for [size : 2] people"]
    for weight in (1.0, 3.0):
        result = induce([utt(a) for a in golden], weight=weight, reorder=True)
        said = list(gf.from_text(result.text()).all())
        assert {utt(a).text for a in golden} <= {u.text for u in said}
        for u in said:
            names = [s.slot for s in u.slots]
            assert len(names) == len(set(names)), u.text


def test_no_reordered_types_no_class():
    golden = ["play [artist : adele] on [service : spotify]", "play [artist : sia]"]
    result = induce([utt(a, "Play") for a in golden], reorder=True)
    assert not any(step.operation == "reorder" for step in result.trace)


@st.composite
def bookings(draw):
    """Golden utterances: a head, then an ordered subset of the modifier phrases."""
    count = draw(st.integers(2, 8))
    golden = []
    for _ in range(count):
        head = draw(st.sampled_from(HEADS))
        types = draw(st.permutations(sorted(PHRASES)))[: draw(st.integers(0, 3))]
        phrases = [draw(st.sampled_from(PHRASES[t])) for t in types]
        golden.append(" ".join([head, *phrases]))
    return golden


@settings(max_examples=25, deadline=None)
@given(bookings(), st.sampled_from([0.5, 1.0, 3.0]))
def test_reordered_grammars_are_finite_say_the_golden_and_repeat_no_phrase(golden, weight):
    result = induce([utt(a) for a in golden], weight=weight, reorder=True)
    compiled = gf.from_text(result.text())
    said = {u.text for u in itertools.islice(compiled.all(), 100_000)}
    assert len(said) < 100_000  # finite, and small: 3 heads, 3 phrases of 3 values each
    assert {utt(a).text for a in golden} <= said
    assert not any(repeats(t) for t in said)
    # each type once: no slot is said twice in one sentence
    for u in itertools.islice(compiled.all(), 2_000):
        names = [s.slot for s in u.slots]
        assert len(names) == len(set(names))


WORDS = ["a", "b", "c", "d"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5), min_size=1, max_size=25))
def test_like_neighbours_are_the_neighbours_that_say_the_same(paths):
    model = Automaton([tuple(map(Symbol, p)) for p in paths], 1.0)
    pairs = set()
    for state in model.states:
        like = set(model.like_neighbours(state))
        said = model.said(state)
        assert like == {o for o in model.neighbours(state) if model.said(o) == said}
        pairs |= {(min(state, o), max(state, o)) for o in like}
    if len(paths) <= HUBS:  # no bucket is big enough to be cut to its hubs
        assert model.like_pairs() == pairs
    else:
        assert model.like_pairs() <= pairs


def test_runs_of_three_phrases_say_the_third_as_an_optional_part():
    """A run of three modifiers (longest 3): after the second phrase a third may follow,
    written as an optional part."""
    golden = BOOK + [
        "book a table for [size : 4] people at [time : 7 pm] in [city : rome]",
        "i want a table in [city : paris] at [time : noon] for [size : 2] people",
    ]
    result = induce([utt(a) for a in golden], reorder=True)
    said = sentences(result)
    assert {utt(a).text for a in golden} <= said
    assert "reserve a table at noon in boston for 6 people" in said
    assert not any(t.count(" people") > 1 or repeats(t) for t in said)
