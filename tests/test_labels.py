"""Labels verbatim: whatever names the data gives its intents and slots (`alarm/set_alarm`,
`B-PER`, `día/hora`, `time of day`) come back exactly so, through induce, the `.grm`
text, compile, the `.far`, sampling, parsing and every writer; quoted names in the
language, their errors, and the rule for names that clash."""

from __future__ import annotations

import json
import unicodedata

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_cli_data import run

import grammar_fst as gf
from grammar_fst.data import formats
from grammar_fst.errors import GrammarError
from grammar_fst.fst import labels
from grammar_fst.grm import syntax
from grammar_fst.sampling import patterns

# A hand-written fixture in the layout of the multilingual task-oriented dialog data:
# intent, start:end:slot spans, text, locale (the tokenization column is optional).
ROWS = [
    ("alarm/set_alarm", "pon una alarma para las 7", [("datetime", "las 7")]),
    ("alarm/set_alarm", "pon una alarma para mañana", [("datetime", "mañana")]),
    ("alarm/set_alarm", "despiértame a las 6 con Ana", [("datetime", "las 6"), ("B-PER", "Ana")]),
    (
        "weather/find",
        "va a llover en Madrid",
        [("weather/attribute", "llover"), ("día/hora", "Madrid")],
    ),
    ("weather/find", "hace frío hoy", [("weather/attribute", "frío"), ("día/hora", "hoy")]),
    ("clima/búsqueda", "qué tiempo hace", []),
]
INTENTS = {intent for intent, _, _ in ROWS}
SLOTS = {slot for _, _, spans in ROWS for slot, _ in spans}


def tod_fixture(path):
    """The rows as a TOD file, offsets computed from the values."""
    lines = []
    for intent, text, spans in ROWS:
        cells = ",".join(f"{text.index(v)}:{text.index(v) + len(v)}:{s}" for s, v in spans)
        lines.append(f"{intent}\t{cells}\t{text}\tes_XX")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def far(tmp_path, capsys):
    """The fixture induced (CLI), and compiled to an archive."""
    data = tod_fixture(tmp_path / "train-es.tsv")
    assert run(capsys, "induce", data, "--keep-case", "-o", tmp_path / "es.grm")[0] == 0
    assert run(capsys, "compile", tmp_path / "es.grm", "-o", tmp_path / "es.far")[0] == 0
    return tmp_path / "es.far"


def test_induce_writes_the_data_names_quoted(far):
    text = (far.parent / "es.grm").read_text(encoding="utf-8")
    assert 'intent "alarm/set_alarm" =' in text and 'intent "clima/búsqueda" =' in text
    assert '{"B-PER"}' in text and '{"weather/attribute"}' in text and "{datetime}" in text
    grammar = gf.load(far)
    assert set(grammar.intents) == INTENTS and set(grammar.slots) == SLOTS


def test_sampled_and_parsed_records_carry_the_data_names(far, capsys):
    status, out, _ = run(capsys, "sample", far, "--all")
    records = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and {r["intent"] for r in records} == INTENTS
    assert {s["slot"] for r in records for s in r["slots"]} == SLOTS
    status, out, _ = run(capsys, "parse", far, "despiértame a las 6 con Ana")
    (reading,) = [json.loads(line) for line in out.splitlines()]
    assert reading["intent"] == "alarm/set_alarm"
    assert [(s["slot"], s["value"]) for s in reading["slots"]] == [
        ("datetime", "las 6"),
        ("B-PER", "Ana"),
    ]


@pytest.mark.parametrize(
    "fmt, suffix",
    [
        ("jsonl", ".jsonl"),
        ("massive", ".jsonl"),
        ("bio", ".conll"),
        ("rasa", ".yml"),
        ("snips-benchmark", ".json"),
        ("snips-nlu", ".json"),
    ],
)
def test_every_writer_writes_the_names_verbatim(far, capsys, fmt, suffix):
    out = far.parent / f"out{suffix}"
    assert run(capsys, "sample", far, "--all", "--format", fmt, "-o", out)[0] == 0
    expected = [(u.intent, tuple(s.slot for s in u.slots)) for u in gf.load(far).all()]
    read = [(u.intent, tuple(s.slot for s in u.slots)) for u in formats.read(out, fmt)]
    assert sorted(read) == sorted(expected)
    assert {i for i, _ in read} == INTENTS and {s for _, ss in read for s in ss} == SLOTS


def test_parquet_writes_the_names_verbatim(far, capsys):
    out = far.parent / "out.parquet"
    assert run(capsys, "sample", far, "--all", "--format", "parquet", "-o", out)[0] == 0
    rows = pq.read_table(out).to_pylist()
    assert {r["intent"] for r in rows} == INTENTS
    assert {s["slot"] for r in rows for s in r["slots"]} == SLOTS


