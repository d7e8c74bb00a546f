"""The `.grm` parser and formatter: round trips, layout, quoting and scripts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from strategies import grammars

from grammar_fst.errors import GrammarError
from grammar_fst.grm import ast as g
from grammar_fst.grm import sources, syntax

GRAMMARS = Path(__file__).parent.parent / "grammars"


@settings(max_examples=300, deadline=None)
@given(grammars(max_leaves=10, catalogues=True, synonyms=True))
def test_format_then_parse_gives_the_same_ast(grammar):
    text = syntax.format_grammar(grammar)
    assert syntax.parse(text) == grammar


@pytest.mark.parametrize("path", sorted(GRAMMARS.glob("*.grm")), ids=lambda p: p.name)
def test_bundled_grammars_round_trip(path):
    grammar = sources.parse_file(path)
    assert syntax.parse(syntax.format_grammar(grammar)) == grammar


def test_toy_grammar_ast():
    grammar = sources.parse_file(GRAMMARS / "toy.grm")
    assert grammar.rules["some_more"].body == g.Alternation(
        (g.Option(g.Word("some")), g.Option(g.Word("more")))
    )
    assert grammar.intents["PlayMusic"].body == g.Sequence(
        (
            g.Word("play"),
            g.OptionalPart(g.RuleRef("some_more")),
            g.SlotRef("genre"),
            g.Word("music"),
        )
    )
    assert grammar.rules["some_more"].comment.startswith("toy.grm")


def test_continuation_lines_and_doc_comments():
    text = (
        "# header, separated by a blank line\n\n"
        "# the greeting\n"
        "intent Greet =\n"
        "    hello <3>\n"
        "  | good (morning | evening)   # trailing comment\n"
        "# not a doc comment: a statement follows only after a blank line\n\n"
        "$x = y\n"
    )
    grammar = syntax.parse(text)
    intent = grammar.intents["Greet"]
    assert intent.comment == "the greeting"
    assert [o.weight for o in intent.body.options] == [3.0, None]
    assert grammar.rules["x"].comment is None
    assert intent.loc.line == 4 and intent.loc.col == 1


def test_quoted_words_and_escapes():
    grammar = syntax.parse('intent Q = "what time" is it "?" "say \\"hi\\"" "a\\\\b"\n')
    words = [w.text for w in g.walk(grammar.intents["Q"].body) if isinstance(w, g.Word)]
    assert words == ["what", "time", "is", "it", "?", "say", '"hi"', "a\\b"]


@pytest.mark.parametrize(
    "line, col, char",
    [
        ("intent A = play\x01 music", 16, "0001"),  # in a bare word
        ('intent A = "play\x1b" music', 17, "001B"),  # in a quoted one
        ("intent A = a | b\x00c", 17, "0000"),
        ("intent A = x => y\x7f", 18, "007F"),  # on the output side
    ],
)
def test_a_control_character_in_a_word_is_an_error_at_it(line, col, char):
    with pytest.raises(GrammarError, match=f"control character \\(here U\\+{char}\\)") as err:
        syntax.parse(line + "\n", "g.grm")
    assert str(err.value).startswith(f"g.grm:1:{col}: ")


def test_white_space_of_any_kind_in_a_quoted_word_parts_it():
    grammar = syntax.parse('intent A = "living\troom" "a\x1cb"\n')
    words = [w.text for w in g.walk(grammar.intents["A"].body) if isinstance(w, g.Word)]
    assert words == ["living", "room", "a", "b"]


@pytest.mark.parametrize(
    "source, written",
    [
        # Thai words together, against a slot on either side, before a rule; a number and
        # a Latin word apart, as the sentences are spelled; a rule's name would take a
        # word after it in, so a space stays there
        (
            "ตั้ง นาฬิกา ปลุก {t} ครับ 5 โมง christie $r ปลุก",
            "ตั้งนาฬิกาปลุก{t}ครับ 5 โมง christie $r ปลุก",
        ),
        ("{t} の {t} を 見る", "{t}の{t}を見る"),
        # a space stays where the words together read as others: ยกเลิก, นาฬิกา, ตากลม
        ("ยก เลิก นา ฬิกา", "ยก เลิกนา ฬิกา"),
        ("ตา กลม ไป", "ตา กลมไป"),
        ("στη {t} play", "στη {t} play"),  # scripts written with spaces keep them
        ("a , $r {t} . 5", "a , $r {t} . 5"),  # and so do punctuation and digits
    ],
)
def test_words_are_written_together_where_their_script_writes_them_so(source, written):
    grammar = syntax.parse(f"$r = x\nslot t = a\nintent A = {source}\n")
    text = syntax.format_grammar(grammar)
    assert f"intent A = {written}\n" in text
    assert syntax.parse(text) == grammar  # the same words, read back


def test_words_in_any_script_are_nfc():
    decomposed = "cafe\u0301"
    grammar = syntax.parse(f"intent Hi = नमस्ते {decomposed} สวัสดี\n")
    words = [w.text for w in g.walk(grammar.intents["Hi"].body) if isinstance(w, g.Word)]
    assert words == ["नमस्ते", "café", "สวัสดี"]
    assert words[1] == "caf\u00e9"


def test_square_brackets_are_optional_groups():
    a = syntax.parse("intent A = x [y z]\n").intents["A"].body
    b = syntax.parse("intent A = x (y z)?\n").intents["A"].body
    y_z = g.Sequence((g.Word("y"), g.Word("z")))
    assert a == b == g.Sequence((g.Word("x"), g.OptionalPart(y_z)))


def test_repetition_forms():
    body = syntax.parse("intent A = x{2} y{0,3}\n").intents["A"].body
    assert body.items == (g.Repeat(g.Word("x"), 2, 2), g.Repeat(g.Word("y"), 0, 3))


def test_long_alternations_wrap_one_option_per_line():
    options = tuple(
        g.Option(g.Sequence((g.Word("option"), g.Word(f"number{i}")))) for i in range(12)
    )
    grammar = g.Grammar((g.Intent("Long", g.Alternation(options)),))
    text = syntax.format_grammar(grammar)
    assert text.count("\n  | ") == 11
    assert syntax.parse(text) == grammar


def test_hash_inside_a_word_is_part_of_it():
    body = syntax.parse("intent A = play c# minor # a comment\n").intents["A"].body
    assert [w.text for w in body.items] == ["play", "c#", "minor"]


def test_names_in_any_script():
    grammar = syntax.parse("$गाना = गीत\nintent गानाबजाओ = {शहर} $गाना\nslot शहर = दिल्ली\n")
    assert set(grammar.rules) == {"गाना"} and set(grammar.intents) == {"गानाबजाओ"}
    assert set(grammar.slots) == {"शहर"}


def test_from_text_refuses_imports():
    import grammar_fst as gf

    with pytest.raises(gf.GrammarError, match="use grammar_fst.load"):
        gf.from_text('import "x.grm"\nintent A = a\n')


def test_a_word_of_invisible_characters_before_a_token_is_no_token():
    """A line that starts with a zero-width space glued to a string (a fuzz case): the
    invisible word is dropped, so nothing is glued to it, and no IndexError escapes."""
    assert syntax.parse('intent A = \u200b"x"\n').statements[0].name == "A"
    with pytest.raises(GrammarError):
        syntax.parse('\u200b"x"\n')
    assert len(syntax.parse('intent A = x\n\u200b"y"\n').statements) == 1
