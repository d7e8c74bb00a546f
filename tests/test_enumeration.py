"""Every path of an intent (`Walker.every_path`): a catalogue enumerated once and combined
with each way to it gives what walking the network breadth first gives, to the bit, and
the breadth-first order where two paths say one sentence."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import grammars

from grammar_fst.fst import counting
from grammar_fst.fst.compiler import compile_grammar
from grammar_fst.model import CompiledGrammar, from_text
from grammar_fst.sampling import walker

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
W1_LIKE = "$some_more = some | more\nintent PlayMusic = play $some_more? {genre} music\n"


def by_sentence(enumeration: walker.Enumeration) -> dict[bytes, tuple]:
    """Per sentence (its hashes), the bytes of its summed probability and of its first
    path's labels: what sampling with `unique` takes from an enumeration."""
    sentence, first = enumeration.sentences()
    summed = np.bincount(sentence, enumeration.probability, minlength=len(first))
    walks = enumeration.walks(first)
    found = {}
    for k, (begin, end) in enumerate(zip(walks.begins().tolist(), walks.ends.tolist())):
        labels = (walks.ilabel[begin:end].tobytes(), walks.olabel[begin:end].tobytes())
        found[enumeration.words[first[k]].tobytes()] = (summed[k].tobytes(), labels)
    return found


def paths(enumeration: walker.Enumeration) -> list[tuple]:
    """Every path as the bytes of its labels, probability and hashes, in order."""
    walks = enumeration.walks(np.arange(len(enumeration.probability)))
    spans = zip(walks.begins().tolist(), walks.ends.tolist())
    return [
        (walks.ilabel[b:e].tobytes(), walks.olabel[b:e].tobytes(), p.tobytes(), w.tobytes())
        for (b, e), p, w in zip(spans, enumeration.probability, enumeration.words)
    ]


def every_catalogue_combined():
    """Any slot class or rule that enters nothing is combined, however small."""
    return mock.patch.object(walker, "COMBINED_ABOVE", 0)


@SETTINGS
@given(grammars(words=st.sampled_from(["a", "b", "c"]), comments=False, max_leaves=5))
def test_combined_paths_are_the_breadth_first_ones(grammar):
    compiled = CompiledGrammar(compile_grammar(grammar))
    derivations = counting.derivations(compiled.fsts)
    for intent in compiled.intents:
        assume(derivations[("intent", intent)] <= 3000)
        walk = compiled._walker
        plain = walk._breadth_first(intent)
        with every_catalogue_combined():
            combined = walk._combined(intent)
            chosen = walk.every_path(intent)
        assert by_sentence(chosen) == by_sentence(plain)
        if combined is None:
            continue
        assert sorted(paths(combined)) == sorted(paths(plain))  # the same paths, to the bit
        if len(combined.sentences()[1]) < len(combined.probability):
            assert paths(chosen) == paths(plain)  # several paths to a sentence: in order


@pytest.mark.parametrize("genres", ["a | b c | d", "a b | a | x y z | y"])
def test_a_slot_class_is_combined_with_the_ways_to_it(genres):
    grammar = from_text(W1_LIKE + f"slot genre = {genres}\n")
    walk = grammar._walker
    with every_catalogue_combined():
        combined = walk._combined("PlayMusic")
        assert combined is not None
        assert paths(walk.every_path("PlayMusic")) == paths(combined)  # taken as it is
    assert by_sentence(combined) == by_sentence(walk._breadth_first("PlayMusic"))
    assert len(combined.probability) == 3 * len(genres.split("|"))


def test_two_paths_to_one_sentence_come_in_breadth_first_order():
    grammar = from_text("$e = x?\n$f = $e $e\nintent A = go $f {s} | go {s} x\nslot s = x | y\n")
    walk = grammar._walker
    with every_catalogue_combined():
        combined = walk._combined("A")
        chosen = walk.every_path("A")
    assert combined is not None and len(combined.sentences()[1]) < len(combined.probability)
    assert paths(chosen) == paths(walk._breadth_first("A"))


def test_a_catalogue_of_more_choices_than_the_bound_is_combined(tmp_path):
    names = [f"n{k}" for k in range(walker.COMBINED_ABOVE + 1)]
    (tmp_path / "genres.txt").write_text("\n".join(names) + "\n")
    (tmp_path / "w.grm").write_text(W1_LIKE + 'slot genre from "genres.txt"\n')
    from grammar_fst.model import load

    walk = load(tmp_path / "w.grm")._walker
    assert walk._combined("PlayMusic") is not None
    small = from_text(W1_LIKE + "slot genre = pop | rock\n")._walker
    assert small._combined("PlayMusic") is None  # nothing to gain: walked breadth first
