"""Marked word forms and the context gate's rules beyond its sides, on hand-made English
and Spanish data: a possessive or plural value kept out of places the data never puts
one, a word said twice across a slot edge, one value drawn for two slots; each blocked
and allowed swap with its reason, and the same bytes for a seed."""

from __future__ import annotations

from test_resample import utt

from grammar_fst.data import context as ctx
from grammar_fst.data import forms
from grammar_fst.data import resample as rs

# English: names take "'s" before what they own ("calendar", "agenda"), never at the end.
ENGLISH = [
    utt("Meet", "what is on [person : john's] calendar"),
    utt("Meet", "open [person : mary's] agenda"),
    utt("Meet", "call [person : john]"),
    utt("Meet", "text [person : mary]"),
    utt("Meet", "email [person : peter]"),
    utt("Meet", "ask [person : anna]"),
]

# Spanish: plural places ("busca ... cerca") and singular ones ("al ... hoy").
SPANISH = [
    utt("Ir", "busca [lugar : museos] cerca"),
    utt("Ir", "busca [lugar : parques] cerca"),
    utt("Ir", "llévame al [lugar : museo] hoy"),
    utt("Ir", "vamos al [lugar : parque] hoy"),
    utt("Ir", "quiero ir al [lugar : cine] hoy"),
]


def test_endings_are_learned_from_the_words_of_the_data():
    assert forms.endings(["john", "john's", "mary", "mary's", "call", "open"]) == {
        "john's": "'s",
        "mary's": "'s",
    }
    assert forms.endings(["museo", "museos", "parque", "parques", "hoy"]) == {
        "museos": "s",
        "parques": "s",
    }
    # one pair in a hundred words is no learned ending; stems are 3 characters or more
    words = ["song", "songs", *(f"w{i:03d}x" for i in range(98))]
    assert forms.endings(words) == {}
    assert forms.endings(["bus", "buss", "ab", "abs"]) == {"buss": "s"}


def test_an_ending_most_words_with_it_are_marked_with_marks_them_all():
    # "'s" leaves a word in two of three words ending with it: "greg's" is marked too
    assert forms.endings(["john", "john's", "mary", "mary's", "greg's"])["greg's"] == "'s"
    # "s" leaves a word in one of three: "news" and "bass" are not marked
    assert forms.endings(["song", "songs", "news", "bass"]) == {"songs": "s"}


def test_a_possessive_is_kept_out_of_the_end_of_a_sentence():
    gate = ctx.learn(ENGLISH)
    fit = gate.fit("person", "john's", "call", ctx.END)
    assert not fit
    assert [e.side for e in fit.blocked if e.side == ctx.FORM] == [ctx.FORM]
    assert "no value of person ending in -'s comes before the end of the sentence" in (
        gate.reason("person", fit)
    )
    assert gate.fit("person", "mary's", "on", "calendar")  # seen before "calendar"
    assert gate.fit("person", "john", "call", ctx.END)  # plain forms go anywhere
    out, _, _ = rs.resample(ENGLISH, 30, seed=4)
    for g in out:
        for slot in g.utterance.slots:
            if slot.value.endswith("'s"):
                assert g.utterance.text[slot.end :].split()[0] in {"calendar", "agenda"}


def test_a_plural_is_kept_out_of_a_singular_place_in_spanish():
    gate = ctx.learn(SPANISH)
    fit = gate.fit("lugar", "parques", "al", "hoy")
    assert not fit
    assert "no value of lugar ending in -s comes before 'hoy' in the data" in (
        gate.reason("lugar", fit)
    )
    assert gate.fit("lugar", "cine", "al", "hoy")
    assert ctx.FORM not in {e.side for e in gate.fit("lugar", "parques", "busca", "cerca").blocked}
    out, _, _ = rs.resample(SPANISH, 20, seed=1)
    assert not any(t.endswith("s hoy") for t in (g.utterance.text for g in out))
    again, _, _ = rs.resample(SPANISH, 20, seed=1)
    assert [g.utterance.annot_utt for g in again] == [g.utterance.annot_utt for g in out]


# A word said twice across a slot edge: "this this morning" is never said, "no no" is.
TWICE = [
    utt("Remind", "remind me this [part : evening]"),
    utt("Remind", "call me [part : this morning]"),
    utt("Remind", "wake me [part : tonight]"),
    utt("Remind", "no [answer : no] thanks"),
    utt("Remind", "say [answer : yes] thanks"),
    utt("Remind", "no no i said [answer : maybe]"),
]


def test_a_word_said_twice_across_an_edge_is_blocked_unless_the_data_says_it():
    gate = ctx.learn(TWICE, evidence=100.0)  # the sides block nothing at this evidence
    fit = gate.fit("part", "this morning", "this", ctx.END)
    assert [e.side for e in fit.blocked] == [ctx.REPEAT]
    assert gate.reason("part", fit) == "'this' would be said twice, which the data never does"
    assert gate.fit("part", "tonight", "this", ctx.END)
    assert gate.fit("answer", "no", "no", "thanks")  # the text says "no no"
    out, _, _ = rs.resample(TWICE, 12, seed=0, context=100.0)
    assert not any("this this" in g.utterance.text for g in out)


def test_one_value_is_not_drawn_for_two_slots_that_held_two():
    data = [
        utt("Invite", "invite [person : ann] and [person : bob]"),
        utt("Invite", "call [person : carl]"),
        utt("Invite", "text [person : dora]"),
        utt("Invite", "[person : eve] meets [person : eve]"),  # the same value, as written
    ]
    out, _, _ = rs.resample(data, 40, seed=5, context=None)
    pairs = [g for g in out if g.utterance.text.startswith("invite")]
    assert len(pairs) > 4
    assert all(len({s.value for s in g.utterance.slots}) == 2 for g in pairs)
    assert any(
        len({s.value for s in g.utterance.slots}) == 1 for g in out if "meets" in g.utterance.text
    )
