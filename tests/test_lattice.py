"""Parsing text written without spaces: the grammar's own cut of the words is found
wherever ICU's dictionary, reading the whole sentence, cuts otherwise."""

from __future__ import annotations

import functools
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import grammar_fst as gf
from grammar_fst.fst.lattice import Lattice, lattice
from grammar_fst.text import folding, tokens

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


PLAY = """
language ja-JP
intent play = {genre} を 流して
slot genre = ジャズ | ７時 | AC/DC | P!nk | will.i.am
"""


def _read(grammar, sentence: str) -> tuple[str, list[tuple[str, int, int]]]:
    found = grammar.parse(sentence)
    assert found is not None, sentence
    return found.text, [(s.value, s.start, s.end) for s in found.slots]


def test_punctuation_of_any_script_and_emoji_are_passed_over():
    grammar = gf.from_text(PLAY)
    for mark in ["?", "!", "。", "？", "！", "、", "」", "😀", "👍🏽", "❤️", "♪"]:
        sentence = f"ジャズを流して{mark}"
        assert _read(grammar, sentence) == (sentence, [("ジャズ", 0, 3)])
    assert _read(grammar, "「ジャズ」を、流して") == ("「ジャズ」を、流して", [("ジャズ", 1, 4)])
    assert grammar.parse("ジャズを/流して") is None  # '/' may stand for a word: not passed


def test_words_written_with_spaces_are_whole_inside_unspaced_text():
    """The segmenter cuts `AC/DC` at the `/` next to kana; every sampled sentence parses."""
    grammar = gf.from_text(PLAY)
    for utterance in grammar.sample(100, unique=True):
        found = grammar.parse(utterance.text)
        assert found == utterance, utterance.text


def test_a_sentence_is_read_as_typed_and_given_back_as_typed():
    """Decomposed, full-width, half-width and invisible characters are read as the
    grammar's words; the record keeps the text as given and its offsets in it."""
    grammar = gf.from_text(PLAY)
    cases = {
        unicodedata.normalize("NFD", "ジャズを流して"): (0, 5),  # 9 characters
        "ｼﾞｬｽﾞを流して": (0, 5),
        "７時を流して": (0, 2),
        "7時を流して": (0, 2),  # the grammar's full-width digit typed in ASCII
        "\u200bジャズ\u200bを流して\u200f": (1, 4),
        "Ｐ!ｎｋを流して": (0, 4),
    }
    for sentence, (start, end) in cases.items():
        text, [(value, a, b)] = _read(grammar, sentence)
        assert text == sentence and (a, b) == (start, end) and value == sentence[a:b]


def test_joiners_in_a_word_the_grammar_lacks_are_looked_past():
    grammar = gf.from_text("language hi\nintent W = {city} में मौसम\nslot city = मुंबई\n")
    assert _read(grammar, "मुंबई\u200d में मौसम") == ("मुंबई\u200d में मौसम", [("मुंबई\u200d", 0, 6)])


def test_invisible_characters_are_no_part_of_a_grammar_s_words(tmp_path):
    (tmp_path / "cities.txt").write_text("กรุงเทพ\u200b\nเชียง\u200bใหม่\n\u200b\n", encoding="utf-8")
    (tmp_path / "w.grm").write_text(
        'language th\nintent W = อากาศที่{city}เป็นไง \u200b\nslot city from "cities.txt"\n',
        encoding="utf-8",
    )
    grammar = gf.load(tmp_path / "w.grm")
    texts = sorted(u.text for u in grammar.sample(10, unique=True))
    assert texts == ["อากาศที่กรุงเทพเป็นไง", "อากาศที่เชียงใหม่เป็นไง"]
    assert tokens.normalize("a\u200bb\u202ec") == "abc"


def test_marks_the_segmenter_keeps_together_are_the_grammar_s_marks_one_by_one():
    """`one am.` then `.` is written `am..`, which the segmenter reads as `am` and `..`;
    every sampled sentence still parses back."""
    grammar = gf.from_text('intent A = see you at {t} . | what "?" "!"\nslot t = one am. | noon\n')
    for utterance in grammar.sample(10, unique=True):
        assert grammar.parse(utterance.text) == utterance, utterance.text
    assert {u.text for u in grammar.sample(10, unique=True)} >= {"see you at one am..", "what?!"}


