"""The example grammars bundled in grammars/: every one compiles, every intent has
sentences, sampled sentences parse back to their own annotation, and no sentence has
two readings. A file with no intent (common.grm) is a library of shared rules: it is
checked through a small grammar that imports it and uses each of its rules.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst.fst import counting
from grammar_fst.grm import ast, sources, validate

GRAMMARS = Path(__file__).parent.parent / "grammars"
FILES = sorted(GRAMMARS.glob("*.grm"))
ENGLISH_DOMAINS = ["alarms.grm", "music.grm", "weather.grm"]
EXPECTED = {"toy.grm", "common.grm", "hindi.grm", "thai.grm", "japanese.grm", *ENGLISH_DOMAINS}
# "a few million" sentences at most: enough variety, still quick to count and check.
MAX_SENTENCES = 5_000_000


def _has_intents(path: Path) -> bool:
    return bool(sources.parse_file(path).intents)


ENTRY_POINTS = [p for p in FILES if _has_intents(p)]
LIBRARIES = [p for p in FILES if not _has_intents(p)]


@functools.cache
def compiled(name: str) -> gf.CompiledGrammar:
    return gf.load(GRAMMARS / name)


def _names(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def test_the_bundled_grammars_are_all_there():
    assert EXPECTED <= {p.name for p in FILES}
    assert {p.name for p in LIBRARIES} >= {"common.grm"}


@pytest.mark.parametrize("name", _names(ENTRY_POINTS))
def test_compiles_and_every_intent_has_sentences(name):
    g = compiled(name)
    assert g.intents
    per_intent, total = g.counts()
    assert set(per_intent) == set(g.intents)
    for intent, count in per_intent.items():
        assert count > 0, f"{name}: intent {intent} has no sentence"
    assert total <= MAX_SENTENCES, f"{name}: {total} sentences is too many"


@pytest.mark.parametrize("name", _names(ENTRY_POINTS))
def test_no_sentence_belongs_to_two_intents(name):
    per_intent, total = compiled(name).counts()
    assert sum(per_intent.values()) == total


@pytest.mark.parametrize("name", _names(ENTRY_POINTS))
def test_samples_parse_back_to_their_annotation(name):
    g = compiled(name)
    samples = list(g.sample(200, seed=0))
    assert len(samples) == 200
    assert {u.intent for u in samples} == set(g.intents)
    for u in samples:
        for slot in u.slots:
            assert slot.slot in g.slots
            assert u.text[slot.start : slot.end] == slot.value, (u.text, slot)
        parsed = g.parse(u.text)
        assert parsed is not None, f"{name}: cannot parse its own sentence {u.text!r}"
        assert (parsed.intent, parsed.slots) == (u.intent, u.slots), u.text
        assert len(g.readings(u.text)) == 1, u.text


@pytest.mark.parametrize("name", _names(ENTRY_POINTS))
def test_no_sentence_has_two_readings(name):
    g = compiled(name)
    for intent in g.intents:
        text, readings = counting.most_readings(g.fsts, intent)
        assert readings == 1, f"{name}: {text!r} ({intent}) has {readings} readings"


@pytest.mark.parametrize("name", ENGLISH_DOMAINS)
def test_english_domains_are_rich_enough(name):
    g = compiled(name)
    assert len(g.intents) >= 3
    assert len(g.slots) >= 5
    used = {s.slot for u in g.sample(400, seed=1) for s in u.slots}
    assert used == set(g.slots), f"{name}: slots never sampled: {set(g.slots) - used}"


@pytest.mark.parametrize("name", _names(LIBRARIES))
def test_library_rules_compile_and_are_used(name, tmp_path):
    library = sources.parse_file(GRAMMARS / name)
    assert not validate.errors(library)
    assert library.rules, f"{name} defines nothing"
    # One intent per rule, in a grammar that imports the library by its absolute path.
    lines = [f'import "{(GRAMMARS / name).resolve().as_posix()}"']
    lines += [f"intent Uses_{rule} = ${rule}" for rule in library.rules]
    user = tmp_path / "uses_library.grm"
    user.write_text("\n".join(lines) + "\n", encoding="utf-8")
    per_intent, _ = gf.load(user, allow=[GRAMMARS]).counts()
    assert all(count > 0 for count in per_intent.values()), per_intent
    assert name in _imported(), f"no bundled grammar imports {name}"


def _imported() -> set[str]:
    """The names of the bundled files that some bundled grammar imports."""
    found = set()
    for path in ENTRY_POINTS:
        for stmt in sources.parse_file(path).of_kind(ast.Import):
            found.add((path.parent / stmt.path).resolve().name)
    return found


def test_toy_grammar_is_exactly_six_sentences():
    g = compiled("toy.grm")
    assert g.counts() == ({"PlayMusic": 6}, 6)
    assert {u.text for u in g.all()} == {
        f"play {more}{genre} music" for more in ("", "some ", "more ") for genre in ("pop", "rock")
    }
