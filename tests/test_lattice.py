"""Parsing text written without spaces: the grammar's own cut of the words is found
wherever ICU's dictionary, reading the whole sentence, cuts otherwise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import grammar_fst as gf
from grammar_fst.fst.lattice import Lattice, lattice
from grammar_fst.text import tokens

# ICU cuts these sentences otherwise than the grammars below do: "ฝนตก" alone is one
# word and, in the sentence, two; "อุณหภูมิ" in the sentence is three; "朝七時に" is cut
# "朝", "七", "時に", across the slot's edge.
THAI = """
language th-TH
intent weather = วันนี้ ฝนตก จะ ตก มั้ย | อุณหภูมิ ใน {location}
slot location = ฮุส ตัน | เชียงใหม่
"""
JAPANESE = """
language ja-JP
intent alarm = {time} に 起こして
slot time = 朝七時 | 午後三時
"""


def test_icu_cuts_these_sentences_otherwise_than_the_grammars():
    assert tokens.words("ฝนตก") == ["ฝนตก"]
    assert "ฝนตก" not in tokens.words("วันนี้ฝนตกจะตกมั้ย")
    assert "อุณหภูมิ" not in tokens.words("อุณหภูมิในฮุสตัน?")
    assert "時に" in tokens.words("朝七時に起こして")


def test_thai_text_parses_in_the_grammar_s_own_words():
    grammar = gf.from_text(THAI)
    assert grammar.parse("วันนี้ฝนตกจะตกมั้ย").intent == "weather"
    found = grammar.parse("อุณหภูมิในฮุสตัน?")
    assert found.text == "อุณหภูมิในฮุสตัน?"
    [slot] = found.slots
    assert (slot.slot, slot.value, slot.start, slot.end) == ("location", "ฮุสตัน", 10, 16)
    assert found.text[slot.start : slot.end] == slot.value


def test_japanese_text_parses_in_the_grammar_s_own_words():
    found = gf.from_text(JAPANESE).parse("朝七時に起こして")
    [slot] = found.slots
    assert (slot.value, slot.start, slot.end) == ("朝七時", 0, 3)


def test_a_sentence_the_grammar_cannot_cover_is_not_parsed():
    grammar = gf.from_text(THAI)
    assert grammar.parse("วันนี้ฝนตกจะตก") is None  # the last word is missing
    assert grammar.parse("อุณหภูมิในกรุงเทพ") is None  # a value the slot lacks
    assert grammar.parse("?") is None


def test_lattice_links_words_across_spaces_and_passed_punctuation():
    labels = {"ฝน": 1, "ตก": 2, "ฝนตก": 3, "ไหม": 4}
    find = lambda w: labels.get(w, -1)  # noqa: E731
    found = lattice("ฝนตก ไหม?", find, lambda: (labels, sorted(labels)))
    assert found.connected()
    assert found.spans([3, 4]) == [(0, 4), (5, 8)]
    assert found.spans([1, 2, 4]) == [(0, 2), (2, 4), (5, 8)]
    assert found.spans([1, 4]) is None
    assert not lattice("ฝนตกมาก", find, lambda: (labels, sorted(labels))).connected()


def test_a_word_never_starts_or_ends_inside_a_letter_s_marks():
    # "ที่" is ท + two combining marks: no word of the lattice may cut them off
    labels = {"ท": 1, "ที่": 2, "นี่": 3}
    found = lattice("ที่นี่", lambda w: labels.get(w, -1), lambda: (labels, sorted(labels)))
    assert found.spans([2, 3]) == [(0, 3), (3, 6)]
    assert all(label != 1 for edges in found.edges for label, _, _ in edges)


def test_a_reading_of_labels_is_a_chain():
    chain = Lattice.of_labels([7, 8])
    assert chain.end == 2 and chain.connected()
    assert chain.spans([7, 8]) == [(0, 1), (1, 2)]


SYLLABLES = ["กา", "ขา", "นา", "มา", "ตา", "ปา", "รา", "ลา"]
WORD = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(WORD, min_size=1, max_size=4), min_size=1, max_size=4),
    st.lists(st.lists(WORD, min_size=1, max_size=2), min_size=1, max_size=3),
    st.integers(0, 1000),
)
def test_every_sampled_sentence_of_thai_words_parses_back(carriers, values, seed):
    """However a grammar cuts Thai text into words, its sampled sentences parse, with
    the same text and slot values at their offsets."""
    phrases = " | ".join(" ".join(words) + " {thing}" for words in carriers)
    slot = " | ".join(" ".join(words) for words in values)
    grammar = gf.from_text(f"language th-TH\nintent ask = {phrases}\nslot thing = {slot}\n")
    for utterance in grammar.sample(20, seed=seed):
        found = grammar.parse(utterance.text)
        assert found is not None, utterance.text
        assert found.text == utterance.text
        for slot_value in found.slots:
            assert found.text[slot_value.start : slot_value.end] == slot_value.value
