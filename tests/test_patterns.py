"""Semantic patterns of a grammar on the network (sample --allocate): slot sets through
shared nested rules, probabilities and entropies against brute-force enumeration, the
restricted network, determinism; covering sentences through nested and deep rules."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest

import grammar_fst as gf
from grammar_fst.cli import parameters
from grammar_fst.fst import labels as lb
from grammar_fst.sampling import cover, patterns

# $place is shared by both intents; {city} is reached only through rules, {date} through
# a rule under an optional; $pick adds either slot or none, so it is specialized.
SHARED = """\
$city_part = in {city} | near {city} | around here
$when = {date} | now
$place = $city_part $when?
$pick = {city} | {date} | nothing
intent A = find $place
intent B = go $place | stay <2> | take $pick $pick
slot city = paris | rome | oslo
slot date = today | tomorrow
"""


def brute_force(grammar: gf.CompiledGrammar, intent: str) -> dict[tuple, tuple[float, float]]:
    """Per slot set, the probability of its derivations and the entropy (bits) of the
    derivations given the set, every path enumerated (slots expanded)."""
    enum = grammar._walker.every_path(intent)
    walks = enum.walks(np.arange(len(enum.probability)))
    opens = {grammar.fsts.symbols.find(lb.slot_open(s)): s for s in grammar.slots}
    by_set: dict[tuple, list[float]] = defaultdict(list)
    for begin, end, probability in zip(walks.begins(), walks.ends, enum.probability):
        slots = {opens[o] for o in walks.olabel[begin:end].tolist() if o in opens}
        by_set[tuple(sorted(slots))].append(float(probability))
    found = {}
    for slots, probabilities in by_set.items():
        p = np.array(probabilities)
        q = p / p.sum()
        found[slots] = (p.sum(), float(-(q * np.log2(q)).sum()))
    return found


def test_patterns_through_shared_nested_rules_match_enumeration():
    grammar = gf.from_text(SHARED)
    found = patterns.grammar_patterns(grammar.fsts, grammar._walker, ["A", "B"])
    names = [str(p.pattern) for p in found.patterns]
    assert names == [
        "A: (no slot)",
        "A: city",
        "A: city + date",
        "A: date",
        "B: (no slot)",
        "B: city",
        "B: city + date",
        "B: date",
    ]
    slot_h = {"city": math.log2(3), "date": 1.0}
    for intent in ("A", "B"):
        expected = brute_force(grammar, intent)
        mine = {p.pattern.slots: p for p in found.patterns if p.pattern.intent == intent}
        assert set(mine) == set(expected)
        assert sum(p.probability for p in mine.values()) == pytest.approx(1.0)
        for slots, (probability, full_entropy) in expected.items():
            assert mine[slots].probability == pytest.approx(probability)
            if intent == "A":  # each slot at most once: full entropy = carrier + slots
                assert mine[slots].complexity == pytest.approx(full_entropy)
                carrier = full_entropy - sum(slot_h[s] for s in slots)
                assert mine[slots].carrier_entropy == pytest.approx(carrier)


def test_entropies_by_hand_through_a_rule_under_an_optional():
    grammar = gf.from_text(SHARED)
    found = patterns.grammar_patterns(grammar.fsts, grammar._walker, ["A"])
    city = next(p for p in found.patterns if str(p.pattern) == "A: city")
    # in | near (1 bit), then $when? given no date: absent 2/3, "now" 1/3
    h_when = -(2 / 3 * math.log2(2 / 3) + 1 / 3 * math.log2(1 / 3))
    assert city.probability == pytest.approx(2 / 3 * 3 / 4)
    assert city.carrier_entropy == pytest.approx(1 + h_when)
    assert city.complexity == pytest.approx(1 + h_when + math.log2(3))


def test_restricted_network_keeps_exactly_its_pattern_and_its_mass():
    grammar = gf.from_text(SHARED)
    found = patterns.grammar_patterns(grammar.fsts, grammar._walker, ["A", "B"])
    for pattern in found.patterns:
        network = found.network([pattern.name])
        restricted = gf.CompiledGrammar(network, "restricted")
        walker = restricted._walker
        assert math.exp(walker.intent_log_mass[pattern.name]) == pytest.approx(pattern.probability)
        # the two ways to the entropy agree: the walk over the restricted network
        h = patterns.entropies(network, walker)[("intent", pattern.name)]
        assert h == pytest.approx(pattern.carrier_entropy)
        got = {tuple(sorted({s.slot for s in u.slots})) for u in restricted.sample(60, seed=3)}
        assert got == {pattern.pattern.slots}
        assert {u.intent for u in restricted.sample(5)} == {pattern.pattern.intent}
    # every rule that can add several slot sets is specialized once per set it must add
    found.network([p.name for p in found.patterns])
    specialized = sorted(n for n in found.network([]).rules if n not in grammar.fsts.rules)
    assert specialized == [
        "city_part (no slot)",
        "city_part city",
        "pick (no slot)",
        "pick city",
        "pick date",
        "place (no slot)",
        "place city",
        "place city + date",
        "place date",
        "when (no slot)",
        "when date",
    ]


def test_allocate_shares_are_complexities_and_sampling_is_deterministic(tmp_path):
    grammar = gf.from_text(SHARED)
    shares = grammar.allocation(100, ["A"], "entropy")
    assert sum(k for _, k in shares) == 100
    weights = {str(p.pattern): p.complexity for p, _ in shares}
    left = 100 - len(shares)  # one each first
    for p, k in shares:
        exact = 1 + left * weights[str(p.pattern)] / sum(weights.values())
        assert abs(k - exact) < 1
    first = [u.text for u in grammar.sample(100, seed=7, intents=["A"], allocate="entropy")]
    again = [u.text for u in grammar.sample(100, seed=7, intents=["A"], allocate="entropy")]
    assert first == again
    grammar.write_far(tmp_path / "g.far")
    archived = gf.load(tmp_path / "g.far")
    from_far = archived.sample(100, seed=7, intents=["A"], allocate="entropy")
    assert [u.text for u in from_far] == first


# -- covering through nested rules -----------------------------------------------------


def test_cover_reaches_every_alternative_of_nested_shared_rules():
    grammar = gf.from_text(SHARED)
    covering = list(grammar.sample(0, cover=True))
    text = " | ".join(u.text for u in covering)
    for words in ("in", "near", "around here", "now", "today", "nothing", "stay"):
        assert words in text
    assert {u.intent for u in covering} == {"A", "B"}


@pytest.mark.parametrize("bound", [False, True])
def test_cover_fills_a_catalogue_slot_with_a_value_of_it(tmp_path, bound):
    """A catalogue slot is walked in its class FST: it was walked from the intents'
    beginnings, and said a whole sentence ("llueve en llueve en bogotá")."""
    (tmp_path / "c.txt").write_text("madrid\nbogotá\n", encoding="utf-8")
    slot = "slot location = x" if bound else 'slot location from "c.txt"'
    (tmp_path / "g.grm").write_text(
        f"{slot}\nintent A = llueve en {{location}}\nintent B = hola\n", encoding="utf-8"
    )
    catalogues = {"location": str(tmp_path / "c.txt")} if bound else None
    grammar = gf.load(tmp_path / "g.grm", catalogues=catalogues)
    for seed in range(5):
        covering = list(grammar.sample(4, seed=seed, cover=True))
        said = [u for u in covering if u.intent == "A"]
        assert said and all(u.text in ("llueve en madrid", "llueve en bogotá") for u in said)
        assert all([s.value for s in u.slots] == [u.text[10:]] for u in said)


def chain(rules: int) -> str:
    """A chain of rules, each entering the next, the last with two alternatives."""
    lines = ["$r0 = a | b"] + [f"$r{i} = w{i % 7} $r{i - 1}" for i in range(1, rules)]
    return "\n".join([*lines, f"intent I = go $r{rules - 1}"]) + "\n"


def test_cover_follows_chains_of_rules_deeper_than_the_python_stack():
    grammar = gf.from_text(chain(1500))  # some 3,000 levels: over the default limit
    covering = list(grammar.sample(2, cover=True))
    assert sorted(u.text.split()[-1] for u in covering) == ["a", "b"]
    assert all(len(u.text.split()) == 1501 for u in covering)


def test_cover_refuses_a_chain_beyond_its_depth_with_a_located_error(monkeypatch):
    monkeypatch.setattr(cover, "MAX_DEPTH", 50)
    grammar = gf.from_text(chain(40), "chain.grm")
    with pytest.raises(gf.UsageError) as caught:
        list(grammar.sample(2, cover=True))
    assert str(caught.value) == (
        "chain.grm:41:1: `cover` follows intent I through rules nesting 82 levels deep, "
        "more than 50; sample it without `cover`"
    )
    assert parameters.error_line(caught.value) == (
        "chain.grm:41:1: --cover follows intent I through rules nesting 82 levels deep, "
        "more than 50; sample it without --cover"
    )


def shared_layers(layers: int, width: int) -> str:
    """Rules in layers, each with two alternatives entering two rules of the layer below
    and an optional word, as induction shares rules: 2**layers paths from the intent."""
    lines = [f"$r0_{i} = a{i} | b{i}" for i in range(width)]
    for layer in range(1, layers):
        for i in range(width):
            below, other = f"$r{layer - 1}_{i}", f"$r{layer - 1}_{(i + 1) % width}"
            lines.append(
                f"$r{layer}_{i} = x{layer}_{i} {below} | y{layer}_{i} [o{layer}_{i}] {other}"
            )
    tops = " | ".join(f"$r{layers - 1}_{i}" for i in range(width))
    return "\n".join([*lines, f"intent I = go ({tops})"]) + "\n"


def test_cover_uses_every_alternative_of_many_layers_of_shared_rules():
    text = shared_layers(40, 3)  # 2**40 paths: counting targets path by path never ends
    covering = list(gf.from_text(text).sample(0, seed=1, cover=True))
    used = {word for u in covering for word in u.text.split()}
    written = {word for word in text.split() if word.isalnum() and word not in {"go", "I"}}
    assert written - {"intent"} <= used
    assert len(covering) <= len(written)
