"""Readers and writers of grammar_fst.data.formats: round trips over generated utterances in
several scripts, located errors for bad input, on_error stop vs skip, bytes that are not
UTF-8, and (opt-in, GRAMMAR_FST_DATA=folder) the real SNIPS and SLURP files."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grammar_fst.cli.main import main
from grammar_fst.data.formats import (
    FORMATS,
    FormatError,
    Records,
    bio,
    get,
    jsonl,
    massive,
    rasa,
    snips,
)
from grammar_fst.data.records import SlotValue, Utterance
from grammar_fst.errors import GrammarFstError, UsageError

# The formats read and written as text (each by each of its names): the round trip's.
ROUND_TRIP = sorted(n for f in FORMATS if f.read and f.document_writer() for n in f.names)
TOY = Path(__file__).parent.parent / "grammars" / "toy.grm"

# --- generated utterances ------------------------------------------------------------
#
# Words are runs of letters without whitespace, from one script each: Latin with accents,
# Devanagari (letters, vowel signs, virama) or Thai (consonants, vowels, tone marks), with
# digits and a little punctuation. Left out on purpose, because some format cannot carry
# them (each writer refuses them, see the writer tests below):
# - whitespace inside a word, and runs of spaces: bio splits tokens at whitespace and
#   joins them with one space; rasa strips spaces around an example;
# - [ ] ( ) { } and ':' : they delimit annotations in massive and rasa;
# - line breaks and other control characters: one record per line in text, rasa, bio;
# - empty sentences and empty slot values: text skips blank lines, bio has no token to
#   tag, rasa's entity pattern needs a character.
# Slots cover whole words and do not overlap; `canonical` values are generated for the
# formats that carry them (jsonl, rasa), and dropped from the expectation for the others.

LATIN = "abcdefghijklmnopqrstuvwxyzéèêàçñöüøåßÉÀ"
DEVANAGARI = "".join(map(chr, range(0x0905, 0x093A))) + "ािीुूेैोौं्"
THAI = "".join(map(chr, range(0x0E01, 0x0E2F))) + "ัิีึืุู่้๊๋"
PUNCTUATION = "0123456789'.,?!"

words = st.sampled_from([LATIN, DEVANAGARI, THAI]).flatmap(
    lambda script: st.text(alphabet=script + PUNCTUATION, min_size=1, max_size=6)
)
phrases = st.lists(words, min_size=1, max_size=3).map(" ".join)
intents = st.one_of(
    st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True),
    # names YAML would not take as plain strings, or that are not ASCII
    st.sampled_from(["yes", "null", "1st", "play music", "reproducir_música", "संगीत_चलाओ"]),
)
slot_names = st.one_of(
    st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), st.sampled_from(["शहर", "เมือง"])
)


@st.composite
def utterances(draw, canonical: bool = True) -> Utterance:
    segments = draw(
        st.lists(st.tuples(phrases, st.one_of(st.none(), slot_names)), min_size=1, max_size=5)
    )
    pieces: list[str] = []
    slots: list[SlotValue] = []
    pos = 0
    for phrase, name in segments:
        if pieces:
            pos += 1
        pieces.append(phrase)
        if name is not None:
            canon = draw(st.one_of(st.none(), phrases)) if canonical else None
            canon = None if canon == phrase else canon
            slots.append(SlotValue(name, phrase, pos, pos + len(phrase), canon))
        pos += len(phrase)
    return Utterance(" ".join(pieces), draw(intents), tuple(slots))


def as_carried(fmt: str, utterances: list[Utterance]) -> list[Utterance]:
    """What reading back a file of `fmt` should give for these utterances."""
    if fmt == "text":
        return [Utterance(u.text, "") for u in utterances]
    if fmt == "snips-nlu":
        utterances = _through_entities(utterances)
    if fmt in ("massive", "bio", "snips", "snips-benchmark"):  # no place for canonical values
        utterances = [
            Utterance(u.text, u.intent, tuple(SlotValue(s.slot, s.value, s.start, s.end)
                                              for s in u.slots))
            for u in utterances
        ]  # fmt: skip
    if fmt in ("snips", "snips-benchmark", "snips-nlu", "rasa"):  # grouped by intent, in order
        order = list(dict.fromkeys(u.intent for u in utterances))
        utterances = sorted(utterances, key=lambda u: order.index(u.intent))
    return utterances


def _through_entities(utterances: list[Utterance]) -> list[Utterance]:
    """Snips NLU keeps canonical values as entity synonyms, so a value said as a synonym
    anywhere reads back with the first canonical value (in the entity's order) it stands for."""
    entries: dict[str, dict[str, list[str]]] = {}
    for u in utterances:
        for s in u.slots:
            synonyms = entries.setdefault(s.slot, {}).setdefault(s.canonical or s.value, [])
            if s.canonical is not None:
                synonyms.append(s.value)
    meaning: dict[tuple[str, str], str] = {}
    for slot, values in entries.items():
        for value, synonyms in values.items():
            for synonym in synonyms:
                if synonym != value:
                    meaning.setdefault((slot, synonym), value)
    return [
        u._replace(
            slots=tuple(s._replace(canonical=meaning.get((s.slot, s.value))) for s in u.slots)
        )
        for u in utterances
    ]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("formats")


@pytest.mark.parametrize("fmt", ROUND_TRIP)
@settings(max_examples=120, deadline=None)
@given(corpus=st.lists(utterances(), max_size=6))
def test_round_trip(folder, fmt, corpus):
    path = folder / f"corpus.{fmt}"
    document = get(fmt).document_writer()(corpus)
    path.write_text(document, encoding="utf-8", newline="\n")
    line = get(fmt).line_writer()
    if line is not None:  # what the CLI streams: each line followed by a newline
        assert document == "".join(line(u, i) + "\n" for i, u in enumerate(corpus))
    records = get(fmt).read(path)
    assert list(records) == as_carried(fmt, corpus)
    assert records.skipped == []


def test_the_round_trip_covers_the_formats_read_and_written():
    known = {"bio", "jsonl", "massive", "rasa", "snips", "snips-benchmark", "snips-nlu", "text"}
    assert known <= set(ROUND_TRIP)  # and any new format read and written as text
    assert {"bio", "jsonl", "massive", "text"} <= {f.name for f in FORMATS if f.line_writer()}


# --- what the writers write ----------------------------------------------------------

PLAY = Utterance(
    "play hard rock in nyc",
    "music_play",
    (SlotValue("genre", "hard rock", 5, 14), SlotValue("city", "nyc", 18, 21, "new york")),
)


def test_massive_record_fields():
    record = json.loads(massive.line(PLAY, 7))
    assert record == {
        "id": "7",
        "locale": "en-US",
        "partition": "train",
        "scenario": "music",
        "intent": "music_play",
        "utt": "play hard rock in nyc",
        "annot_utt": "play [genre : hard rock] in [city : nyc]",
    }
    assert massive.scenario("PlayMusic") == "PlayMusic"
    other = massive.record(PLAY, 0, locale="hi-IN", partition="dev")
    assert (other["locale"], other["partition"]) == ("hi-IN", "dev")


def test_rasa_document_layout():
    assert rasa.write_document([PLAY, Utterance("stop", "yes")]) == (
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: music_play\n"
        "  examples: |\n"
        '    - play [hard rock](genre) in [nyc]{"entity": "city", "value": "new york"}\n'
        '- intent: "yes"\n'
        "  examples: |\n"
        "    - stop\n"
    )


def test_bio_block_and_cli_stream(tmp_path, capsys):
    assert bio.line(PLAY, 0) == (
        "# intent = music_play\nplay\tO\nhard\tB-genre\nrock\tI-genre\nin\tO\nnyc\tB-city\n"
    )
    out = tmp_path / "toy.bio"
    assert main(["sample", str(TOY), "-n", "7", "--seed", "3", "--format", "bio", "-o",
                 str(out)]) == 0  # fmt: skip
    assert main(["sample", str(TOY), "-n", "7", "--seed", "3"]) == 0
    expected = [jsonl.from_record(json.loads(x)) for x in capsys.readouterr().out.splitlines()]
    assert list(bio.read(out)) == expected and len(expected) == 7


def test_snips_groups_by_intent():
    document = json.loads(
        snips.write_document([PLAY, Utterance("hi", "greet"), Utterance("play", "music_play")])
    )
    assert list(document) == ["music_play", "greet"]
    assert document["music_play"][0]["data"] == [
        {"text": "play "},
        {"text": "hard rock", "entity": "genre"},
        {"text": " in "},
        {"text": "nyc", "entity": "city"},
    ]


@pytest.mark.parametrize(
    "fmt, utterance, message",
    [
        ("massive", Utterance("a [b] c", "A"), "would not read back"),
        ("massive", Utterance("a b", "A", (SlotValue("x : y", "b", 2, 3),)), "would not"),
        ("bio", Utterance("playrock", "A", (SlotValue("g", "rock", 4, 8),)), "whole words"),
        ("bio", Utterance("a", "A\tB"), "intent"),
        ("bio", Utterance("a b", "A", (SlotValue("g", "", 1, 1),)), "has an empty value"),
        ("bio", Utterance("in a year  x", "A", (SlotValue("t", "in a year ", 0, 10),)), "ends"),
        ("rasa", Utterance(" a", "A"), "strips spaces"),
        ("rasa", Utterance("a\u2028b", "A"), "U+2028"),
        ("rasa", Utterance("[a](b)", "A"), "other entities"),
        ("rasa", Utterance("a", "A", (SlotValue("g", "", 1, 1),)), "Rasa YAML"),
        ("text", Utterance("a\nb", "A"), "line break"),
        ("snips", Utterance("ab", "A", (SlotValue("g", "x", 0, 1),)), "has value 'x'"),
        ("jsonl", Utterance("play x", "I", (SlotValue("a", "zz", 0, 2),)), "has value 'zz'"),
        ("jsonl", Utterance(" ", "I"), "says nothing"),
    ],
)
def test_writers_refuse_what_their_format_cannot_carry(fmt, utterance, message):
    with pytest.raises(FormatError, match="cannot write") as err:
        get(fmt).document_writer()([utterance])
    assert message in str(err.value)


# --- reading bad input ---------------------------------------------------------------

# (format, file content, location of the first error, part of its message)
BAD = [
    ("jsonl", '{"text": "a", "intent": "A"}\n{"text": "b",\n', "2:14", "not a JSON record"),
    ("jsonl", '\n["a"]\n', "2:1", "expected a JSON object"),
    ("jsonl", '{"text": "a"}\n', "1:1", "no string field 'intent'"),
    (
        "jsonl",
        '{"text": "play rock", "intent": "A", '
        '"slots": [{"slot": "g", "value": "rock", "start": 4, "end": 8}]}\n',
        "1:1",
        "the text at 4..8 is ' roc'",
    ),
    (
        "jsonl",
        '{"text": "ab", "intent": "A", "slots": [{"slot": "g", "value": "a", "start": 0, '
        '"end": 1}], "annot_utt": "ab"}\n',
        "1:1",
        "'annot_utt' 'ab' does not match",
    ),
    ("massive", '{"utt": "a", "intent": "A"}\n', "1:1", "no field 'annot_utt' or"),
    (  # a Thai tone mark left out of the slot's last letter
        "jsonl",
        '{"text": "ตั้งปลุก 7 โมงเช้า", "intent": "A", "slots": [{"slot": "t", '
        '"value": "7 โมงเช", "start": 9, "end": 16}]}\n',
        "1:1",
        "cuts a letter from its mark (U+0E49 at 16): 'ช้' is one letter",
    ),
    (  # a Devanagari vowel sign at the slot's start
        "massive",
        '{"annot_utt": "मु[city : ंबई] में", "intent": "A"}\n',
        "1:1",
        "cuts a letter from its mark (U+0902 at 2): 'मुं' is one letter",
    ),
    ("massive", '{"annot_utt": "a [b", "intent": "A"}\n', "1:1", "never closed"),
    (
        "massive",
        '{"utt": "play rock", "annot_utt": "play [genre : pop]", "intent": "A"}\n',
        "1:1",
        "does not spell the text 'play rock'",
    ),
    ("massive", '{"utt": "a", "annot_utt": "a"}\n', "1:1", "no string field 'intent'"),
    (
        "snips",
        '{"A": [\n  {"data": [{"text": "a"}]},\n  {"data": [{"txt": "b"}]}\n]}\n',
        "3:3",
        'chunk 1 is not an object with a string "text"',
    ),  # fmt: skip
    ("snips", '{"A": [{"data": [{"text": "a", "entity": 3}]}]}', "1:8", '"entity" must be'),
    ("snips", '{"A": [{"text": "a"}]}', "1:8", 'expected a record {"data"'),
    ("rasa", "nlu:\n- intent: A\n  examples: |\n    - a\n    b\n", "5:5", "start with '-'"),
    (
        "rasa",
        'nlu:\n- intent: A\n  examples: |\n    - a [b]{"entity": 5}\n',
        "4:5",
        'has no string "entity"',
    ),
    (
        "rasa",
        'nlu:\n- intent: A\n  examples: |\n    - [a][{"entity": "x"}, {"entity": "y"}]\n',
        "4:5",
        "several entities on one span",
    ),
    ("bio", "# intent = A\nplay\tX\n", "2:6", "unknown tag 'X'"),
    ("bio", "# intent = A\nplay\tO\nrock\tI-genre\n", "3:6", "'I-genre' does not continue"),
    ("bio", "play\tO\n", "1:1", "a block without a '# intent = NAME' line"),
    ("bio", "# intent = A\nplay\tO\tx\n", "2:1", "expected 'token<TAB>tag'"),
    ("bio", "# intent = A\n# text = play  rok\nplay\tO\nrock\tO\n", "2:1", "do not spell"),
    ("bio", "# intent = A\n# text = a\n# text = a\na\tO\n", "3:1", "a second text line"),
]


def write_file(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("fmt, content, where, message", BAD)
def test_bad_record_is_located(tmp_path, fmt, content, where, message):
    path = write_file(tmp_path, f"bad.{fmt}", content)
    with pytest.raises(FormatError) as err:
        list(get(fmt).read(path))
    assert str(err.value).startswith(f"{path}:{where}: ")
    assert message in str(err.value)
    assert isinstance(err.value, GrammarFstError)  # the CLI prints it as one line


@pytest.fixture
def warnings():
    """Warnings of the "grammar_fst" logger (the CLI stops it propagating to the root)."""
    records: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: records.append(record.getMessage())
    logger = logging.getLogger("grammar_fst")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


@pytest.mark.parametrize("fmt, content, where, message", BAD)
def test_bad_record_is_skipped_with_a_warning(tmp_path, warnings, fmt, content, where, message):
    path = write_file(tmp_path, f"bad.{fmt}", content)
    records = get(fmt).read(path, on_error="skip")
    list(records)
    assert len(records.skipped) == 1 and len(warnings) == 1
    assert warnings[0] == f"{records.skipped[0]} (record skipped)"
    assert warnings[0].startswith(f"{path}:{where}: ")


def test_stop_gives_the_good_records_before_the_bad_one(tmp_path, warnings):
    lines = [
        '{"text": "a", "intent": "A"}',
        "not json",
        '{"text": "b", "intent": "B"}',
        '{"text": "c", "intent": 3}',
    ]
    path = write_file(tmp_path, "mixed.jsonl", "\n".join(lines) + "\n")
    records = jsonl.read(path)
    assert isinstance(records, Records)
    assert next(records) == Utterance("a", "A")
    with pytest.raises(FormatError, match=":2:1: not a JSON record"):
        next(records)
    assert warnings == []
    records = jsonl.read(path, on_error="skip")
    assert list(records) == [Utterance("a", "A"), Utterance("b", "B")]
    assert [e.location.line for e in records.skipped] == [2, 4]
    assert len(warnings) == 2


@pytest.mark.parametrize(
    "fmt, content, message",
    [
        ("snips", "[]", "expected a JSON object of intents"),
        ("snips", '{"A": [{"data": []}', "expected ',' or ']' after a record"),
        ("snips", '{"A": [{"data": [}]}', "not valid JSON"),
        ("rasa", "nlu:\n- intent: A\n  examples:\n  - text: a\n", "expected 'examples: |'"),
        ("rasa", "nlu:\n- examples: |\n    - a\n", "without 'intent: NAME'"),
        ("rasa", "nlu:\n- intent: A\n    examples: |\n", "unexpected indentation"),
    ],
)
def test_a_broken_document_stops_even_when_skipping(tmp_path, fmt, content, message):
    path = write_file(tmp_path, f"broken.{fmt}", content)
    with pytest.raises(FormatError, match=message):
        list(get(fmt).read(path, on_error="skip"))


def test_missing_file_and_bad_on_error(tmp_path):
    with pytest.raises(FormatError, match="absent.jsonl: cannot read the file"):
        jsonl.read(tmp_path / "absent.jsonl")
    with pytest.raises(UsageError, match="^`on_error` must be one of 'stop', 'skip', not 'ignore'"):
        jsonl.read(tmp_path / "absent.jsonl", on_error="ignore")


# --- bytes that are not UTF-8 --------------------------------------------------------

# A SNIPS file with one Latin-1 byte (é as 0xE9) in its first record.
LATIN1_SNIPS = (
    b'{\n  "PlayMusic": [\n    {"data": [{"text": "play "}, '
    b'{"text": "caf\xe9", "entity": "artist"}]},\n'
    b'    {"data": [{"text": "play "}, {"text": "abba", "entity": "artist"}]}\n  ]\n}\n'
)


def test_snips_white_space_around_a_sentence_is_not_part_of_it(tmp_path):
    """The benchmark's chunks leave a space or a line break at a sentence's end (619 of
    its 13,784 utterances), and a slot at the edge may hold it."""
    document = {
        "PlayMusic": [
            {"data": [{"text": "play "}, {"text": "abba", "entity": "artist"}, {"text": " \n"}]},
            {"data": [{"text": " play "}, {"text": "rock music\n", "entity": "genre"}]},
            {"data": [{"text": "play "}, {"text": "jazz", "entity": "genre"}]},
        ]
    }
    path = write_file(tmp_path, "t.json", json.dumps(document))
    got = list(snips.read(path))
    assert got == [
        Utterance("play abba", "PlayMusic", (SlotValue("artist", "abba", 5, 9),)),
        Utterance("play rock music", "PlayMusic", (SlotValue("genre", "rock music", 5, 15),)),
        Utterance("play jazz", "PlayMusic", (SlotValue("genre", "jazz", 5, 9),)),
    ]
    for utterance in got:  # a text line can hold it now, as jsonl could
        get("text").check(utterance)


def test_a_snips_record_of_white_space_alone_is_a_bad_record(tmp_path):
    path = write_file(tmp_path, "t.json", json.dumps({"A": [{"data": [{"text": " \n"}]}]}))
    with pytest.raises(FormatError, match="the record says nothing"):
        list(snips.read(path))


def test_non_utf8_stops_with_file_line_and_byte_offset(tmp_path):
    path = write_file(tmp_path, "latin1.json", LATIN1_SNIPS)
    offset = LATIN1_SNIPS.index(b"\xe9")
    with pytest.raises(FormatError) as err:
        list(snips.read(path))
    assert str(err.value) == (
        f"{path}:3:47: not valid UTF-8 (byte 0xE9 at offset {offset}); save the file as UTF-8; "
        "`on_error='skip'` leaves such records out"
    )


def test_non_utf8_record_is_skipped_when_skipping(tmp_path, warnings):
    path = write_file(tmp_path, "latin1.json", LATIN1_SNIPS)
    records = snips.read(path, on_error="skip")
    assert list(records) == [
        Utterance("play abba", "PlayMusic", (SlotValue("artist", "abba", 5, 9),))
    ]
    assert len(records.skipped) == 1 and "byte 0xE9" in warnings[0]


@pytest.mark.parametrize(
    "fmt, good, bad",
    [
        ("jsonl", b'{"text": "a", "intent": "A"}', b'{"text": "caf\xe9", "intent": "A"}'),
        ("massive", b'{"annot_utt": "a", "intent": "A"}', b'{"annot_utt": "\xe9", "intent": "A"}'),
        ("text", b"a", b"caf\xe9"),
        ("bio", b"# intent = A\na\tO\n", b"# intent = A\ncaf\xe9\tO\n"),
        ("rasa", b"nlu:\n- intent: A\n  examples: |\n    - a", b"    - caf\xe9"),
    ],
)
def test_non_utf8_in_line_formats(tmp_path, warnings, fmt, good, bad):
    data = b"\xef\xbb\xbf" + good + b"\n" + bad + b"\n"  # after a byte-order mark
    path = write_file(tmp_path, f"latin1.{fmt}", data)
    offset = data.index(b"\xe9")
    with pytest.raises(FormatError, match=f"byte 0xE9 at offset {offset}"):
        list(get(fmt).read(path))
    records = get(fmt).read(path, on_error="skip")
    assert [u.text for u in records] == ["a"] and len(records.skipped) == 1


def test_non_utf8_in_a_rasa_intent_name_stops(tmp_path):
    path = write_file(tmp_path, "latin1.yml", b"nlu:\n- intent: caf\xe9\n  examples: |\n")
    with pytest.raises(FormatError, match=r":2:14: not valid UTF-8 \(byte 0xE9 at offset 18\)"):
        list(rasa.read(path, on_error="skip"))


# --- reading other spellings of the formats ------------------------------------------


def test_massive_reads_slurp_fields(tmp_path):
    records = [
        {
            "sentence": "wake me at nine am",
            "sentence_annotation": "wake me at [time : nine am]",
            "intent": "alarm_set",
            "slurp_id": 1,
        },  # fmt: skip
        # SLURP's annotation sometimes differs from its sentence in letter case only
        {
            "sentence": "this friday",
            "sentence_annotation": "[date : this Friday]",
            "intent": "calendar_query",
        },  # fmt: skip
        {"annot_utt": "play [genre : jazz]", "intent": "play_music", "id": "9"},
    ]
    path = write_file(tmp_path, "devel.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    assert list(massive.read(path)) == [
        Utterance("wake me at nine am", "alarm_set", (SlotValue("time", "nine am", 11, 18),)),
        Utterance("this friday", "calendar_query", (SlotValue("date", "this friday", 0, 11),)),
        Utterance("play jazz", "play_music", (SlotValue("genre", "jazz", 5, 9),)),
    ]


RASA_FILE = """\
version: "3.1"
# a comment
nlu:
  - intent: greet
    metadata:
      author: someone
    examples: |
      - hi
      -hello there

      - hey [tom](name:thomas) and [ann]{"entity": "name", "role": "friend"}
  - synonym: thomas
    examples: |
      - tom
  - intent: 'it''s'
    examples: |-
      - [nothing]
responses:
  utter_greet:
  - text: hi
"""


def test_rasa_reads_its_usual_variants(tmp_path, warnings):
    path = write_file(tmp_path, "nlu.yml", RASA_FILE)
    assert list(rasa.read(path)) == [
        Utterance("hi", "greet"),
        Utterance("hello there", "greet"),
        Utterance(
            "hey tom and ann",
            "greet",
            (SlotValue("name", "tom", 4, 7, "thomas"), SlotValue("name", "ann", 12, 15)),
        ),
        Utterance("[nothing]", "it's"),
    ]
    assert warnings == [
        f"{path}:12:3: 'synonym' items are not utterances; ignored",
        f"{path}:17:9: '[' opens or closes no entity Rasa reads (an entity is [text](entity) "
        "or [text]{...}); kept as text",
    ]


def test_bio_ignores_other_comments_and_reads_hash_tokens(tmp_path):
    content = "# id = 3\n# intent = A\n#5\tB-num\n\n\n# intent = B\nhi\tO\n"
    path = write_file(tmp_path, "x.bio", content)
    assert list(bio.read(path)) == [
        Utterance("#5", "A", (SlotValue("num", "#5", 0, 2),)),
        Utterance("hi", "B"),
    ]


def _slotted(text: str, intent: str, *values: tuple[str, str]) -> Utterance:
    """An utterance of `text` with each (slot, value) at its first place in the text."""
    slots = (SlotValue(n, v, text.index(v), text.index(v) + len(v)) for n, v in values)
    return Utterance(text, intent, tuple(slots))


GLUED = [  # slot edges where the text has no space but the tokens would read back with one
    _slotted("ตั้งนาฬิกาปลุกตอน10โมงเช้า", "alarm/set_alarm", ("datetime", "10โมงเช้า")),
    _slotted("อุณหภูมิคืออะไรตอน9โมงเช้า?", "weather/find", ("datetime", "9โมงเช้า")),
    _slotted(
        'Cancelar mi recordatorio "Tienda libre para Kenzo" para el aeropuerto',
        "reminder/cancel_reminder",
        ("reminder/noun", "recordatorio"),
        ("reminder/todo", "Tienda libre para Kenzo"),
    ),
    _slotted("play Nas's greatest ballad", "PlayMusic", ("artist", "Nas")),
]


@pytest.mark.parametrize("utterance", GLUED, ids=lambda u: u.text)
def test_bio_splits_tokens_at_glued_slot_edges_and_reads_back_the_text(tmp_path, utterance):
    block = bio.line(utterance, 0)
    assert block.splitlines()[1] == f"# text = {utterance.text}"
    rows = [row.split("\t") for row in block.splitlines()[2:]]
    for slot in utterance.slots:  # the slot's tokens are its value, whole
        tagged = [token for token, tag in rows if tag.endswith(f"-{slot.slot}")]
        assert "".join(tagged) == "".join(slot.value.split())
    path = write_file(tmp_path, "glued.bio", block + "\n")
    assert list(bio.read(path)) == [utterance]


def test_bio_writes_thai_digits_glued_to_a_slot_in_two_tokens():
    block = bio.line(GLUED[0], 0)
    assert "ตอน\tO\n10\tB-datetime\nโมง\tI-datetime\nเช้า\tI-datetime\n" in block


def test_bio_text_line_only_where_the_tokens_would_not_give_the_text_back(tmp_path):
    spaced = _slotted("ตั้งปลุก 7 โมง", "A", ("datetime", "7 โมง"))
    for utterance in (spaced, PLAY):
        assert "# text = " not in bio.line(utterance, 0)
    respaced = [  # a digit glued inside, two clauses a space apart, a spaced mark
        _slotted("ปลุกตอน7โมง พรุ่งนี้", "A", ("date", "พรุ่งนี้")),
        _slotted("ไปซื้อของชำ เร็ว ๆ นี้", "A", ("item", "ของชำ")),
        _slotted("play jazz .", "A", ("genre", "jazz")),
    ]
    path = tmp_path / "respaced.bio"
    path.write_text("".join(bio.line(u, i) + "\n" for i, u in enumerate(respaced)))
    assert list(bio.read(path)) == respaced


def test_bio_convert_writes_every_thai_record_that_reads(tmp_path, capsys):
    spans = [",".join(f"{s.start}:{s.end}:{s.slot}" for s in u.slots) for u in GLUED[:2]]
    rows = [f"{u.intent}\t{at}\t{u.text}\tth_TH\t{{}}" for u, at in zip(GLUED, spans)]
    data = write_file(tmp_path, "train-th.tsv", "\n".join(rows) + "\n")
    out = tmp_path / "th.bio"
    assert main(["convert", str(data), "--to", "bio", "-o", str(out)]) == 0
    assert "cannot write" not in capsys.readouterr().err
    assert list(bio.read(out)) == GLUED[:2]


# --- the real data sets (opt-in) -----------------------------------------------------

DATA = os.environ.get("GRAMMAR_FST_DATA")
needs_data = pytest.mark.skipif(
    not DATA,
    reason="real-data smoke test: set GRAMMAR_FST_DATA to the folder holding snips/ and "
    "slurp/ (e.g. ../shared/data) to run it",
)


@needs_data
def test_real_snips_files(warnings):
    files = sorted(Path(DATA, "snips").glob("train_*.json"))
    assert files, f"no SNIPS files in {DATA}/snips"
    for path in files:
        records = snips.read(path, on_error="skip")
        utterances = list(records)
        assert utterances and {u.intent for u in utterances} == {path.stem.split("_")[1]}
        assert all(u.text[s.start : s.end] == s.value for u in utterances for s in u.slots)
        if path.name == "train_PlayMusic_full.json":  # known to hold bytes that are not UTF-8
            assert records.skipped and all("not valid UTF-8" in str(e) for e in records.skipped)
            with pytest.raises(FormatError, match=f"{path}:\\d+:\\d+: not valid UTF-8"):
                list(snips.read(path))
        else:
            assert records.skipped == []


@needs_data
def test_real_slurp_devel(warnings):
    path = Path(DATA, "slurp", "devel.jsonl")
    records = massive.read(path, on_error="skip")
    utterances = list(records)
    lines = sum(1 for line in path.open(encoding="utf-8") if line.strip())
    assert len(utterances) + len(records.skipped) == lines
    # a handful of SLURP records have an annotation that spells another sentence
    assert len(records.skipped) <= lines // 100 and len(warnings) == len(records.skipped)
    assert all("does not spell the text" in str(e) for e in records.skipped)
    assert sum(len(u.slots) for u in utterances) > len(utterances) // 2
    assert massive.write_document(utterances).count("\n") == len(utterances)  # written back


@needs_data
@pytest.mark.parametrize("name", ["train-th.tsv", "train-es.tsv"])
def test_real_tod_data_is_written_as_bio_whole(tmp_path, warnings, name):
    utterances = list(get("tod").read(Path(DATA, "tod", name), on_error="skip"))
    back = list(bio.read(write_file(tmp_path, "tod.bio", bio.write_document(utterances))))

    def unspaced(u: Utterance) -> list[tuple[str, str]]:  # what tokens keep of each slot
        return [(s.slot, "".join(s.value.split())) for s in u.slots]

    assert len(back) == len(utterances)
    assert list(map(unspaced, back)) == list(map(unspaced, utterances))


@given(st.lists(utterances(), max_size=4))
def test_jsonl_line_is_json_dumps_of_the_record(corpus):
    """The hand-formatted line (written for speed) is exactly json.dumps's."""
    for u in corpus:
        assert jsonl.line(u, 0) == json.dumps(u.to_dict(), ensure_ascii=False)
        assert json.loads(jsonl.line(u, 0))["annot_utt"] == u.annot_utt


def test_rasa_bracket_outside_an_entity_is_text_with_a_warning(tmp_path, caplog):
    """Rasa reads an entity left unclosed as words; so does the reader, but it says where."""
    content = (
        "nlu:\n- intent: A\n  examples: |\n"
        "    - play [madonna(artist)\n    - play [abba](artist) now\n    - play [x](artist\n"
    )
    path = write_file(tmp_path, "unclosed.yml", content)
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        records = list(rasa.read(path))
    texts = ["play [madonna(artist)", "play abba now", "play [x](artist"]
    assert [r.text for r in records] == texts
    assert [r.slots[0].value for r in records if r.slots] == ["abba"]
    where = [r.getMessage().split(": '")[0] for r in caplog.records]
    assert where == [f"{path}:4:12", f"{path}:6:12"]
    assert all("opens or closes no entity" in r.getMessage() for r in caplog.records)
