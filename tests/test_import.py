"""grammar-fst import: Chatette and Chatito templates and Alexa interaction models as
.grm grammars; the same language as Chatette itself gives; located messages for what
.grm cannot express."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst.cli.main import main
from grammar_fst.errors import GrammarError
from grammar_fst.grm import ast as g
from grammar_fst.grm import syntax
from grammar_fst.importers import import_grammar

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


def compiled(grammar: g.Grammar) -> gf.CompiledGrammar:
    """The imported grammar as written and read back, as a user gets it."""
    return gf.from_text(syntax.format_grammar(grammar))


def language(grammar: gf.CompiledGrammar) -> set[tuple]:
    """(text, intent, ((slot, meaning), ...)) of every sentence: the meaning is the
    canonical value of a synonym, else the value."""
    return {
        (u.text, u.intent, tuple((s.slot, s.canonical or s.value) for s in u.slots))
        for u in grammar.all()
    }


def chatette_language(template: Path, folder: Path) -> set[tuple]:
    """What Chatette 1.6.3 itself generates from `template` (all of it: no counts given)."""
    subprocess.run(
        [sys.executable, "-m", "chatette", str(template), "-o", str(folder / "out"), "-s", "1"]
        + ["-f", "-a", "rasa"],
        check=True,
        capture_output=True,
        cwd=folder,
    )
    data = json.loads((folder / "out" / "train" / "output.json").read_text())
    return {
        (
            " ".join(e["text"].split()),
            e["intent"],
            tuple(
                (x["entity"], x["value"]) for x in sorted(e["entities"], key=lambda x: x["start"])
            ),
        )
        for e in data["rasa_nlu_data"]["common_examples"]
    }


# -- Chatette ----------------------------------------------------------------------------


def test_chatette_import_says_what_chatette_says(tmp_path):
    expected = chatette_language(EXAMPLES / "lights.chatette", tmp_path)
    assert len(expected) == 44  # lights_on 15 + 10 + 10, lights_off 6 + 3
    assert language(compiled(import_grammar(EXAMPLES / "lights.chatette"))) == expected


def test_chatette_constructs_in_the_grammar():
    grammar = import_grammar(EXAMPLES / "lights.chatette")
    room = grammar.slots["room"].body
    assert g.Option(g.Synonym(g.Word("lounge"), ("living", "room"))) in room.options
    off = grammar.intents["lights_off"].body.options
    assert off[1].expr.items[-1] == g.OptionalPart(g.RuleRef("please"), probability=0.3)  # ?/30
    glued = g.Alternation((g.Option(g.Word("lights")), g.Option(g.Word("light"))))
    assert off[0].expr.items[-1] == glued  # light[s?]
    text = syntax.format_grammar(grammar)
    assert syntax.parse(text) == grammar


def test_chatette_glued_choice_keeps_its_probabilities(tmp_path):
    source = tmp_path / "t.chatette"
    source.write_text("%[a]\n    light[s?/20]\n")
    body = import_grammar(source).intents["a"].body
    assert body == g.Alternation((g.Option(g.Word("lights"), 0.2), g.Option(g.Word("light"), 0.8)))


def test_chatette_counts_are_left_out_with_a_located_warning(tmp_path, caplog):
    source = tmp_path / "t.chatette"
    source.write_text("%[greet](training: 10, testing: 2)\n    hello\n")
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        grammar = import_grammar(source)
    assert [u.text for u in compiled(grammar).all()] == ["hello"]
    assert f"{source}:1:9: intent 'greet': the annotation (training: 10, testing: 2)" in caplog.text


def test_chatette_include(tmp_path):
    (tmp_path / "common.chatette").write_text("~[hi]\n    hello\n    hi\n")
    (tmp_path / "main.chatette").write_text("|common.chatette\n%[greet]\n    ~[hi] there\n")
    assert {u.text for u in compiled(import_grammar(tmp_path / "main.chatette")).all()} == {
        "hello there",
        "hi there",
    }


# What Chatette 1.6.3 itself generates from these templates (run with a large count:
# every sentence), against the imported grammar's every sentence.
CHATETTE_SAYS = [
    (  # options that start with a space are words apart from the word they touch
        "%[a]\n    my name{'s/ is} John\n    it[ is|'s] fine\n    play music[ please?]\n"
        "    [I|we]['d| would?] like it\n",
        {"my name's John", "my name is John", "it is fine", "it's fine", "play music",
         "play music please", "I'd like it", "I like it", "I would like it", "we'd like it",
         "we like it", "we would like it"},
    ),
    (  # a reference followed by a choice that starts with a closing mark
        "%[a]\n    ~[hello][!?]\n    hi @[name][, nice to meet you?]\n~[hello]\n    hello\n"
        "@[name]\n    John\n",
        {"hello", "hello!", "hi John", "hi John, nice to meet you"},
    ),
    (  # an alias's variations: one of them, or all of them together
        "%[a]\n    ~[greet] there\n    ~[greet#formal], sir\n~[greet#formal]\n"
        "    good morning\n    good evening\n~[greet#casual]\n    hi\n",
        {"good evening there", "good evening, sir", "good morning there", "good morning, sir",
         "hi there"},
    ),
    (  # case generation of an intent, a choice and an alias
        "%[&greet]\n    ~[hi] there\n    [&i] want ~[&hi?]\n    [&i]['d| would] like\n"
        "~[hi]\n    hello\n    hey you\n",
        {"Hello there", "Hey you there", "I want", "I want Hello", "I want Hey you",
         "I want hello", "I want hey you", "I would like", "I'd like", "hello there",
         "hey you there", "i want", "i want Hello", "i want Hey you", "i want hello",
         "i want hey you", "i would like", "i'd like"},
    ),
]  # fmt: skip


@pytest.mark.parametrize("template, sentences", CHATETTE_SAYS)
def test_chatette_constructs_say_what_chatette_says(tmp_path, template, sentences):
    source = tmp_path / "t.chatette"
    source.write_text(template, encoding="utf-8")
    assert {u.text for u in compiled(import_grammar(source)).all()} == sentences


def test_chatette_slash_value_is_the_name_of_the_first_alias_or_word(tmp_path):
    """Chatette writes the value 'astronaut' for both, and 'pilot' for `pilot guy = /`."""
    source = tmp_path / "t.chatette"
    source.write_text(
        "%[a]\n    I am a @[job]\n@[job]\n    ~[astronaut] = /\n    pilot guy = /\n"
        "~[astronaut]\n    astronaut\n    cosmonaut\n"
    )
    said = {(u.text, u.slots[0].canonical) for u in compiled(import_grammar(source)).all()}
    assert said == {
        ("I am a astronaut", None),
        ("I am a cosmonaut", "astronaut"),
        ("I am a pilot guy", "pilot"),
    }


CHATETTE_ERRORS = [
    ("%[a]\n    hi @[&x]\n@[x]\n    y\n", (2, 8), "case generation (&) of a slot"),
    ("%[a]\n    hi\n@[&x]\n    y\n", (3, 3), "case generation (&) of a slot"),
    ("%[&a]\n    @[x] y\n@[x]\n    y\n", (2, 5), "text that starts with a slot"),
    ("%[a]\n    hi @[x]\n@[x]\n    [y|z] w = /\n", (4, 13), "'= /' names the value"),
    ("%[a]\n    hi[ ] x\n", (2, 7), "this choice says nothing"),
    ("%[a]\n    hi ~[x#v]\n~[x]\n    y\n", (2, 8), "alias ~[x#v] is used but never declared"),
    ("%[a]\n    hi @[x#v]\n@[x#v]\n    y\n", (2, 8), "variations of a slot (#name)"),
    ("%[a#v]\n    hi\n", (1, 3), "variations of an intent (#name)"),
    ("%[a]\n    hi ~[x$p]\n~[x]\n    y\n", (2, 11), "arguments ($name)"),
    ("%[a]\n    hi ~[x?n]\n~[x]\n    y\n", (2, 11), "named or opposite random generation"),
    ("%[a]\n    hi ~[x]\n", (2, 8), "alias ~[x] is used but never declared"),
    ("%[a]\n    hi @[x]s\n@[x]\n    y\n", (2, 8), "written against other text"),
    ("%[a]\n    hi %[b]\n%[b]\n    y\n", (2, 8), "a reference to an intent"),
    ("%[a]\n    hi [x|y\n", (2, 8), "this choice is never closed"),
    ("hello\n", (1, 1), "a line at column 1 declares"),
    ("    hello\n", (1, 5), "an indented rule outside any declaration"),
    ("%[a]\n    x\n%[a]\n    y\n", (3, 1), "intent 'a' is already defined at"),
    ("%[a]\n    x ~[r]\n~[r]\n    y ~[r]\n", (4, 7), "rule $r refers to itself"),
    ("%[a]\n    hi @[s]\n@[s]\n    x = \n", (4, 7), "'=' needs the slot value"),
]


# -- Chatito -----------------------------------------------------------------------------


def test_chatito_import():
    grammar = compiled(import_grammar(EXAMPLES / "greet.chatito"))
    said = {
        "": (),
        " Janis": (("name", "Janis"),),
        " Bob": (("name", "bob"),),
        " Bobby": (("name", "bob"),),
    }
    expected = {("yo", "greet", ())} | {
        (f"{hi}{name}{up}", "greet", slots)
        for hi in ("hi", "hey")
        for name, slots in said.items()
        for up in ("", " whats up")
    }
    assert language(grammar) == expected
    drawn = [u.text for u in grammar.sample(4000, seed=2)]
    assert abs(drawn.count("yo") / 4000 - 0.2) < 0.03  # *[20%]


CHATITO_ERRORS = [
    ("%[a]\n    hi @[x#v]\n@[x]\n    y\n", (2, 8), "slot variations (#name)"),
    ("%[a]\n    hi @[x]\n", (2, 8), "slot @[x] is used but never defined"),
    ("%[a]\n    hi ~[r]s\n~[r]\n    y\n", (2, 12), "written against other text"),
    ("%[a]\n    at ~[h]~[:]~[m]\n~[h]\n    1\n~[m]\n    30\n", (2, 16), "makes one word"),
    ("%[a]\n    *[80%] x\n    *[30%] y\n", (1, 1), "add up to more than 100%"),
    ("%[a]\n    *[20%] hi\n    *[2] hello\n", (3, 5), "mixes percentages (*[20%]) and weights"),
    ("%[a]\n    *[0] hi\n    hello\n", (2, 5), "a sentence probability must be more than 0"),
    ("hello\n", (1, 1), "a line at column 1 defines"),
    ("%[a]\n    play ~[pop music\n", (2, 10), "this reference is never closed"),
    ("%[a]\n    play @[genre music\n@[genre music]\n    x\n", (2, 10), "never closed"),
    ("%[a]\n    play ~[a?b] now\n", (2, 10), "never closed"),
    ("%[a](training: 2)\n    x\n", (1, 5), "write arguments ('key': 'value', ...)"),
    ("%[a]\n    hey ~[guys?]?\n~[guys]\n    guys\n", (2, 17), "Chatito writes a space"),
    ("%[a]\n    hello ~[x?]!\n", (2, 16), "'hey ~[guys?]?' says 'hey ?'"),
    ("%[a]\n    so (~[x?] now\n", (2, 8), "Chatito writes a space"),
]


@pytest.mark.parametrize(
    "suffix, source, where, message",
    [(".chatette", *case) for case in CHATETTE_ERRORS]
    + [(".chatito", *case) for case in CHATITO_ERRORS],
)
def test_template_errors_are_located(tmp_path, suffix, source, where, message):
    path = tmp_path / f"t{suffix}"
    path.write_text(source)
    with pytest.raises(GrammarError) as caught:
        import_grammar(path)
    assert message in caught.value.message
    assert (caught.value.location.line, caught.value.location.col) == where


def test_chatito_undefined_alias_glued_to_text_is_whole_words(tmp_path):
    path = tmp_path / "t.chatito"
    path.write_text("%[a]\n    ~[hi?]!\n")
    assert {u.text for u in compiled(import_grammar(path)).all()} == {"hi!", "!"}


def chatito_template(tmp_path, text: str) -> Path:
    path = tmp_path / "t.chatito"
    path.write_text(text)
    return path


def weights(grammar: g.Grammar, intent: str = "a") -> list[float | None]:
    return [option.weight for option in grammar.intents[intent].body.options]


# What Chatito 2.3.5 draws (its getVariationsFromEntity, 20000 draws) from these templates:
# a number without % is a weight; in the regular distribution, times the combinations.
@pytest.mark.parametrize("template, weighed, drawn", [
    ("%[a]('training': '1000')\n    *[2] first ~[x]\n    second ~[y]\n",
     [2, 1], {"first x": 0.665, "second y": 0.335}),
    ("%[a]\n    *[2] first ~[x]\n    second ~[y]\n~[y]\n    b\n    c\n    d\n",
     [2, 3], {"first x": 0.397, "second b": 0.204, "second c": 0.197, "second d": 0.203}),
    ("%[a]('distribution': 'even')\n    *[2] first ~[x]\n    second ~[y]\n~[y]\n    b\n"
     "    c\n    d\n", [2, 1],
     {"first x": 0.668, "second b": 0.111, "second c": 0.111, "second d": 0.110}),
    ("%[a]\n    *[20%] first ~[x]\n    second ~[y]\n    third\n~[y]\n    b\n    c\n"
     "    d\n", [0.2, 0.6, 0.2], {"first x": 0.195, "second b": 0.197, "second c": 0.195,
                                  "second d": 0.202, "third": 0.211}),
])  # fmt: skip
def test_chatito_sentences_are_drawn_as_chatito_draws_them(tmp_path, template, weighed, drawn):
    grammar = import_grammar(chatito_template(tmp_path, template))
    assert weights(grammar) == weighed
    sample = [u.text for u in compiled(grammar).sample(4000, seed=3)]
    for text, share in drawn.items():
        assert abs(sample.count(text) / 4000 - share) < 0.03, text


def test_chatito_optional_is_left_out_one_time_in_n_plus_one(tmp_path):
    # Chatito drew "hi" 0.169, "hi b|c|d" 0.166 to 0.173 each, "yo" 0.160, "yo e" 0.160
    path = chatito_template(
        tmp_path, "%[a]\n    hi ~[y?]\n    yo @[s?]\n~[y]\n    b\n    c\n    d\n@[s]\n    e\n"
    )
    grammar = import_grammar(path)
    hi, yo = (option.expr.items[1] for option in grammar.intents["a"].body.options)
    assert (hi.probability, yo.probability) == (0.75, None)  # 3/4; 1/2, written `?`
    sample = [u.text for u in compiled(grammar).sample(4000, seed=3)]
    assert abs(sample.count("hi") / 4000 - 1 / 6) < 0.03  # 4 combinations against 2
    assert abs(sample.count("yo") / 4000 - 1 / 6) < 0.03


SYNONYMS = """%[a]
    call @[name]
    ring @[name?] now
