"""The syntax tree's nodes compare, hash and print by their fields, locations aside, as
dataclasses would (`grm.ast.Node` writes these once for every node)."""

from __future__ import annotations

import dataclasses

import pytest

from grammar_fst.errors import Location
from grammar_fst.grm import ast as g

HERE, THERE = Location("a.grm", 1, 1), Location("b.grm", 7, 3)


@pytest.mark.parametrize(
    "make",
    [
        lambda loc: g.Word("play", loc),
        lambda loc: g.Sequence((g.Word("a", loc), g.RuleRef("r", loc)), loc),
        lambda loc: g.Alternation((g.Option(g.Word("a", loc), 2.0), g.Option(g.SlotRef("s"))), loc),
        lambda loc: g.Repeat(g.Word("x", loc), 1, 3, loc),
        lambda loc: g.Intent("I", g.Word("go", loc), loc, comment="c"),
    ],
)
def test_a_node_equals_and_hashes_as_its_fields_do_wherever_it_was_written(make):
    here, there = make(HERE), make(THERE)
    assert here == there and hash(here) == hash(there)
    assert len({here, there}) == 1
    changed = dataclasses.replace(here, **{dataclasses.fields(here)[0].name: None})
    assert changed != here


def test_nodes_of_different_kinds_never_equal():
    assert g.RuleRef("x") != g.SlotRef("x")
    assert g.Rule("x", g.Word("a")) != g.Slot("x", g.Word("a"))
    assert g.Word("x") != ("x",)


def test_a_node_prints_its_shown_fields():
    assert repr(g.Word("play", HERE)) == "Word(text='play')"
    assert repr(g.OptionalPart(g.SlotRef("s"), probability=0.3)) == (
        "OptionalPart(expr=SlotRef(name='s'), probability=0.3)"
    )
    assert repr(g.Grammar((), "x.grm")) == "Grammar(statements=(), path='x.grm', language=None)"
