"""Catalogue-backed slots: binding, overriding, swapping in a .far, sampling, synonyms."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst.cli.main import main
from grammar_fst.data import resample

GRAMMARS = Path(__file__).parent.parent / "grammars"
TRAVEL = GRAMMARS / "travel.grm"
SPANISH = GRAMMARS / "catalogues" / "cities_es.tsv"


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


def _grammar(tmp_path, text, **files):
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    path = tmp_path / "g.grm"
    path.write_text(text, encoding="utf-8")
    return path


def test_catalogue_slot_values_come_from_the_file():
    grammar = gf.load(TRAVEL)
    values = {
        s.canonical or s.value
        for u in grammar.sample(400, seed=1)
        for s in u.slots
        if s.slot == "city"
    }
    assert values <= {
        "new york",
        "london",
        "paris",
        "los angeles",
        "san francisco",
        "chicago",
        "tokyo",
        "mexico city",
    }
    assert len(values) >= 6


def test_uniform_over_entries_not_over_first_words(tmp_path):
    """999 values start with "a", one with "b": per-arc choice would give "b" half the draws."""
    names = [f"a name{i}" for i in range(999)] + ["b only"]
    path = _grammar(
        tmp_path,
        'intent A = play {artist}\nslot artist from "artists.txt"\n',
        **{"artists.txt": "\n".join(names) + "\n"},
    )
    n = 20_000
    b_count = sum(u.slots[0].value == "b only" for u in gf.load(path).sample(n, seed=4))
    expected = n / 1000
    chi_square = (b_count - expected) ** 2 / expected + (b_count - expected) ** 2 / (n - expected)
    assert chi_square < 10.83, b_count  # df 1, p = 0.001


def test_weighted_entries_follow_their_weights(tmp_path):
    path = _grammar(
        tmp_path,
        'intent A = play {g}\nslot g from "g.tsv"\n',
        **{"g.tsv": "value\tweight\npop\t1\nrock\t3\njazz\t\n"},
    )
    n = 10_000
    counts = Counter(u.slots[0].value for u in gf.load(path).sample(n, seed=2))
    expected = {"pop": 0.2, "rock": 0.6, "jazz": 0.2}
    chi_square = sum((counts[k] - n * p) ** 2 / (n * p) for k, p in expected.items())
    assert chi_square < 13.82, counts  # df 2, p = 0.001


def test_synonyms_sample_surface_and_carry_canonical():
    grammar = gf.load(TRAVEL)
    seen = {}
    for u in grammar.sample(2000, seed=3):
        for s in u.slots:
            assert u.text[s.start : s.end] == s.value
            if s.slot == "city":
                seen[s.value] = s.canonical
    assert seen["nyc"] == "new york" and seen["the big apple"] == "new york"
    assert seen["new york"] is None and seen["la"] == "los angeles"


def test_parse_maps_a_synonym_to_its_canonical_value():
    utterance = gf.load(TRAVEL).parse("book a flight to the big apple tomorrow")
    city = utterance.slots[0]
    assert (city.slot, city.value, city.canonical) == ("city", "the big apple", "new york")
    assert city.to_dict()["canonical"] == "new york"
    assert utterance.annot_utt == "book a flight to [city : the big apple] [date : tomorrow]"


def test_with_catalogue_rebinds_a_slot():
    spanish = gf.load(TRAVEL).with_catalogue("city", SPANISH)
    utterance = spanish.parse("book a flight to nueva york")
    assert utterance.slots[0].canonical == "new york"
    assert spanish.parse("book a flight to nyc") is None


def test_inline_slot_can_be_overridden(tmp_path):
    path = _grammar(
        tmp_path, "intent A = play {g}\nslot g = pop | rock\n", **{"g.txt": "jazz\nfunk\n"}
    )
    grammar = gf.load(path, catalogues={"g": tmp_path / "g.txt"})
    assert sorted(u.text for u in grammar.all()) == ["play funk", "play jazz"]


@pytest.mark.parametrize("command", ["sample", "parse", "count", "compile"])
def test_catalogue_option_on_every_command(capsys, tmp_path, command):
    path = _grammar(
        tmp_path, "intent A = play {g}\nslot g = pop | rock\n", **{"g.txt": "jazz\nfunk\nsoul\n"}
    )
    binding = ["--catalogue", f"g={tmp_path / 'g.txt'}"]
    if command == "sample":
        status, out, _ = run(capsys, "sample", path, "--all", "--format", "text", *binding)
        assert sorted(out.splitlines()) == ["play funk", "play jazz", "play soul"]
    elif command == "parse":
        status, out, _ = run(capsys, "parse", path, "play soul", *binding)
        assert json.loads(out)["slots"][0]["value"] == "soul"
    elif command == "count":
        status, out, _ = run(capsys, "count", path, *binding)
        assert out == "A\t3\ntotal\t3\n"
    else:
        status, _, _ = run(capsys, "compile", path, "-o", tmp_path / "g.far", *binding)
        assert gf.load(tmp_path / "g.far").count() == 3
    assert status == 0


def _far_digests(path):
    from grammar_fst.fst import far

    return far._checked_layout(Path(path).read_bytes(), gf.Location(str(path)))[0]["digests"]


def test_swap_a_catalogue_in_a_far_without_touching_the_intents(capsys, tmp_path):
    english, spanish = tmp_path / "en.far", tmp_path / "es.far"
    assert run(capsys, "compile", TRAVEL, "-o", english)[0] == 0
    assert run(capsys, "compile", english, "--catalogue", f"city={SPANISH}", "-o", spanish)[0] == 0
    before, after = _far_digests(english), _far_digests(spanish)
    intents = [k for k in before if k.startswith("intent/")]
    assert intents and all(before[k] == after[k] for k in intents)
    assert before["slot/city"] != after["slot/city"] and before["slot/date"] == after["slot/date"]
    _, out, _ = run(capsys, "sample", spanish, "-n", "50", "--seed", "1")
    cities = {
        s["value"]
        for line in out.splitlines()
        for s in json.loads(line)["slots"]
        if s["slot"] == "city"
    }
    assert cities and cities <= {
        "nueva york",
        "londres",
        "parís",
        "los ángeles",
        "ciudad de méxico",
        "madrid",
        "barcelona",
        "buenos aires",
        "bogotá",
        "sevilla",
    }


def test_compiling_a_far_needs_a_catalogue(capsys, tmp_path):
    assert run(capsys, "compile", TRAVEL, "-o", tmp_path / "t.far")[0] == 0
    status, _, err = run(capsys, "compile", tmp_path / "t.far")
    assert status == 2 and "--catalogue SLOT=FILE" in err


def test_missing_catalogue_file_points_at_its_name_in_the_slot(tmp_path):
    path = _grammar(tmp_path, 'intent A = play {g}\nslot g from "nothere.txt"\n')
    with pytest.raises(gf.GrammarError) as caught:
        gf.load(path)
    assert str(caught.value).startswith(f"{path}:2:13: catalogue file 'nothere.txt' not found")


def test_a_slot_from_one_type_of_an_alexa_model(tmp_path):
    model = {
        "interactionModel": {
            "languageModel": {
                "types": [
                    {"name": "CITY", "values": [{"name": {"value": "oslo"}}]},
                    {"name": "COLOR", "values": [{"name": {"value": "red"}}]},
                ]
            }
        }
    }
    (tmp_path / "model.json").write_text(json.dumps(model), encoding="utf-8")
    path = _grammar(tmp_path, 'intent A = fly to {c}\nslot c from "model.json#CITY"\n')
    assert [u.text for u in gf.load(path).sample(3)] == ["fly to oslo"] * 3
    missing = _grammar(tmp_path, 'intent A = fly to {c}\nslot c from "other.json#CITY"\n')
    with pytest.raises(gf.GrammarError, match="catalogue file 'other.json' not found"):
        gf.load(missing)
    no_type = _grammar(tmp_path, 'intent A = fly to {c}\nslot c from "model.json#TOWN"\n')
    with pytest.raises(gf.GrammarError) as caught:
        gf.load(no_type)
    assert str(caught.value).startswith(f"{no_type}:2:13: catalogue {tmp_path / 'model.json'}: ")
    assert "no slot type 'TOWN'" in str(caught.value)


def test_unknown_slot_binding_exits_2(capsys):
    status, _, err = run(capsys, "count", TRAVEL, "--catalogue", f"town={SPANISH}")
    assert status == 2 and "no slot 'town'" in err and "slots: city, date" in err


def test_bad_binding_syntax_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["count", str(TRAVEL), "--catalogue", "city"])
    assert caught.value.code == 2 and "is not SLOT=FILE" in capsys.readouterr().err


def test_bad_catalogue_file_exits_2_with_its_location(capsys, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("value\tweight\nparis\tmany\n", encoding="utf-8")
    status, _, err = run(capsys, "count", TRAVEL, "--catalogue", f"city={bad}")
    assert status == 2 and err.startswith(f"grammar-fst: error: {bad}:2:")


def test_catalogue_grammar_samples_the_same_from_grm_and_far(tmp_path):
    grammar = gf.load(TRAVEL)
    grammar.write_far(tmp_path / "travel.far")
    assert list(gf.load(tmp_path / "travel.far").sample(300, seed=6)) == list(
        grammar.sample(300, seed=6)
    )


def test_with_catalogue_shares_the_intent_fsts():
    grammar = gf.load(TRAVEL)
    spanish = grammar.with_catalogue("city", SPANISH)
    assert all(spanish.fsts.intents[n] is grammar.fsts.intents[n] for n in grammar.intents)
    old_words = [grammar.fsts.symbols.find(i) for i in range(grammar.fsts.symbols.num_symbols())]
    new_words = [spanish.fsts.symbols.find(i) for i in range(len(old_words))]
    assert new_words == old_words  # existing labels keep their ids


def test_reserved_looking_values_are_plain_words(tmp_path):
    path = _grammar(
        tmp_path,
        'intent A = play {g} "<eps>"\nslot g from "g.txt"\n',
        **{"g.txt": "rock\n<eps>\n<root> music\n"},
    )
    grammar = gf.load(path)
    assert sorted(u.text for u in grammar.all()) == [
        "play <eps> <eps>",
        "play <root> music <eps>",
        "play rock <eps>",
    ]
    assert grammar.count() == 3
    assert grammar.parse("play <root> music <eps>").slots[0].value == "<root> music"


def test_parse_sentences_after_options(capsys):
    status, out, _ = run(
        capsys, "parse", TRAVEL, "--catalogue", f"city={SPANISH}", "fly me to londres"
    )
    assert status == 0 and json.loads(out)["slots"][0]["canonical"] == "london"
    with pytest.raises(SystemExit) as caught:
        main(["count", str(TRAVEL), "stray"])
    assert caught.value.code == 2
    assert "unrecognized arguments: stray" in capsys.readouterr().err


def test_ambiguous_synonyms_show_their_canonical_values(tmp_path):
    from grammar_fst import check
    from grammar_fst.grm import sources

    path = _grammar(
        tmp_path,
        'intent A = fly to {c}\nslot c from "c.tsv"\n',
        **{"c.tsv": "value\tcanonical\nspringfield\tspringfield il\nspringfield\tspringfield ma\n"},
    )
    (finding,) = check.check(sources.load_grammar(path))
    assert "(springfield = springfield il)" in str(
        finding
    ) and "(springfield = springfield ma)" in str(finding)


PUNCTUATED = "st. louis\nwinston-salem\ncatalina, delores and brandie mendoza\n(new) york\n"


@pytest.mark.parametrize("suffix", [".txt", ".tsv"])
def test_values_with_punctuation_parse_back_as_sampled(tmp_path, suffix):
    """A catalogue's words are a grammar's words: "st." is "st" and ".", as a sentence's
    are read, so every sampled sentence parses back (a .txt file once kept "st.")."""
    content = PUNCTUATED if suffix == ".txt" else "value\n" + PUNCTUATED
    path = _grammar(
        tmp_path,
        f'intent W = weather in {{city}}\nslot city from "c{suffix}"\n',
        **{f"c{suffix}": content},
    )
    grammar = gf.load(path)
    sampled = [u.text for u in grammar.all()]
    assert sorted(sampled) == sorted(f"weather in {v}" for v in PUNCTUATED.splitlines())
    for text in sampled:
        parsed = grammar.parse(text)
        assert parsed is not None, text
        (slot,) = parsed.slots
        assert text[slot.start : slot.end] == slot.value == text.removeprefix("weather in ")


def test_induce_knows_a_catalogue_value_written_with_punctuation(tmp_path, caplog):
    (tmp_path / "people.txt").write_text(PUNCTUATED, encoding="utf-8")
    text = "a table for catalina, delores and brandie mendoza"
    value = "catalina, delores and brandie mendoza"
    data = [gf.Utterance(text, "Book", (gf.SlotValue("party", value, 12, len(text)),))]
    with caplog.at_level("WARNING", logger="grammar_fst"):
        gf.induce(data, catalogues={"party": tmp_path / "people.txt"})
    assert "not in" not in caplog.text


@pytest.mark.parametrize(
    "name, content", [("c.txt", "st. louis\n"), ("c.tsv", "value\nst. louis\n")]
)
def test_resample_writes_a_catalogue_value_as_it_is_written(tmp_path, name, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    data = [gf.Utterance("weather in paris", "W", (gf.SlotValue("city", "paris", 11, 16),))]
    out, _, _ = resample.resample(data, 2, catalogues={"city": tmp_path / name})
    made = {r.utterance.text: r.utterance.slots for r in out}
    assert set(made) == {"weather in paris", "weather in st. louis"}
    (slot,) = made["weather in st. louis"]
    assert (slot.value, slot.start, slot.end) == ("st. louis", 11, 20)
