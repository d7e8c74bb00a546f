"""Punctuation at the edges of induced sentences as the data writes it: opening and
closing marks learned as the pairs the data makes (`¿` with its `?`), no mark said twice
where a slot value held the sentence's mark, and Thai next to digits spaced as the
spelling rules write it (and parsed however it is written)."""

from __future__ import annotations

import re

from test_resample import utt

import grammar_fst as gf
from grammar_fst.induction import induce
from grammar_fst.induction.automaton import Symbol
from grammar_fst.induction.punctuation import Edges, edges, strip
from grammar_fst.text import tokens

# the habit of written Spanish: `¿` always closed by `?`, a `?` sometimes written alone
QUESTIONS = [
    utt("Ask", "¿Qué hora es?"),
    utt("Ask", "¿qué hora es en [city : Lima]?"),
    utt("Ask", "qué hora es en [city : Quito]?"),
    utt("Ask", "qué hora es"),
    utt("Ask", "¡Dime la hora en [city : Lima]!"),
    utt("Ask", "dime la hora"),
]


def sentences(golden: list) -> set[str]:
    return {u.text for u in gf.from_text(induce(golden, weight=1.0).text()).all()}


def test_an_opening_mark_is_said_with_the_closing_mark_it_had():
    said = sentences(QUESTIONS)
    assert {"¿qué hora es?", "qué hora es en lima?", "¡dime la hora!", "qué hora es"} <= said
    for text in said:
        assert not text.startswith("¿") or text.endswith("?"), text
        assert text.startswith("¡") == text.endswith("!"), text  # never written apart


def test_pairs_are_counted_jointly_and_keep_the_golden_proportions():
    paths = [tuple(Symbol(w) for w in tokens.words(u.text.casefold())) for u in QUESTIONS]
    _, counted = strip(paths)
    assert counted.pairs[("¿",), ("?",)] == 2 and counted.pairs[(), ("?",)] == 1
    assert counted.leads() == {(): 3, ("¿",): 2, ("¡",): 1}
    assert counted.trails(("¿",)) == {("?",): 2}
    assert counted.trails() == {("?",): 3, (): 2, ("!",): 1}
    grammar = gf.from_text(induce(QUESTIONS, weight=1.0).text())
    samples = grammar.sample(600, seed=3)
    opened = sum(u.text.startswith("¿") for u in samples)
    assert 150 < opened < 250  # 2 of 6 golden utterances
    assert all(u.text.endswith("?") for u in samples if u.text.startswith("¿"))


def test_a_mark_inside_the_last_slot_value_is_the_sentence_s_and_never_said_twice():
    golden = [
        utt("Set", "pon una alarma para [datetime : mañana?]"),
        utt("Set", "pon una alarma para [datetime : el lunes]?"),
        utt("Set", "pon una alarma para [datetime : hoy.]"),
        utt("Set", "[datetime : ¿mañana] pon una alarma?"),
    ]
    grammar = gf.from_text(induce(golden, weight=1.0).text())
    said = list(grammar.all())
    assert {"pon una alarma para mañana?", "pon una alarma para hoy."} <= {u.text for u in said}
    for u in said:
        assert not re.search(r"([?.¿])\1", u.text), u.text
        for slot in u.slots:
            assert slot.value in {"mañana", "el lunes", "hoy"}, slot.value
            assert u.text[slot.start : slot.end] == slot.value


def test_edges_leave_a_word_of_marks_alone_and_keep_abbreviations():
    assert edges(["¿", "qué", "?", "!"]) == (1, 2)
    assert edges(["?"]) == (0, 1)  # punctuation alone keeps it
    assert edges(["a", "las", "5", "p.m."]) == (0, 4)  # an abbreviation's stop is its own
    assert edges(["(", "live", ")"]) == (1, 2)


def test_without_opening_marks_the_closing_ones_go_into_each_phrasing():
    golden = [utt("Play", "play [genre : jazz] music."), utt("Play", "put on [genre : rock]?")]
    text = induce(golden, weight=0.0).text()
    assert "phrasing" not in text
    assert Edges().leads() == {}


def test_the_same_golden_utterances_give_the_same_grammar():
    first = induce(QUESTIONS, weight=1.0).text()
    assert induce(list(QUESTIONS), weight=1.0).text() == first
    assert "phrasing" in first  # the phrasings are one rule said between each pair


THAI = [
    utt("Set", "ตั้งนาฬิกาปลุกสำหรับ [datetime : 7 โมงเช้า]"),
    utt("Set", "ตั้งนาฬิกาปลุกสำหรับ[datetime : 6โมงเช้า]"),
    utt("Set", "ตั้งนาฬิกาปลุก [datetime : ตี 5]"),
]


def test_thai_next_to_digits_is_spaced_and_parsed_however_it_is_written():
    grammar = gf.from_text(induce(THAI, weight=1.0, language="th").text())
    said = {u.text for u in grammar.all()}
    assert "ตั้งนาฬิกาปลุกสำหรับ 6 โมงเช้า" in said and "ตั้งนาฬิกาปลุกตี 5" in said
    for text, value, start in [
        ("ตั้งนาฬิกาปลุกสำหรับ6โมงเช้า", "6โมงเช้า", 20),
        ("ตั้งนาฬิกาปลุกสำหรับ 6 โมงเช้า", "6 โมงเช้า", 21),
        ("ตั้งนาฬิกาปลุกตี5", "ตี5", 14),
    ]:
        parsed = grammar.parse(text)
        assert parsed is not None and parsed.intent == "Set"
        (slot,) = parsed.slots
        assert (slot.value, slot.start, text[slot.start : slot.end]) == (value, start, value)


def test_a_mark_of_a_value_inside_the_sentence_stays_the_value_s():
    golden = [utt("Rate", "rate [book : Who Moved My Cheese?] five"), utt("Rate", "rate it five")]
    grammar = gf.from_text(induce(golden, weight=1.0).text())
    assert "rate who moved my cheese? five" in {u.text for u in grammar.all()}