@[name]
    Janis
    ~[bob]
    ~[al] jr
    ~[ed]
~[bob]('synonym': 'true')
    Bob
    Bobby
~[al]('synonym': 'true')
    Al
~[ed]
    Ed
    Eddie
"""


def test_chatito_an_alias_is_a_synonym_when_it_says_so(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        grammar = compiled(import_grammar(chatito_template(tmp_path, SYNONYMS)))
    assert "grammar_fst" not in caplog.text  # the synonym argument is carried
    said = {  # what Chatito 2.3.5 generates: a synonym for ~[bob] alone, not ~[ed]
        "Al jr": "Al jr", "Bob": "bob", "Bobby": "bob", "Ed": "Ed", "Eddie": "Eddie",
        "Janis": "Janis",
    }  # fmt: skip
    assert language(grammar) == {("ring now", "a", ())} | {
        (text, "a", (("name", meaning),))
        for name, meaning in said.items()
        for text in (f"call {name}", f"ring {name} now")
    }


def test_chatito_arguments_say_what_becomes_of_them(tmp_path, caplog):
    path = chatito_template(
        tmp_path,
        "%[a]('training': '2', 'testing': '1', 'x': 'y')\n    @[d] ~[r]\n"
        "@[d]('entity': 'snips/datetime')\n    now\n"
        "~[r]('synonym': 'no', 'distribution': 'weighted')\n    r\n",
    )
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        import_grammar(path)
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        f"{path}:1:5: intent 'a': ('training': '2', 'testing': '1'): how many sentences "
        "Chatito writes, and how many of them for testing: left out (sample -n and "
        "--partition set how many, and sets)",
        f"{path}:1:5: intent 'a': ('x': 'y'): not read by Chatito: left out",
        f"{path}:3:5: slot 'd': ('entity': 'snips/datetime'): the slot's entity type in "
        "Chatito's Snips data: left out (records name the slot)",
        f"{path}:5:5: alias 'r': ('synonym': 'no'): no synonym (Chatito makes one of 'true' "
        "only)",
        f"{path}:5:5: alias 'r': ('distribution': 'weighted'): not a distribution Chatito "
        "knows ('regular' or 'even'): it draws as 'regular'",
    ]


GLUED = """%[greet]
    ~[hi], @[name]!
    (~[hi]) ok.
    ~[hi?]!
    light~[s?]!
