"""Catalogue files (.txt, .tsv, Alexa .json) read into entries, with located errors."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import grammar_fst as gf
from grammar_fst.data import resample
from grammar_fst.data.catalogue import (
    Catalogue,
    CatalogueError,
    Entry,
    _txt_columns,
    catalogues_containing,
    read_catalogue,
)
from grammar_fst.data.records import SlotValue, Utterance
from grammar_fst.errors import GrammarFstError, UsageError
from grammar_fst.text import tokens

# Input that NFC changes: Devanagari ऩ typed as न + nukta (NFC composes it), ज़िंदगी typed
# with the precomposed ज़ (a composition exclusion: NFC decomposes it), and "café" with a
# combining acute accent.
NNNA_RAW, NNNA_NFC = "\u0928\u093c\u093e", "\u0929\u093e"
HINDI_RAW = "\u095b\u093f\u0902\u0926\u0917\u0940"
HINDI_NFC = unicodedata.normalize("NFC", HINDI_RAW)
CAFE_RAW = "cafe\u0301"
assert unicodedata.normalize("NFC", NNNA_RAW) == NNNA_NFC
assert HINDI_RAW != HINDI_NFC and unicodedata.is_normalized("NFC", HINDI_NFC)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def alexa(*types: tuple[str, list]) -> str:
    """An Alexa interaction model with the given (name, values) slot types."""
    return json.dumps(
        {
            "interactionModel": {
                "languageModel": {
                    "invocationName": "demo",
                    "types": [{"name": name, "values": values} for name, values in types],
                }
            }
        },
        ensure_ascii=False,
        indent=2,
    )


def error(spec: str | Path) -> str:
    with pytest.raises(CatalogueError) as info:
        read_catalogue(spec)
    assert isinstance(info.value, GrammarFstError)
    return str(info.value)


# --- .txt ---


def test_txt_values_comments_blank_lines_and_multi_word(tmp_path):
    path = write(
        tmp_path, "cities.txt", "# cities\n\nnew   york\n  london \r\n# end\nsan francisco\n"
    )
    cat = read_catalogue(path)
    assert cat.path == str(path)
    assert cat.entries == (
        Entry(("new", "york"), line=3),
        Entry(("london",), line=4),
        Entry(("san", "francisco"), line=6),
    )
    assert cat.surface_values() == {"new york", "london", "san francisco"}
    assert cat.canonical_values() == cat.surface_values()


@pytest.mark.parametrize(
    "name, content, place",
    [
        ("c.txt", "jazz\nbe\x07bop\n", ":2:3:"),
        ("c.txt", "jazz\n\x00\n", ":2:1:"),
        ("c.tsv", "value\tweight\njazz\t1\nrock\x1b\t2\n", ":3:5:"),
    ],
)
def test_a_control_character_in_a_file_is_an_error_at_it(tmp_path, name, content, place):
    message = error(write(tmp_path, name, content))
    assert place in message and "control character" in message


def test_a_control_character_in_a_value_made_elsewhere_is_an_error(tmp_path):
    with pytest.raises(CatalogueError, match=r"entry 1: .*control character \(here U\+0007\)"):
        Catalogue.of_values(["jazz", "be\x07bop"])
    model = write(tmp_path, "m.json", alexa(("Genre", [{"name": {"value": "be\x07bop"}}])))
    assert "control character (here U+0007)" in error(model)  # escaped in the JSON
    spaced = write(tmp_path, "s.txt", "new\x1cyork\n")  # white space of any kind parts words
    assert read_catalogue(spaced).entries[0].words == ("new", "york")


def test_txt_normalizes_decomposed_unicode_to_nfc(tmp_path):
    path = write(tmp_path, "words.txt", f"{HINDI_RAW}\n{CAFE_RAW} noir\n{NNNA_RAW}\n")
    cat = read_catalogue(str(path))
    assert [e.words for e in cat.entries] == [(HINDI_NFC,), ("café", "noir"), (NNNA_NFC,)]
    assert cat.surface_values() == {HINDI_NFC, "café noir", NNNA_NFC}


def line_by_line(text: str) -> tuple[list[Entry], list[tuple[int, int]]]:
    """What a .txt catalogue says, read the plain way: each line's words as a grammar's
    and a sentence's (`tokens.words`), comments and blank lines skipped, a repeat dropped;
    with the (line, first line) of each repeat."""
    entries: list[Entry] = []
    first: dict[tuple[str, ...], int] = {}
    repeats = []
    for number, line in enumerate(text.split("\n"), 1):
        words = tuple(tokens.words(line))
        if not words or words[0].startswith("#"):
            continue
        if words in first:
            repeats.append((number, first[words]))
            continue
        first[words] = number
        entries.append(Entry(words, line=number))
    return entries, repeats


@pytest.mark.parametrize(
    "text",
    [
        "rock\npop\njazz\n",
        "rock",  # no line break at the end
        f"# genres\n\n  \t \nnew  york\r\n{HINDI_RAW}\n{HINDI_NFC}\nc# major\n#x\n",
        "เพลง ลูกทุ่ง\n周杰伦\nفيروز\nпесни\nเพลง  ลูกทุ่ง\n\n周杰伦\n",
        f"{CAFE_RAW} noir\ncafé noir\ncafé   noir\nrock\n{NNNA_RAW}\nrock\n\n\n",
        "a b\nab\na  b\nb a\n",  # words, not characters, tell values apart
        # one value a line, words one space apart (read in whole-text steps), and near it
        "new york\nparis\nsão paulo\n東京\n",
        "rock \npop\n",
        " rock\npop\n",
        "\nrock\npop\n",
        "rock\npop ",
        "rock\npop\n\n",
        "new\u00a0york\nparis\n",  # a no-break space is white space to split on
        "new\x1cyork\nparis\n",
        "rock\npop\nrock\n",
        "c# major\nrock\n",
        "st. louis\nst . louis\n(hello) world\nguns n' roses\nwhat?\n",  # punctuation apart
        "เพลงลูกทุ่ง\nกรุงเทพ มหานคร\n",  # a script written without spaces, segmented
    ],
)
def test_txt_columns_are_those_of_the_lines_read_one_by_one(tmp_path, caplog, text):
    path = write(tmp_path, "values.txt", text)
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        cat = read_catalogue(path)
    entries, repeats = line_by_line(text)
    assert_columns_of(cat.columns, entries)
    assert cat.entries == tuple(entries)
    reported = [
        re.search(r" at line (\d+) \(first at line (\d+)\)", r.getMessage()) for r in caplog.records
    ]
    assert [(int(m[1]), int(m[2])) for m in reported] == repeats


def assert_columns_of(columns, entries: list[Entry]) -> None:
    expected = Catalogue("values.txt", entries).columns
    assert columns.vocabulary == expected.vocabulary
    for name in ("tokens", "bounds", "lines"):
        assert getattr(columns, name).tolist() == getattr(expected, name).tolist(), name
        assert getattr(columns, name).dtype == getattr(expected, name).dtype, name
    assert np.isnan(columns.weights).all() and len(columns.weights) == len(entries)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab é#東.( \n\t\u00a0\r", max_size=40))
def test_txt_columns_of_any_text_are_those_of_its_lines(text):
    entries = line_by_line(text)[0]
    assume(entries)  # an empty catalogue is an error (tested with the errors)
    assert_columns_of(_txt_columns(text, "values.txt"), entries)


def test_suffix_is_case_insensitive(tmp_path):
    path = write(tmp_path, "CITIES.TXT", "paris\n")
    assert read_catalogue(path).surface_values() == {"paris"}


# --- .tsv ---


def test_tsv_weights_and_canonical_in_any_column_order(tmp_path):
    content = (
        "canonical\tvalue\tweight\n"
        "\tnew york\t3\n"
        "new york\tnyc\t0.5\n"
        "\n"
        "london\tlondon\t\n"  # canonical equal to the value: no synonym
        f"{CAFE_RAW}\t{CAFE_RAW} de flore\t0\n"
        f"café\t{CAFE_RAW}\t\n"  # equal once both are NFC: no synonym
    )
    cat = read_catalogue(write(tmp_path, "cities.tsv", content))
    assert cat.entries == (
        Entry(("new", "york"), 3.0, None, 2),
        Entry(("nyc",), 0.5, ("new", "york"), 3),
        Entry(("london",), None, None, 5),
        Entry(("café", "de", "flore"), 0.0, ("café",), 6),
        Entry(("café",), None, None, 7),
    )
    assert cat.surface_values() == {"new york", "nyc", "london", "café de flore", "café"}
    assert cat.canonical_values() == {"new york", "london", "café"}


def test_tsv_value_column_alone(tmp_path):
    cat = read_catalogue(write(tmp_path, "v.tsv", f"value\n{HINDI_RAW}\nmumbai\n"))
    assert cat.entries == (Entry((HINDI_NFC,), line=2), Entry(("mumbai",), line=3))


# --- Alexa .json ---

CITY_VALUES = [
    {"id": "NYC", "name": {"value": "new york", "synonyms": ["nyc", "the big apple"]}},
    {"name": {"value": CAFE_RAW}},
    {"name": {"value": HINDI_RAW, "synonyms": [f"{NNNA_RAW} {CAFE_RAW}"]}},
    {"name": {"value": "rome", "synonyms": []}},
]


def test_alexa_single_type_with_synonyms(tmp_path):
    path = write(tmp_path, "model.json", alexa(("City", CITY_VALUES)))
    cat = read_catalogue(path)
    new_york = ("new", "york")
    assert cat.entries == (
        Entry(new_york),
        Entry(("nyc",), canonical=new_york),
        Entry(("the", "big", "apple"), canonical=new_york),
        Entry(("café",)),
        Entry((HINDI_NFC,)),
        Entry((NNNA_NFC, "café"), canonical=(HINDI_NFC,)),
        Entry(("rome",)),
    )
    assert cat.surface_values() == {
        "new york",
        "nyc",
        "the big apple",
        "café",
        HINDI_NFC,
        f"{NNNA_NFC} café",
        "rome",
    }
    assert cat.canonical_values() == {"new york", "café", HINDI_NFC, "rome"}


def test_alexa_type_selected_with_hash(tmp_path):
    colors = [{"name": {"value": "dark red", "synonyms": ["maroon"]}}]
    path = write(tmp_path, "model.json", alexa(("City", CITY_VALUES), ("Color", colors)))
    cat = read_catalogue(f"{path}#Color")
    assert cat.path == f"{path}#Color"
    assert cat.entries == (Entry(("dark", "red")), Entry(("maroon",), canonical=("dark", "red")))


def test_hash_outside_a_json_suffix_is_part_of_the_file_name(tmp_path):
    folder = tmp_path / "take#2"
    folder.mkdir()
    path = write(folder, "cities.txt", "rome\n")
    assert read_catalogue(path).surface_values() == {"rome"}


# --- duplicates ---


def test_duplicates_are_merged_with_a_warning(tmp_path, caplog):
    path = write(tmp_path, "d.tsv", "value\tcanonical\nnyc\tnew york\nrome\t\nnyc\tnew york\n")
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        cat = read_catalogue(path)
    assert [e.line for e in cat.entries] == [2, 3]
    [record] = caplog.records
    assert record.name == "grammar_fst"
    message = record.getMessage()
    assert message.startswith(f"{path}: duplicate value 'nyc' (meaning 'new york')")
    assert "at line 4 (first at line 2)" in message


def test_duplicates_after_normalization_are_merged(tmp_path, caplog):
    path = write(tmp_path, "d.txt", f"café\n{CAFE_RAW}\n  café \n")
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        cat = read_catalogue(path)
    assert cat.entries == (Entry(("café",), line=1),)
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}: duplicate value 'café' at line {n} (first at line 1); keeping the first"
        for n in (2, 3)
    ]


def test_same_surface_with_another_canonical_is_kept(tmp_path, caplog):
    path = write(
        tmp_path,
        "a.tsv",
        "value\tcanonical\nspringfield\tspringfield il\nspringfield\tspringfield ma\n",
    )
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        cat = read_catalogue(path)
    assert len(cat.entries) == 2
    assert cat.surface_values() == {"springfield"}
    assert cat.canonical_values() == {"springfield il", "springfield ma"}
    assert not caplog.records


def test_alexa_duplicates_name_their_json_paths(tmp_path, caplog):
    values = [
        {"name": {"value": "rome"}},
        {"name": {"value": "paris", "synonyms": ["paris"]}},
        {"name": {"value": "rome"}},
    ]
    path = write(tmp_path, "m.json", alexa(("City", values)))
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        cat = read_catalogue(path)
    assert cat.surface_values() == {"rome", "paris"}
    assert len(cat.entries) == 2
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}: duplicate value 'paris' at types[0].values[1].name.synonyms[0] "
        "(first at types[0].values[1].name.value); keeping the first",
        f"{path}: duplicate value 'rome' at types[0].values[2].name.value "
        "(first at types[0].values[0].name.value); keeping the first",
    ]


# --- errors: each with its exact location ---

TSV_ERRORS = [
    ("bad-weight", "value\tweight\nrome\t2\nparis\tx\n", "3:7", "bad weight 'x': "),
    ("negative-weight", "value\tweight\nrome\t-1\n", "2:6", "bad weight '-1': "),
    ("infinite-weight", "weight\tvalue\ninf\trome\n", "2:1", "bad weight 'inf': "),
    ("nan-weight", "value\tweight\nrome\tnan\n", "2:6", "bad weight 'nan': "),
    ("too-many-cells", "value\tweight\nrome\t1\textra\n", "2:8", "3 tab-separated cells"),
    ("too-few-cells", "value\tweight\tcanonical\n\nrome\t1\n", "3:7", "2 tab-separated cells"),
    ("unknown-column", "value\tweigth\n", "1:7", "unknown column 'weigth'"),
    ("missing-value-column", "\n\nweight\tcanonical\n", "3:1", "no 'value' column"),
    ("repeated-column", "value\tvalue\n", "1:7", "column 'value' appears twice"),
    ("empty-value", "weight\tvalue\n1\t \n", "2:3", "empty value"),
]


@pytest.mark.parametrize(
    "content, where, message", [c[1:] for c in TSV_ERRORS], ids=[c[0] for c in TSV_ERRORS]
)
def test_tsv_errors_are_located(tmp_path, content, where, message):
    path = write(tmp_path, "c.tsv", content)
    assert error(path).startswith(f"{path}:{where}: {message}")


def test_bad_weight_message_says_how_to_fix(tmp_path):
    path = write(tmp_path, "c.tsv", "value\tweight\nrome\tlots\n")
    assert error(path) == (
        f"{path}:2:6: bad weight 'lots': a weight is a non-negative number such as 2 or 0.5; "
        "leave the cell empty for no weight"
    )


def test_unknown_column_names_the_allowed_ones(tmp_path):
    path = write(tmp_path, "c.tsv", "value\tsynonym\n")
    assert "value, weight, canonical" in error(path)


@pytest.mark.parametrize(
    "name, content",
    [
        ("e.txt", ""),
        ("e.txt", "# only a comment\n\n   \n"),
        ("e.tsv", ""),
        ("e.tsv", "value\tweight\n\n"),
    ],
)
def test_empty_catalogue(tmp_path, name, content):
    path = write(tmp_path, name, content)
    assert error(path) == f"{path}: the catalogue is empty; add at least one value"


def test_empty_alexa_type(tmp_path):
    path = write(tmp_path, "m.json", alexa(("City", [])))
    assert error(path) == f"{path}: slot type 'City' is empty"


def test_non_utf8_byte_is_located(tmp_path):
    path = write(tmp_path, "latin1.txt", "rome\nm\xfcnchen\n".encode("latin-1"))
    assert error(path) == (
        f"{path}:2:2: not valid UTF-8 (byte 0xFC at offset 6); save the file as UTF-8"
    )


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.txt"
    assert error(path).startswith(f"{path}: cannot read the file: ")


def test_a_folder_is_named_as_one(tmp_path):
    folder = tmp_path / "cities.txt"
    folder.mkdir()
    for path in (tmp_path, folder):
        assert error(path) == f"{path}: is a folder; name a catalogue file"


def test_unsupported_suffix(tmp_path):
    path = write(tmp_path, "cities.csv", "rome\n")
    assert error(path) == (
        f"{path}: unsupported catalogue format '.csv'; use .txt, .tsv or .json "
        "(an Alexa model, optionally model.json#TypeName)"
    )


def test_invalid_json_is_located(tmp_path):
    path = write(tmp_path, "m.json", '{\n  "interactionModel": {,\n}\n')
    assert error(path) == (
        f"{path}:2:24: invalid JSON: Expecting property name enclosed in double quotes"
    )


def test_unknown_alexa_type_lists_the_types(tmp_path):
    path = write(tmp_path, "m.json", alexa(("City", CITY_VALUES), ("Color", [])))
    assert error(f"{path}#Colour") == f"{path}: no slot type 'Colour'; the types are: City, Color"


def test_several_alexa_types_need_a_hash(tmp_path):
    path = write(tmp_path, "m.json", alexa(("City", CITY_VALUES), ("Color", [])))
    assert error(path) == f"{path}: 2 slot types (City, Color); pick one with {path}#TypeName"


def test_alexa_model_without_types(tmp_path):
    path = write(tmp_path, "m.json", alexa())
    assert error(path) == (
        f"{path}: the model has no slot types; add them under interactionModel.languageModel.types"
    )


@pytest.mark.parametrize(
    "model, message",
    [
        ({}, "missing 'interactionModel' in the top level"),
        ({"interactionModel": {}}, "missing 'languageModel' in interactionModel;"),
        (
            {"interactionModel": {"languageModel": {}}},
            "missing 'types' in interactionModel.languageModel;",
        ),
        (
            {"interactionModel": {"languageModel": {"types": {}}}},
            "'types' in interactionModel.languageModel should be a JSON list",
        ),
        (
            {"interactionModel": {"languageModel": {"types": [{"values": []}]}}},
            "missing 'name' in types[0];",
        ),
        (
            {"interactionModel": {"languageModel": {"types": [{"name": "City"}]}}},
            "missing 'values' in types[0];",
        ),
    ],
)
def test_alexa_missing_keys_are_named(tmp_path, model, message):
    path = write(tmp_path, "m.json", json.dumps(model))
    assert error(path).startswith(f"{path}: {message}")


@pytest.mark.parametrize(
    "value, message",
    [
        ({"id": "X"}, "missing 'name' in types[0].values[0];"),
        ({"name": {"synonyms": ["x"]}}, "missing 'value' in types[0].values[0].name;"),
        ({"name": {"value": 3}}, "'value' in types[0].values[0].name should be a string"),
        ({"name": {"value": "  "}}, "types[0].values[0].name.value is empty; give it a value"),
        ({"name": {"value": "a", "synonyms": "b"}}, "'synonyms' in types[0].values[0].name"),
        ({"name": {"value": "a", "synonyms": [1]}}, "types[0].values[0].name.synonyms[0] is not"),
        ({"name": {"value": "a", "synonyms": [""]}}, "types[0].values[0].name.synonyms[0] is"),
    ],
)
def test_alexa_bad_values_are_named(tmp_path, value, message):
    path = write(tmp_path, "m.json", alexa(("City", [value])))
    assert error(path).startswith(f"{path}: {message}")


# --- catalogues_containing ---


def test_catalogues_containing_checks_surface_and_canonical(tmp_path):
    cities = read_catalogue(write(tmp_path, "c.tsv", "value\tcanonical\nnyc\tnew york\nrome\t\n"))
    colors = read_catalogue(write(tmp_path, "k.txt", "rome\nred\n"))
    catalogues = {"city": cities, "color": colors}
    assert catalogues_containing(["rome"], catalogues) == ["city", "color"]
    assert catalogues_containing(["nyc"], catalogues) == ["city"]
    assert catalogues_containing(["  new\tyork "], catalogues) == ["city"]
    assert catalogues_containing(iter(["rome", "new york"]), catalogues) == ["city"]
    assert catalogues_containing(["rome", "red"], catalogues) == ["color"]
    assert catalogues_containing(["red", "nyc"], catalogues) == []
    assert catalogues_containing(["york"], catalogues) == []


def test_catalogues_containing_normalizes_values(tmp_path):
    cat = read_catalogue(write(tmp_path, "c.txt", f"{HINDI_NFC}\ncafé crème\n"))
    assert catalogues_containing([HINDI_RAW, f"{CAFE_RAW}  crème"], {"x": cat}) == ["x"]


def test_catalogues_containing_on_100k_entries(tmp_path):
    n = 100_000
    lines = [f"city {i} {HINDI_RAW}" for i in range(n)]
    big = read_catalogue(write(tmp_path, "big.txt", "\n".join(lines) + "\n"))
    assert len(big.entries) == n
    assert big.surface_values() is big.surface_values()  # computed once per catalogue
    synonyms = Catalogue(
        "synonyms",
        tuple(Entry((f"alias{i}",), canonical=("city", str(i), HINDI_NFC)) for i in range(n)),
    )
    catalogues = {"big": big, "synonyms": synonyms}
    queries = [f"city {i} {HINDI_RAW}" for i in range(0, n, 7)]
    assert catalogues_containing(queries, catalogues) == ["big", "synonyms"]
    assert catalogues_containing(["alias99999"], catalogues) == ["synonyms"]
    assert catalogues_containing([*queries, f"city {n} {HINDI_NFC}"], catalogues) == []


def test_a_catalogue_made_in_python_is_read_as_a_file_s_lines_are(caplog):
    made = Catalogue("made", [Entry("taylor swift"), Entry(("new  york",)), Entry(("rome",), 2)])
    assert [e.words for e in made.entries] == [("taylor", "swift"), ("new", "york"), ("rome",)]
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        merged = Catalogue("made", [Entry(("berlin",)), Entry(("berlin",)), Entry(("rome",))])
    assert len(merged.entries) == 2 and "duplicate value 'berlin' at entry 1" in caplog.text
    for entries, message in [
        ([Entry(("",))], "entry 0 has no words"),
        ([], "the catalogue is empty"),
        ([Entry(("a",), float("nan"))], "bad weight nan"),
        ([Entry(("a",), -1.0)], "bad weight -1.0"),
        ([Entry(("a",), float("inf"))], "bad weight inf"),
        (["a"], "entry 0 is 'a', not an Entry"),
        ("abc", "a list of Entry, not 'abc'"),
    ]:
        with pytest.raises(GrammarFstError, match=re.escape(message)):
            Catalogue("made", entries)


def test_every_catalogue_argument_takes_a_catalogue_a_file_or_values(tmp_path):
    (tmp_path / "artists.txt").write_text("dua lipa\nqueen\n", encoding="utf-8")
    grammar = gf.from_text("intent Play = play {artist}\nslot artist = abba\n")
    texts = lambda g: sorted(u.text for u in g.sample(5, unique=True))  # noqa: E731
    filed = texts(grammar.with_catalogue("artist", tmp_path / "artists.txt"))
    assert filed == ["play dua lipa", "play queen"]
    assert texts(grammar.with_catalogue("artist", ["dua lipa", "queen"])) == filed
    read = read_catalogue(tmp_path / "artists.txt")
    assert texts(grammar.with_catalogue("artist", read)) == filed
    with pytest.raises(UsageError, match="a Catalogue, a file or a list of values, not int"):
        grammar.with_catalogue("artist", 5)
    data = [Utterance("play abba", "Play", (SlotValue("artist", "abba", 5, 9),))] * 2
    for value in (read, str(tmp_path / "artists.txt"), ["dua lipa", "queen"]):
        out, _, _ = resample.resample(data, 3, catalogues={"artist": value})
        assert sorted(g.utterance.text for g in out) == ["play abba", "play dua lipa", "play queen"]
    result = gf.induce(data, catalogues={"artist": read})
    assert 'slot artist from "' in result.text()
    with pytest.raises(UsageError, match="names each catalogue's file"):
        gf.induce(data, catalogues={"artist": ["dua lipa"]})