def test_massive_names_the_domain_of_a_domain_intent_as_its_scenario(far, capsys):
    out = far.parent / "out.jsonl"
    assert run(capsys, "sample", far, "--all", "--format", "massive", "-o", out)[0] == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {(r["intent"], r["scenario"]) for r in records} == {
        ("alarm/set_alarm", "alarm"),
        ("weather/find", "weather"),
        ("clima/búsqueda", "clima"),
    }


@given(st.text(min_size=1, max_size=12).filter(lambda n: syntax.name_problem(n) is None))
def test_every_writable_name_survives_the_tags(name):
    for tag, kind in [
        (labels.intent_tag, "intent"),
        (labels.slot_open, "open"),
        (labels.slot_close, "close"),
        (labels.slot_class, "class"),
    ]:
        assert labels.parse_tag(tag(name)) == (kind, name)


def test_quoted_names_round_trip_through_text_and_archive(tmp_path):
    source = (
        'intent "a <b> \\"c\\"" = call {"x}y"} | call {"time of day"}\n'
        'slot "x}y" = bob\n'
        'slot "time of day" = noon\n'
    )
    grammar = syntax.parse(source)
    assert syntax.format_grammar(grammar) == source
    compiled = gf.from_text(source)
    compiled.write_far(tmp_path / "q.far")
    reloaded = gf.load(tmp_path / "q.far")
    assert {(u.intent, u.slots[0].slot) for u in reloaded.all()} == {
        ('a <b> "c"', "x}y"),
        ('a <b> "c"', "time of day"),
    }
    assert reloaded.parse("call noon").slots[0].slot == "time of day"


def test_quoting_does_not_change_a_name():
    grammar = syntax.parse('intent "Greet" = hi\nslot "city" = paris\nintent B = to {city}\n')
    assert (
        syntax.format_grammar(grammar)
        == "intent Greet = hi\nslot city = paris\nintent B = to {city}\n"
    )
    with pytest.raises(GrammarError, match=r"2:1: intent Greet is already defined at .*:1:1"):
        gf.from_text('intent "Greet" = hi\nintent Greet = hello\n')


@pytest.mark.parametrize(
    "source, where, message",
    [
        ('intent "" = x', "1:8", "a quoted name holds at least one character"),
        ('intent " a" = x', "1:8", "cannot start or end with a space"),
        ('intent A = x {"b\tc"}\nslot "b\tc" = y', "1:15", "control character (here U+0009)"),
        ('intent A = x {"b"\nslot b = y', "1:14", "'{' is never closed after the quoted slot name"),
        (
            "intent A = x {B-PER}\n",
            "1:14",
            'quote a slot name that is not letters, digits and _: {"B-PER"}',
        ),
        (
            "intent A = {B-PER}\n",
            "1:12",
            'quote a slot name that is not letters, digits and _: {"B-PER"}',
        ),
        ("intent alarm/set = x\n", "1:8", "a name that is not letters, digits and _ is quoted"),
    ],
)
def test_a_bad_quoted_name_is_a_located_error(source, where, message):
    with pytest.raises(GrammarError) as err:
        syntax.parse(source, "g.grm")
    assert str(err.value).startswith(f"g.grm:{where}: ") and message in err.value.message


def test_the_highlighter_knows_quoted_names():
    from pygments.token import Name

    from grammar_fst.grm.highlight import GrmLexer

    source = 'intent "alarm/set_alarm" = at {"alarm/time"}\nslot "alarm/time" from "t.txt"\n'
    found = [(kind, text) for kind, text in GrmLexer().get_tokens(source) if kind in Name]
    assert found == [
        (Name.Class, '"alarm/set_alarm"'),
        (Name.Tag, '{"alarm/time"}'),
        (Name.Tag, '"alarm/time"'),
    ]


def test_importers_keep_intent_and_slot_names(tmp_path):
    from grammar_fst.importers import import_grammar

    model = {
        "interactionModel": {
            "languageModel": {
                "intents": [
                    {"name": "AMAZON.HelpIntent", "samples": ["help me"]},
                    {
                        "name": "music/play",
                        "slots": [{"name": "song-name", "type": "SONG"}],
                        "samples": ["play {song-name}"],
                    },
                ],
                "types": [{"name": "SONG", "values": [{"name": {"value": "let it be"}}]}],
            }
        }
    }
    (tmp_path / "model.json").write_text(json.dumps(model))
    (tmp_path / "t.chatito").write_text(
        "%[alarm/set alarm]\n    wake me @[time-of-day]\n@[time-of-day]\n    at noon\n"
    )
    (tmp_path / "music.grm").write_text(
        syntax.format_grammar(
            import_grammar(tmp_path / "model.json", output=str(tmp_path / "music.grm"))
        )
    )
    alexa = gf.load(tmp_path / "music.grm")
    assert {(u.intent, tuple(s.slot for s in u.slots)) for u in alexa.all()} == {
        ("AMAZON.HelpIntent", ()),
        ("music/play", ("song-name",)),
    }
    chatito = gf.from_text(syntax.format_grammar(import_grammar(tmp_path / "t.chatito")))
    (u,) = chatito.all()
    assert (u.intent, u.slots[0].slot) == ("alarm/set alarm", "time-of-day")