@[name]
    Janis
    Bob
~[hi]
    hi
    hey
"""


def test_chatito_a_reference_touching_punctuation_is_said_as_chatito_says_it(tmp_path):
    grammar = compiled(import_grammar(chatito_template(tmp_path, GLUED)))
    assert language(grammar) == {  # what Chatito 2.3.5 generates
        ("!", "greet", ()), ("(hey) ok.", "greet", ()), ("(hi) ok.", "greet", ()),
        ("hey!", "greet", ()), ("hey, Bob!", "greet", (("name", "Bob"),)),
        ("hey, Janis!", "greet", (("name", "Janis"),)), ("hi!", "greet", ()),
        ("hi, Bob!", "greet", (("name", "Bob"),)), ("hi, Janis!", "greet", (("name", "Janis"),)),
        ("light!", "greet", ()), ("lights!", "greet", ()),
    }  # fmt: skip
    (u,) = (u for u in grammar.all() if u.text == "hi, Janis!")
    assert (u.slots[0].start, u.slots[0].end) == (4, 9)


def test_chatito_a_reference_never_closed_is_an_error_of_the_command(tmp_path, capsys):
    path = chatito_template(tmp_path, "%[a]\n    play ~[pop music\n")
    status, out, err = run(capsys, "import", path)
    assert (status, out) == (2, "")
    assert err.startswith(f"grammar-fst: error: {path}:2:10: this reference is never closed")


# -- Alexa -------------------------------------------------------------------------------


def test_alexa_intents_and_slot_types(tmp_path, capsys):
    out = tmp_path / "music.grm"
    status, _, err = run(capsys, "import", EXAMPLES / "music_model.json", "-o", out)
    assert status == 0 and "AMAZON.StopIntent has no sample utterances" in err
    grammar = gf.load(out)  # the model is outside tmp_path: its values are written there
    assert language(grammar) == {
        ("how loud is it", "GetVolume", ()),
        ("what is the volume", "GetVolume", ()),
        *(
            (f"{before}{song}{after}", "PlaySong", (("song", meaning),))
            for before, after in (("play ", ""), ("play ", " please"), ("put on ", ""))
            for song, meaning in (
                ("yesterday", "yesterday"),
                ("let it be", "let it be"),
                ("let it be song", "let it be"),
            )
        ),
    }
    assert 'slot song from "music.SONG.tsv"' in out.read_text()
    assert (tmp_path / "music.SONG.tsv").read_text() == (
        "value\tcanonical\nyesterday\t\nlet it be\t\nlet it be song\tlet it be\n"
    )
    assert f"wrote {tmp_path / 'music.SONG.tsv'}: 3 values" in err


def test_alexa_unknown_slot_is_located(tmp_path):
    model = json.loads((EXAMPLES / "music_model.json").read_text())
    intent = model["interactionModel"]["languageModel"]["intents"][1]
    intent["samples"].append("play {sang}")
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model, indent=2))
    with pytest.raises(GrammarError) as caught:
        import_grammar(path)
    assert "the sample names slot {sang}, which the intent does not declare" in str(caught.value)
    line = next(n for n, text in enumerate(path.read_text().split("\n"), 1) if "{sang}" in text)
    assert caught.value.location.line == line


def test_alexa_built_in_types_name_a_catalogue_to_write(tmp_path, caplog):
    path = tmp_path / "model.json"
    path.write_text(
        json.dumps(
            {
                "interactionModel": {
                    "languageModel": {
                        "intents": [
                            {
                                "name": "Weather",
                                "slots": [{"name": "city", "type": "AMAZON.City"}],
                                "samples": ["weather in {city}"],
                            }
                        ]
                    }
                }
            }
        )
    )
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        grammar = import_grammar(path)
    assert grammar.slots["city"].body == g.CatalogueRef("AMAZON.City.txt")
    assert "built-in type AMAZON.City" in caplog.text
    (tmp_path / "AMAZON.City.txt").write_text("paris\nlima\n")
    (tmp_path / "w.grm").write_text(syntax.format_grammar(grammar))
    assert gf.load(tmp_path / "w.grm").counts()[1] == 2


def test_alexa_a_second_intent_of_one_name_is_refused_where_it_is(tmp_path, capsys):
    path = alexa_model(tmp_path, {"intents": [
        {"name": "Play", "samples": ["play"]}, {"name": "Stop", "samples": ["stop"]},
        {"slots": [], "samples": ["play it"], "name": "Play"}]})  # fmt: skip
    status, _, err = run(capsys, "import", path)
    lines = path.read_text().split("\n")
    first, second = (n for n, line in enumerate(lines, 1) if '"name": "Play"' in line)
    col = lines[second - 1].index('"Play"') + 1
    assert status == 2
    assert err == (
        f"grammar-fst: error: {path}:{second}:{col}: intent Play is already defined at "
        f"{path}:{first}:{col}, and Alexa refuses two intents of one name: rename one\n"
    )


@pytest.mark.parametrize("intent, said", [
    ({"name": "A", "slots": 5, "samples": ["x"]}, "intents[0].slots should be a list"),
    ({"name": "A", "samples": "play it"}, "intents[0].samples should be a list"),
    ({"name": "A", "slots": [{"name": "s", "type": "T", "samples": {}}], "samples": ["x"]},
     "intents[0].slots[0].samples should be a list"),
    ({"name": "A", "slots": [{"name": "s"}], "samples": ["play {s}"]},
     "slot s has no type; Alexa requires one"),
])  # fmt: skip
def test_alexa_a_model_of_the_wrong_shape_is_a_located_error(tmp_path, capsys, intent, said):
    path = alexa_model(tmp_path, {"intents": [intent]})
    status, out, err = run(capsys, "import", path)
    assert (status, out) == (2, "")
    assert re.fullmatch(rf"grammar-fst: error: {re.escape(str(path))}:\d+:\d+: "
                        rf"{re.escape(said)}\n", err)  # fmt: skip


def test_alexa_a_slot_written_with_spaces_in_its_braces(tmp_path):
    language = json.loads(json.dumps(COFFEE))
    language["intents"][0]["samples"] = ["a { size } coffee"]
    grammar = compiled(import_grammar(alexa_model(tmp_path, language)))
    assert "a large coffee" in {u.text for u in grammar.all()}


# -- the command -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lights.chatette", "greet.chatito"])
def test_the_docs_show_the_fixtures_as_they_are(name):
    page = (EXAMPLES.parent / "docs" / "importing.md").read_text()
    assert (EXAMPLES / name).read_text() in page


def test_import_to_standard_output_and_bad_input(tmp_path, capsys):
    status, out, err = run(capsys, "import", EXAMPLES / "greet.chatito")
    assert status == 0 and out.startswith("# Imported by grammar-fst from greet.chatito.")
    assert syntax.parse(out).intents["greet"]
    (tmp_path / "x.txt").write_text("hi\n")
    status, _, err = run(capsys, "import", tmp_path / "x.txt")
    assert status == 2 and "cannot tell what to import" in err
    (tmp_path / "bad.chatito").write_bytes(b"%[a]\n    caf\xe9\n")
    status, _, err = run(capsys, "import", tmp_path / "bad.chatito", "-o", tmp_path / "o.grm")
    assert status == 2 and "bad.chatito:2:" in err and "UTF-8" in err
    assert not (tmp_path / "o.grm").exists()




def test_intent_and_slot_names_are_kept_verbatim(tmp_path, caplog):
    path = tmp_path / "t.chatette"
    path.write_text(
        "%[alarm/set alarm]\n    switch @[the room] on ~[please]\n@[the room]\n    hall\n"
        "~[please]\n    please\n"
    )
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        grammar = import_grammar(path)
        (u,) = compiled(grammar).all()
    assert u.intent == "alarm/set alarm" and u.slots[0].slot == "the room"
    assert 'intent "alarm/set alarm" = switch {"the room"} on $please' in syntax.format_grammar(
        grammar
    )
    assert "grammar_fst" not in caplog.text  # nothing renamed, nothing to say


def test_a_name_no_grammar_can_hold_is_refused_where_it_is(tmp_path):
    path = tmp_path / "t.chatette"
    path.write_text("%[a]\n    switch @[room\t2] on\n@[room\t2]\n    hall\n")
    with pytest.raises(GrammarError, match=r"control character \(here U\+0009\)") as err:
        import_grammar(path)
    assert str(err.value).startswith(f"{path}:2:12: ")


@pytest.mark.parametrize("sample, said", [
    ("hum {song", "a '{' that no '}' closes"), ("hum song}", "a '}' that no '{' opens"),
])  # fmt: skip
def test_alexa_a_brace_without_its_pair_is_located(tmp_path, sample, said):
    model = json.loads((EXAMPLES / "music_model.json").read_text())
    model["interactionModel"]["languageModel"]["intents"][1]["samples"].append(sample)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model, indent=2))
    with pytest.raises(GrammarError, match=re.escape(said)) as caught:
        import_grammar(path)
    line = next(n for n, text in enumerate(path.read_text().split("\n"), 1) if sample in text)
    assert caught.value.location.line == line


def alexa_model(tmp_path: Path, language: dict, name: str = "model.json") -> Path:
    """An interaction model with this languageModel, written as Alexa's tools write it
    (indented: each sample on a line of its own)."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"interactionModel": {"languageModel": language}}, indent=2))
    return path


