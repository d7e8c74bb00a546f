"""Inline synonyms (`lounge => "living room"`) and optional parts with a probability
(`x?<0.3>`): parsed, formatted back, compiled like catalogue synonyms, located errors."""

from __future__ import annotations

from collections import Counter

import pytest

import grammar_fst as gf
from grammar_fst.errors import GrammarError
from grammar_fst.grm import ast as g
from grammar_fst.grm import syntax

ROOMS = """\
intent Lights = turn on the light in the {room}
slot room = kitchen | (lounge | sitting room) => "living room" | den => study <2>
"""


def test_synonym_ast_and_round_trip():
    grammar = syntax.parse(ROOMS)
    options = grammar.slots["room"].body.options
    assert options[1].expr == g.Synonym(
        g.Alternation(
            (g.Option(g.Word("lounge")), g.Option(g.Sequence((g.Word("sitting"), g.Word("room")))))
        ),
        ("living", "room"),
    )
    assert options[2] == g.Option(g.Synonym(g.Word("den"), ("study",)), 2.0)
    assert syntax.parse(syntax.format_grammar(grammar)) == grammar


def test_synonym_is_sampled_as_written_and_recorded_canonical():
    compiled = gf.from_text(ROOMS)
    records = {u.text: u.slots[0] for u in compiled.all()}
    assert records["turn on the light in the sitting room"].value == "sitting room"
    assert records["turn on the light in the sitting room"].canonical == "living room"
    assert records["turn on the light in the lounge"].canonical == "living room"
    assert records["turn on the light in the den"].canonical == "study"
    assert records["turn on the light in the kitchen"].canonical is None
    parsed = compiled.parse("turn on the light in the lounge")
    assert parsed.slots[0].value == "lounge" and parsed.slots[0].canonical == "living room"
    assert compiled.parse("turn on the light in the living room") is None  # not a surface form
    assert compiled.counts() == ({"Lights": 4}, 4)


def test_synonym_weights_are_kept():
    compiled = gf.from_text(ROOMS)
    drawn = Counter(u.slots[0].value for u in compiled.sample(5000, seed=3))
    # kitchen 1, (lounge | sitting room) 1, den 2: den is half of the draws
    assert abs(drawn["den"] / 5000 - 0.5) < 0.03
    assert abs((drawn["lounge"] + drawn["sitting room"]) / 5000 - 0.25) < 0.03


def test_synonym_through_a_rule_inside_a_slot():
    compiled = gf.from_text(
        "$living = lounge | sitting room\n"
        'slot room = $living => "living room" | kitchen\n'
        "intent Go = go to the {room}\n"
    )
    assert compiled.parse("go to the sitting room").slots[0].canonical == "living room"


def test_catalogue_and_inline_synonyms_give_the_same_records(tmp_path):
    (tmp_path / "rooms.tsv").write_text(
        "value\tcanonical\nkitchen\t\nlounge\tliving room\nsitting room\tliving room\n"
    )
    (tmp_path / "cat.grm").write_text('intent Go = go to the {room}\nslot room from "rooms.tsv"\n')
    inline = gf.from_text(
        'intent Go = go to the {room}\nslot room = kitchen | lounge => "living room" '
        '| sitting room => "living room"\n'
    )
    catalogue = gf.load(tmp_path / "cat.grm")
    assert sorted(inline.all(), key=str) == sorted(catalogue.all(), key=str)


@pytest.mark.parametrize(
    "source, where, message",
    [
        (
            'intent A = go to the lounge => "living room"\n',
            (1, 29),
            "synonym outside a slot: intent A uses it",
        ),
        (
            '$r = lounge => "living room"\nintent A = go to the $r\nslot s = x\n',
            (1, 13),
            "intent A uses it through $r",
        ),
        ("slot s = lounge =>\nintent A = {s}\n", (1, 17), "'=>' needs the canonical value"),
        ("slot s = lounge => | x\nintent A = {s}\n", (1, 17), "'=>' needs the canonical value"),
        ("slot s = lounge => $r\n$r = x\nintent A = {s}\n", (1, 20), "plain words, not 'r'"),
        ("slot s = => x\nintent A = {s}\n", (1, 10), "empty alternative before '=>'"),
        ("slot s = a? => x\nintent A = {s}\n", (1, 1), "slot s can have an empty value"),
    ],
)
def test_synonym_errors_are_located(source, where, message):
    with pytest.raises(GrammarError) as caught:
        gf.from_text(source, name="g.grm")
    assert message in caught.value.message
    assert (caught.value.location.line, caught.value.location.col) == where


def test_optional_probability_ast_and_round_trip():
    grammar = syntax.parse("intent A = x?<0.3> [y z]<0.75> w? v [u]\n")
    items = grammar.intents["A"].body.items
    assert items[0] == g.Optional(g.Word("x"), probability=0.3)
    assert items[1] == g.Optional(g.Sequence((g.Word("y"), g.Word("z"))), probability=0.75)
    assert items[2] == g.Optional(g.Word("w")) and items[2].presence == 0.5
    assert syntax.format_expr(grammar.intents["A"].body) == "x?<0.3> [y z]<0.75> w? v u?"
    assert syntax.parse(syntax.format_grammar(grammar)) == grammar


def test_a_spaced_weight_after_an_optional_still_weighs_the_alternative():
    body = syntax.parse("intent A = a b? <3> | c\n").intents["A"].body
    assert body.options[0] == g.Option(g.Sequence((g.Word("a"), g.Optional(g.Word("b")))), 3.0)


def test_optional_probability_is_sampled():
    compiled = gf.from_text("intent A = please?<0.2> stop | go [now]<0.9>\n")
    drawn = Counter(u.text for u in compiled.sample(10000, seed=5))
    assert abs(drawn["please stop"] / (drawn["please stop"] + drawn["stop"]) - 0.2) < 0.02
    assert abs(drawn["go now"] / (drawn["go now"] + drawn["go"]) - 0.9) < 0.02


@pytest.mark.parametrize("text", ["0", "1", "1.5", "x"])
def test_optional_probability_must_be_strictly_between_0_and_1(text):
    with pytest.raises(GrammarError) as caught:
        syntax.parse(f"intent A = a b?<{text}>\n", "g.grm")
    assert caught.value.location.col == 16  # the "<"
    message = caught.value.message
    assert "strictly between 0 and 1" in message or "non-negative number" in message


def test_synonyms_survive_the_archive_and_cover(tmp_path):
    compiled = gf.from_text(ROOMS)
    compiled.write_far(tmp_path / "rooms.far")
    archived = gf.load(tmp_path / "rooms.far")
    assert archived.parse("turn on the light in the den").slots[0].canonical == "study"
    assert sorted(map(str, archived.all())) == sorted(map(str, compiled.all()))
    covered = list(compiled.sample(4, seed=1, cover=True))
    assert {u.slots[0].value for u in covered} == {"kitchen", "lounge", "sitting room", "den"}
    assert all(u == compiled.parse(u.text) for u in covered)
