"""Walks on the unfolded network (sampling/unfolded.py) are the walks with a return stack:
the same choices for the same draws, read from buckets exactly as a search of the keys
finds them, and a network too large to unfold keeps the stack."""

from __future__ import annotations

import numpy as np
import pytest
from test_bulk_lines import BUNDLED, ODD, ROOT

import grammar_fst as gf
from grammar_fst.sampling import unfolded
from grammar_fst.sampling import walker as walker_module
from grammar_fst.sampling.unfolded import Buckets, unfold

NESTED = "\n".join(
    ["$r0 = x | y | z"]
    + [f"$r{k + 1} = $r{k} (and $r{k})?" for k in range(9)]
    + ["intent Say = say {thing} $r9", "slot thing = lamp | $r3"]
)


def _walks(grammar, seed: int, n: int = 3000):
    walker = grammar._walker
    starts = np.array([walker.intent_start[name] for name in grammar.intents] * n)
    walks = walker.walk(starts, np.random.default_rng(seed))
    return walks.ilabel.tolist(), walks.olabel.tolist(), walks.ends.tolist()


def _grammar(name: str):
    if name == "odd":
        return gf.from_text(ODD, "odd.grm")
    return gf.load(ROOT / "grammars" / f"{name}.grm")


@pytest.mark.parametrize("name", [*BUNDLED, "odd"])
def test_unfolded_walks_are_the_walks_with_a_stack(monkeypatch, name):
    unfolding = _grammar(name)
    walks = _walks(unfolding, 7)
    assert unfolding._walker._unfolded  # these grammars are small enough
    monkeypatch.setattr(walker_module, "unfold", lambda *args: None)
    stacked = _grammar(name)
    assert _walks(stacked, 7) == walks
    assert stacked._walker._unfolded is False


def test_a_network_too_large_to_unfold_keeps_the_stack(monkeypatch):
    grammar = gf.from_text(NESTED)
    walker = grammar._walker
    starts = list(walker.intent_start.values())
    assert unfold(walker, starts, limit=100) is None  # 4 times its choices are fewer
    whole = unfold(walker, starts)
    assert whole is not None and len(whole.emitted) > 4 * len(walker._emitted)
    walks = _walks(grammar, 3)
    assert grammar._walker._unfolded
    monkeypatch.setattr(unfolded, "LIMIT", 100)
    small = gf.from_text(NESTED)
    assert _walks(small, 3) == walks
    assert small._walker._unfolded is False


@pytest.mark.parametrize("name", ["music", "thai"])
def test_buckets_find_what_a_search_of_the_keys_finds(name):
    """Draws on and next to every bucket edge, and the largest draw, whose key may round
    up to the next state's."""
    grammar = gf.load(ROOT / "grammars" / f"{name}.grm")
    walker = grammar._walker
    starts = list(walker.intent_start.values())
    tables = [unfold(walker, starts).buckets]
    states = np.arange(walker.num_states())
    tables.append(Buckets.of(walker._keys, states, np.zeros_like(states)))
    for table in tables:
        per = table.per
        edges = np.arange(per) / per
        draws = np.concatenate(
            [edges, np.nextafter(edges, 0.0), np.nextafter(edges, 1.0), [1 - 2**-53]]
        )
        draws = draws[(draws >= 0) & (draws < 1)]
        state = np.repeat(np.arange(len(table.copied)), len(draws))
        u = np.tile(draws, len(table.copied))
        got = table.choose(walker._keys, state * per + (u * per).astype(np.int64), u)
        key = table.copied[state] + u
        expected = np.searchsorted(walker._keys, key, side="right") + table.shift[state]
        assert np.array_equal(got, expected)