def place_of(path: Path, text: str) -> tuple[int, int]:
    """The line and column where `text` first is in the file."""
    lines = path.read_text().split("\n")
    line = next(n for n, line in enumerate(lines, 1) if text in line)
    return line, lines[line - 1].index(text) + 1


def test_alexa_a_custom_type_the_model_lacks_is_a_located_error(tmp_path, capsys):
    path = alexa_model(tmp_path, {
        "intents": [{"name": "A", "slots": [{"name": "x", "type": "Tune"}],
                     "samples": ["play {x}"]}],
        "types": [{"name": "Song", "values": [{"name": {"value": "yesterday"}}]}],
    })  # fmt: skip
    status, out, err = run(capsys, "import", path, "-o", tmp_path / "a.grm")
    line, col = place_of(path, '"Tune"')
    assert (status, out) == (2, "")
    assert err == (
        f"grammar-fst: error: {path}:{line}:{col}: slot x has the type Tune, which the model "
        "does not define (its types: Song); define it in interactionModel.languageModel.types, "
        "as Alexa requires\n"
    )
    assert not (tmp_path / "a.grm").exists()


def test_alexa_a_built_in_type_the_model_extends_says_its_own_values_are_not_there(
    tmp_path, capsys
):
    path = alexa_model(tmp_path, {
        "intents": [{"name": "Weather", "slots": [{"name": "city", "type": "AMAZON.City"}],
                     "samples": ["weather in {city}"]}],
        "types": [{"name": "AMAZON.City", "values": [{"name": {"value": "springfield"}}]}],
    })  # fmt: skip
    status, _, err = run(capsys, "import", path, "-o", tmp_path / "w.grm")
    line, col = place_of(path, '"weather in {city}"')
    assert status == 0
    assert (
        f"grammar-fst: warning: {path}:{line}:{col}: slot city has the built-in type "
        "AMAZON.City, which the model extends: only the model's values are imported, not the "
        "built-in's own (Alexa's, not in the model); to have them, write a catalogue with "
        "both and bind it with --catalogue city=FILE, or name it in the grammar's 'slot city "
        "from' line\n"
    ) in err
    assert {u.text for u in gf.load(tmp_path / "w.grm").all()} == {"weather in springfield"}
    (tmp_path / "cities.txt").write_text("springfield\nparis\n")
    status, out, _ = run(capsys, "count", tmp_path / "w.grm", "--catalogue",
                         f"city={tmp_path / 'cities.txt'}")  # fmt: skip
    assert (status, out) == (0, "Weather\t2\ntotal\t2\n")