@pytest.mark.parametrize(
    "source, message",
    [
        (
            'intent A = x {"alarm/tme"}\nslot "alarm/time" = y\n',
            '1:14: unknown slot {"alarm/tme"}; did you mean {"alarm/time"}?',
        ),
        (
            'intent A = {"q r"}\n',
            """1:12: unknown slot {"q r"}; define it with 'slot "q r" = ...'""",
        ),
        (
            'slot "a b" = x\nslot "a b" = y\nintent A = {"a b"}\n',
            '2:1: slot "a b" is already defined',
        ),
    ],
)
def test_meaning_errors_write_names_as_the_grammar_does(source, message):
    with pytest.raises(GrammarError) as err:
        gf.from_text(source)
    assert message in str(err.value)


def test_a_rule_specialized_to_slot_sets_keeps_names_with_spaces_apart():
    grammar = gf.from_text(
        'intent I = go $r\n$r = {a} {b} | {"a + b"} | {"(no slot)"} | x\n'
        'slot a = p\nslot b = q\nslot "a + b" = s\nslot "(no slot)" = t\n'
    )
    found = patterns.grammar_patterns(grammar.fsts, grammar._walker, ["I"])
    assert len(found.patterns) == 4
    for pattern in found.patterns:
        restricted = gf.CompiledGrammar(found.network([pattern.name]), "restricted")
        said = {tuple(s.slot for s in u.slots) for u in restricted.sample(20, seed=1)}
        assert said == {pattern.pattern.slots}


def test_a_catalogue_binds_to_the_data_name_of_a_slot(tmp_path, capsys):
    data = tod_fixture(tmp_path / "train-es.tsv")
    (tmp_path / "weather.txt").write_text("llover\nfrío\nnevar\n", encoding="utf-8")
    argv = ["induce", data, "--catalogue", f"weather/attribute={tmp_path / 'weather.txt'}"]
    assert run(capsys, *argv, "-o", tmp_path / "es.grm")[0] == 0
    text = (tmp_path / "es.grm").read_text(encoding="utf-8")
    assert f'slot "weather/attribute" from "{tmp_path / "weather.txt"}"' in text
    grammar = gf.load(tmp_path / "es.grm")
    reading = grammar.parse("va a nevar en madrid")
    assert (reading.intent, [s.slot for s in reading.slots]) == (
        "weather/find",
        ["weather/attribute", "día/hora"],
    )


def test_names_given_decomposed_are_the_grammar_s_names(tmp_path, capsys):
    """A terminal or a file name may give `ガイド` as NFD: it looks the same, and it is the
    same name on the command line, in Python and in held-out data."""
    nfd = lambda name: unicodedata.normalize("NFD", name)  # noqa: E731
    grammar_file = tmp_path / "n.grm"
    source = "intent ガイド = ジャズを\nslot ジャンル = ロック\nintent B = {ジャンル}を\n"
    grammar_file.write_text(source, encoding="utf-8")
    (tmp_path / "r.txt").write_text("ポップ\n", encoding="utf-8")
    assert nfd("ガイド") != "ガイド"
    status, out, _ = run(capsys, "sample", grammar_file, "--intent", nfd("ガイド") + "=2")
    assert status == 0 and len(out.splitlines()) == 2
    binding = f"{nfd('ジャンル')}={tmp_path / 'r.txt'}"
    status, out, _ = run(
        capsys, "sample", grammar_file, "--intent", "B", "-n", "1", "--catalogue", binding
    )
    assert status == 0 and json.loads(out)["text"] == "ポップを"
    grammar = gf.load(grammar_file)
    bound = grammar.with_catalogue(nfd("ジャンル"), tmp_path / "r.txt")
    assert [u.text for u in bound.sample(1, intents=[nfd("B")])] == ["ポップを"]
    heldout = tmp_path / "h.jsonl"
    records = [
        {"text": "ジャズを", "intent": nfd("ガイド"), "slots": []},
        {"text": "ロックを", "intent": "B", "slots": [
            {"slot": nfd("ジャンル"), "value": "ロック", "start": 0, "end": 3}]},
    ]  # fmt: skip
    heldout.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    status, out, err = run(
        capsys, "evaluate", grammar_file, "--heldout", heldout, "--samples", "10"
    )
    assert status == 0 and "lacks" not in err
    assert "slot recall (right intent and slots)     1.000" in out
