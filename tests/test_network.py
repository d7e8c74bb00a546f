"""The compiled network: each rule compiled once however often it is used, probabilities
through nested shared rules, and archives that are checked as networks when read."""

from __future__ import annotations

from collections import Counter

import pynini
import pytest
from test_sampling import CRITICAL, chi_square

import grammar_fst as gf
from grammar_fst.fst import far, labels, openfst
from grammar_fst.fst.compiler import CompiledFsts, flat_size

WORDS = " | ".join(f"a{i} b{i} c{i}" for i in range(50))


def _uses(n: int) -> str:
    """A rule of 50 three-word options used by `n` alternatives of one intent."""
    options = " | ".join(f"x{i} $r y{i}" for i in range(n))
    return f"$r = {WORDS}\nintent A = {options}\n"


def test_a_rule_used_a_thousand_times_is_compiled_once():
    once, thousand = gf.from_text(_uses(1)).fsts, gf.from_text(_uses(1000)).fsts
    assert list(thousand.rules) == ["r"]
    assert thousand.rules["r"].num_states() == once.rules["r"].num_states()
    # the intent grows by a few states per use, not by a copy of the rule per use
    grown = thousand.states() - once.states()
    assert grown <= 4 * 1000 < 1000 * once.rules["r"].num_states()
    # flattened, the same grammar would hold a copy of the rule per use
    assert flat_size(thousand, "A") >= 1000 * once.rules["r"].num_states()


def test_shared_rules_nested_deep_compile_in_linear_size():
    lines = ["$r0 = a | b"] + [f"$r{i} = $r{i - 1} $r{i - 1} | x{i}" for i in range(1, 41)]
    grammar = gf.from_text("\n".join(lines) + "\nintent I = $r40\n")
    assert len(grammar.fsts.rules) == 41 and grammar.fsts.states() < 41 * 10
    assert flat_size(grammar.fsts, "I") > 2**40  # what copying every use would build


def test_probabilities_through_nested_shared_rules():
    grammar = gf.from_text(
        "$det = the <3> | a\n"
        "$thing = $det box | $det cup <3>\n"
        "$pair = $thing and $thing | $thing <2>\n"
        "intent A = take $pair | take $det lid\n"
    )
    det = {"the": 0.75, "a": 0.25}
    thing = {f"{d} {o}": det[d] * p for d in det for o, p in (("box", 0.25), ("cup", 0.75))}
    expected: dict[str, float] = {}
    for t, p in thing.items():
        expected[f"take {t}"] = 0.5 * (2 / 3) * p
        for u, q in thing.items():
            expected[f"take {t} and {u}"] = 0.5 * (1 / 3) * p * q
    for d, p in det.items():
        expected[f"take {d} lid"] = 0.5 * p
    assert abs(sum(expected.values()) - 1) < 1e-9
    n = 40_000
    observed = Counter(u.text for u in grammar.sample(n, seed=5))
    assert set(observed) <= set(expected)
    common = {k: p for k, p in expected.items() if n * p >= 20}  # rare ones pooled
    pooled = Counter({k: observed[k] for k in common})
    if len(common) < len(expected):
        common["rest"] = 1 - sum(common.values())
        pooled["rest"] = n - sum(pooled.values())
    statistic = chi_square(pooled, common, n)
    assert statistic < critical(len(common) - 1), statistic


def critical(df: int) -> float:
    """The chi-square value at p = 0.001 for `df` degrees of freedom (Wilson and
    Hilferty's approximation; CRITICAL holds the exact small ones)."""
    if df in CRITICAL:
        return CRITICAL[df]
    z = 3.0902  # the normal quantile at 0.999
    return df * (1 - 2 / (9 * df) + z * (2 / (9 * df)) ** 0.5) ** 3


def test_a_rule_that_can_say_nothing_gives_each_reading_once():
    grammar = gf.from_text("$maybe = a?\nintent A = go $maybe?\n")
    assert sorted(u.text for u in grammar.all()) == ["go", "go a"]
    assert grammar.count() == 2


def test_same_seed_same_bytes_from_grm_and_far(tmp_path):
    source = tmp_path / "g.grm"
    source.write_text(
        "$det = the | a\n$thing = $det box | $det cup\n"
        "intent A = take $thing {n}\nslot n = one | two\n",
        encoding="utf-8",
    )
    compiled = gf.load(source)
    compiled.write_far(tmp_path / "g.far")
    loaded = gf.load(tmp_path / "g.far")
    assert list(loaded.sample(300, seed=9)) == list(compiled.sample(300, seed=9))
    assert loaded.fsts.rules.keys() == compiled.fsts.rules.keys() == {"det", "thing"}


# archives of the previous layout, and hand-made hostile networks