COFFEE = {
    "intents": [{
        "name": "OrderCoffee",
        "slots": [{"name": "size", "type": "SIZE", "samples": ["{size}", "make it {size}"]}],
        "samples": ["order a coffee", "a {size} coffee please"],
    }],
    "types": [{"name": "SIZE", "values": [
        {"name": {"value": "small"}}, {"name": {"value": "large", "synonyms": ["big"]}}]}],
}  # fmt: skip


def test_alexa_slot_samples_are_sentences_of_their_intent(tmp_path, capsys):
    """What users answer when Alexa asks for a slot is the intent's, with that slot filled."""
    path = alexa_model(tmp_path, COFFEE)
    status, _, err = run(capsys, "import", path, "-o", tmp_path / "coffee.grm")
    assert status == 0 and "warning" not in err
    text = (tmp_path / "coffee.grm").read_text()
    assert "| $OrderCoffee_size <2>\n" in text  # two samples: weighed as two
    assert (
        "# samples of slot size: what users answer when asked for it\n"
        "$OrderCoffee_size = {size} | make it {size}\n"
    ) in text
    grammar = gf.load(tmp_path / "coffee.grm")
    sizes = (("small", "small"), ("large", "large"), ("big", "large"))
    assert language(grammar) == {("order a coffee", "OrderCoffee", ())} | {
        (sentence.format(said), "OrderCoffee", (("size", meant),))
        for sentence in ("a {} coffee please", "{}", "make it {}")
        for said, meant in sizes
    }
    drawn = [u.text for u in grammar.sample(4000, seed=1)]
    assert abs(drawn.count("order a coffee") / 4000 - 0.25) < 0.03  # each sample as likely