@pytest.mark.parametrize(
    "text",
    ['"play jazz"', "“play jazz”", "«play jazz»", "‹play jazz›", "play «jazz»", "'play' jazz"],
)
def test_quotes_glued_to_the_grammar_s_words_are_passed_over(text):
    grammar = gf.from_text("intent A = play {genre}\nslot genre = jazz | rock\n")
    reading = grammar.parse(text)
    assert reading is not None and reading.text == text
    (slot,) = reading.slots
    assert text[slot.start : slot.end] == slot.value == "jazz"


@pytest.mark.parametrize(
    "text",
    ["qué hora es?!", "qué hora es??", "¿¿qué hora es?", "¡¿qué hora es?!", "qué hora es?."]
    + ["qué hora es?", "¿qué hora es?"],
)
def test_a_mark_the_grammar_has_is_read_once_among_marks_it_lacks_or_repeats(text):
    grammar = gf.from_text('intent Q = ¿? qué hora es "?"\nintent S = di algo .\n')
    reading = grammar.parse(text)
    assert reading is not None and reading.intent == "Q"


def test_marks_around_a_word_the_grammar_lacks_are_no_reading():
    grammar = gf.from_text("intent A = play jazz\n")
    assert grammar.parse("«play polka»") is None and grammar.parse('"play" "jazz"') is not None


@pytest.mark.parametrize(
    "grammar_word, typed",
    [("cómo", "como"), ("como", "cómo"), ("año", "ano"), ("καιρός", "καιρος"), ("ещё", "еще")]
    + [("naïve", "NAIVE"), ("Ärger", "arger")],
)
def test_a_word_typed_without_its_accents_is_the_grammar_s(grammar_word, typed):
    grammar = gf.from_text(f"intent A = di {{w}}\nslot w = {grammar_word} | otro\n")
    reading = grammar.parse(f"di {typed}")
    assert reading is not None and reading.slots[0].value == typed


def test_a_word_the_grammar_has_may_be_read_as_its_accented_twin():
    """Spanish has both `esta` (this) and `está` (is), `que` and `qué`: typed without
    accents, the one the grammar says there is read."""
    grammar = gf.from_text(
        'intent W = ¿ cómo está el clima {when} "?"\nslot when = hoy | esta noche\n'
        "intent Q = que {when} llueva\n"
    )
    reading = grammar.parse("¿como esta el clima esta noche?")
    assert reading is not None and reading.intent == "W"
    assert [(s.value, s.start) for s in reading.slots] == [("esta noche", 20)]
    assert grammar.parse("qué hoy llueva").intent == "Q"


def test_accents_are_folded_last_and_only_in_latin_greek_and_cyrillic():
    grammar = gf.from_text("intent A = esta\nintent E = está\nintent B = कि\nintent C = ก้\n")
    assert grammar.parse("esta").intent == "A" and grammar.parse("ESTÁ").intent == "E"
    assert grammar.parse("ésta") is not None  # neither as written: the first alike
    assert grammar.parse("क") is None and grammar.parse("ก") is None  # a vowel sign, a tone mark


TYPED = st.text(
    alphabet=st.sampled_from(
        list("ジャズを流して") + ["\u3099", "\u0301", "ｼ", "ﾞ", "７", "Ｐ", "!", "。", " ", "\u3000"]
        + ["\u200b", "\u200d", "\u200f", "\ufeff", "a", "e", "😀", "\ufe0f", "ต", "\u0e49"]
    ),
    max_size=14,
)


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_folded_offsets_lead_back_into_the_text_as_given(text):
    folded, starts, ends = folding.folded(text)
    assert len(starts) == len(ends) == len(folded) + 1
    assert starts[0] >= 0 and ends[-1] <= len(text) and starts[-1] == len(text)
    assert starts == sorted(starts) and ends == sorted(ends)
    new = [k for k in range(1, len(folded)) if starts[k] > starts[k - 1]]  # a cluster starts
    assert all(ends[k] <= starts[k] for k in new)  # a word's end never passes the next's start
    assert folding.folded(folded).text == folded  # folding twice changes nothing more


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TYPED)
def test_any_typed_sentence_is_parsed_or_not_and_given_back_as_typed(text):
    grammar = _typed_grammar()
    found = grammar.parse(text)
    if found is not None:
        assert found.text == text
        assert all(text[s.start : s.end] == s.value for s in found.slots)


@functools.cache
def _typed_grammar():
    return gf.from_text(PLAY)