def _write_unchecked(fsts: CompiledFsts, path, monkeypatch, version: int = far.VERSION):
    """Write `fsts` as an archive without the network check, as a hostile writer would."""
    with monkeypatch.context() as patched:
        patched.setattr(far, "network_problem", lambda fsts: None)
        patched.setattr(far, "VERSION", version)
        far.write_far(fsts, path)


def test_an_archive_of_the_previous_layout_says_recompile(tmp_path, monkeypatch, capsys):
    from grammar_fst.cli.main import main

    fsts = gf.from_text("intent A = a | b\n").fsts
    old = tmp_path / "old.far"
    with monkeypatch.context() as patched:
        patched.setattr(far, "VERSION", 1)
        patched.setattr(far, "read_far", lambda path: None)  # the writer's own read-back
        far.write_far(fsts, old)
    assert main(["sample", str(old)]) == 2
    err = capsys.readouterr().err
    assert "archive format version 1 is not 2" in err and "recompile it" in err
    assert err.count("\n") == 1


def _toy() -> CompiledFsts:
    return gf.from_text("$x = a | b\nintent A = go $x {s}\nslot s = one | two\n").fsts


def _with_arc(fst: pynini.Fst, state: int, ilabel: int, olabel: int, nextstate: int):
    fst = fst.copy()
    fst.add_arc(state, pynini.Arc(ilabel, olabel, pynini.Weight.one("log"), nextstate))
    return fst


def _hostile_cases():
    def cyclic(fsts):
        intent = fsts.intents["A"]
        last = intent.num_states() - 1
        fsts.intents["A"] = _with_arc(intent, last, fsts.symbols.find("go"), 0, 1)

    def outside_the_table(fsts):
        fsts.rules["x"] = _with_arc(fsts.rules["x"], 0, 10_000, 10_000, 1)

    def ghost_class(fsts):
        ghost = fsts.symbols.add_symbol(labels.slot_class("ghost"))
        fsts.rules["x"] = _with_arc(fsts.rules["x"], 0, ghost, ghost, 1)

    def no_intent_tag(fsts):
        fsts.intents["A"] = gf.from_text("intent B = go\n").fsts.intents["B"]

    def negative_weight(fsts):
        rule = fsts.rules["x"].copy()
        rule.set_final(rule.num_states() - 1, pynini.Weight("log", -5.0))
        fsts.rules["x"] = rule

    def rule_enters_itself(fsts):
        itself = fsts.symbols.find(labels.rule_call("x"))
        fsts.rules["x"] = _with_arc(fsts.rules["x"], 0, itself, itself, 1)

    return [
        (cyclic, "intent A has a cycle"),
        (outside_the_table, "rule x has a label outside the symbol table"),
        (ghost_class, "enters class ghost, which the archive lacks"),
        (no_intent_tag, "intent A"),
        (negative_weight, "rule x has weights that are not probabilities"),
        (rule_enters_itself, "rule x enters itself"),
    ]


def _name(case) -> str:
    return getattr(case, "__name__", "")


@pytest.mark.parametrize("damage, message", _hostile_cases(), ids=_name)
def test_a_hostile_network_is_refused_when_read(damage, message, tmp_path, monkeypatch, capsys):
    from grammar_fst.cli.main import main

    fsts = _toy()
    damage(fsts)
    path = tmp_path / "hostile.far"
    _write_unchecked(fsts, path, monkeypatch)
    with pytest.raises(gf.FarError, match="not a valid grammar network") as caught:
        gf.load(path)
    assert message in str(caught.value) and "recompile it" in str(caught.value)
    for command in (["sample", str(path)], ["count", str(path)], ["parse", str(path), "go a"]):
        assert main(command) == 2
        assert capsys.readouterr().err.count("\n") == 1


def test_a_hostile_network_is_never_written(tmp_path):
    fsts = _toy()
    fsts.rules["x"] = _with_arc(fsts.rules["x"], 0, 10_000, 10_000, 1)
    with pytest.raises(gf.FarError, match="label outside the symbol table"):
        far.write_far(fsts, tmp_path / "bad.far")
    assert not (tmp_path / "bad.far").exists()


def test_arrays_round_trip():
    fst = _toy().intents["A"]
    arrays = openfst.arrays(fst)
    again = openfst.arrays(openfst.from_arrays(arrays))
    for field in ("final", "arc_start", "ilabel", "olabel", "weight", "nextstate"):
        assert (getattr(again, field) == getattr(arrays, field)).all(), field
    assert again.start == arrays.start == fst.start()


def test_a_synonym_said_through_a_rule_means_only_its_canonical_value():
    grammar = gf.from_text(
        '$lounge = lounge | sitting room\nslot room = kitchen | $lounge => "living room"\n'
        "intent Go = go to the {room}\n"
    )
    meant = {u.text: u.slots[0].canonical for u in grammar.all()}
    assert meant == {
        "go to the kitchen": None,
        "go to the lounge": "living room",
        "go to the sitting room": "living room",
    }
    assert grammar.parse("go to the sitting room").slots[0].canonical == "living room"