def test_alexa_a_slot_sample_naming_an_undeclared_slot_is_located(tmp_path):
    language = json.loads(json.dumps(COFFEE))
    language["intents"][0]["slots"][0]["samples"].append("a {cup} one")
    path = alexa_model(tmp_path, language)
    with pytest.raises(GrammarError, match=re.escape("names slot {cup}, which the intent")) as e:
        import_grammar(path)
    line, col = place_of(path, '"a {cup} one"')
    assert (e.value.location.line, e.value.location.col) == (line, col + 3)


def test_alexa_import_into_another_folder_compiles_there(tmp_path, monkeypatch, capsys):
    """The grammar may read only its own folder tree (docs/security.md): a model outside
    it has its types' values written beside the grammar, which compiles as written."""
    monkeypatch.chdir(tmp_path)
    alexa_model(tmp_path, COFFEE, "skill/model.json")
    (tmp_path / "other" / "folder").mkdir(parents=True)
    status, _, err = run(capsys, "import", "skill/model.json", "-o", "other/folder/out.grm")
    assert status == 0
    assert "wrote other/folder/out.SIZE.tsv: 3 values\nwrote other/folder/out.grm: " in err
    assert 'slot size from "out.SIZE.tsv"' in Path("other/folder/out.grm").read_text()
    status, _, err = run(capsys, "compile", "other/folder/out.grm", "-o", "out.far")
    assert status == 0, err
    status, out, _ = run(capsys, "parse", "out.far", "make it big")
    assert status == 0 and '"canonical": "large"' in out
    status, out, _ = run(capsys, "sample", "other/folder/out.grm", "--all")
    assert (status, len(out.splitlines())) == (0, 10)


def test_alexa_a_model_in_the_grammars_folder_tree_stays_the_catalogue(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    alexa_model(tmp_path, COFFEE, "skill/model.json")
    status, _, _ = run(capsys, "import", "skill/model.json", "-o", "coffee.grm")
    assert status == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["coffee.grm", "skill"]
    assert 'slot size from "skill/model.json#SIZE"' in Path("coffee.grm").read_text()
    assert run(capsys, "count", "coffee.grm")[:2] == (0, "OrderCoffee\t10\ntotal\t10\n")
    monkeypatch.chdir(tmp_path / "skill")
    status, out, err = run(capsys, "import", "model.json")
    assert status == 0 and 'slot size from "model.json#SIZE"' in out and "warning" not in err


def test_alexa_a_grammar_on_standard_output_says_when_it_cannot_read_the_model(
    tmp_path, monkeypatch, capsys
):
    path = alexa_model(tmp_path, COFFEE, "skill/model.json")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    status, out, err = run(capsys, "import", path)
    assert status == 0 and 'slot size from "../skill/model.json#SIZE"' in out
    assert err.startswith(
        f"grammar-fst: warning: {path}: the model is outside the current folder, which a "
        "grammar written to standard output reads its catalogues from: give compile "
        "--allow-path with the model's folder, or import with -o OUT.grm to write its slot "
        "values beside the grammar\n"
    )
    assert list(Path().iterdir()) == []  # nothing written but the grammar


def test_alexa_a_bad_value_of_a_type_to_write_leaves_nothing_written(tmp_path, capsys):
    language = json.loads(json.dumps(COFFEE))
    language["types"][0]["values"].append({"name": {"value": " "}})
    path = alexa_model(tmp_path, language, "skill/model.json")
    (tmp_path / "out").mkdir()
    status, _, err = run(capsys, "import", path, "-o", tmp_path / "out" / "a.grm")
    assert status == 2 and "types[0].values[2].name.value is empty" in err
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("language, said", [
    ({"intents": [{"name": "A", "slots": [{"name": "x", "type": "T"}], "samples": ["play {x}"]}],
      "types": [{"name": "T", "values": []}]}, "slot type 'T' is empty"),
    ({"intents": [{"name": "A", "samples": []}]},
     "nothing to import: the model has no intent with a sentence"),
])  # fmt: skip
def test_alexa_a_model_nothing_could_sample_is_refused_on_import(tmp_path, language, said):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"interactionModel": {"languageModel": language}}))
    with pytest.raises(gf.GrammarFstError, match=re.escape(said)):
        import_grammar(path)


# -- what every import checks -------------------------------------------------------------

EMPTY = [
    ("t.chatette", ""),
    ("t.chatette", "// only a comment\n\n   \n; and an old-style one\n"),
    ("t.chatette", "~[hi]\n    hello\n@[name]\n    Janis\n"),  # no intent
    ("t.chatito", "// a comment\n# another\n\n"),
    ("t.chatito", "~[hi]\n    hello\n"),
    ("model.json", json.dumps({"interactionModel": {"languageModel": {"intents": []}}})),
]


@pytest.mark.parametrize("name, text", EMPTY)
def test_a_template_without_an_intent_is_refused(tmp_path, capsys, name, text):
    path = tmp_path / name
    path.write_text(text)
    status, out, err = run(capsys, "import", path, "-o", tmp_path / "out.grm")
    what = "model" if name.endswith(".json") else "template"
    assert (status, out) == (2, "")
    assert err == (
        f"grammar-fst: error: {path}: nothing to import: the {what} has no intent with a "
        "sentence\n"
    )
    assert not (tmp_path / "out.grm").exists()


CONTROL = [
    ("t.chatette", "%[a]\n    say he\x00llo\n", (2, 9), "U+0000 in 'he\\x00llo'"),
    ("t.chatette", "%[a]\n    in @[room]\n@[room]\n    hall = big\x1bhall\n", (4, 10), "U+001B"),
    ("t.chatito", "%[a]\n    say ~[hi\x07]\n", (2, 9), "U+0007 in 'hi\\x07'"),
    ("t.chatito", "%[a]\n    say \x7f\n", (2, 9), "U+007F"),
    ("model.json", json.dumps({"interactionModel": {"languageModel": {"intents": [
        {"name": "A", "samples": ["say it", "say he\x00llo"]}]}}}), (1, 94), "U+0000"),
]  # fmt: skip


@pytest.mark.parametrize("name, text, where, said", CONTROL)
def test_a_control_character_in_a_word_is_refused_where_it_is(
    tmp_path, capsys, name, text, where, said
):
    path = tmp_path / name
    path.write_text(text)
    status, out, err = run(capsys, "import", path, "-o", tmp_path / "out.grm")
    assert (status, out) == (2, "")
    assert err.startswith(
        f"grammar-fst: error: {path}:{where[0]}:{where[1]}: a word cannot hold a control "
        f"character (here {said}"
    )
    assert err.endswith("); remove it from the template\n") and err.count("\n") == 1
    assert not (tmp_path / "out.grm").exists()
