"""The Snips NLU training dataset: entities with synonyms and both flags, canonical
values read back, the format told from the SNIPS benchmark by its first key."""

from __future__ import annotations

import json

import pytest

from grammar_fst.cli.main import main
from grammar_fst.data import formats
from grammar_fst.data.formats import snips_nlu
from grammar_fst.data.records import SlotValue, Utterance

LOUNGE = Utterance(
    "turn on the lounge", "Lights", (SlotValue("room", "lounge", 12, 18, "living room"),)
)
KITCHEN = Utterance("turn on the kitchen", "Lights", (SlotValue("room", "kitchen", 12, 19),))
HI = Utterance("hi", "Greet")


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_the_dataset_has_intents_chunks_and_entities():
    dataset = snips_nlu.document([LOUNGE, KITCHEN, HI])
    assert dataset["language"] == "en"
    assert list(dataset["intents"]) == ["Lights", "Greet"]
    assert dataset["intents"]["Lights"]["utterances"][0]["data"] == [
        {"text": "turn on the "},
        {"text": "lounge", "entity": "room", "slot_name": "room"},
    ]
    assert dataset["intents"]["Greet"]["utterances"] == [{"data": [{"text": "hi"}]}]
    assert dataset["entities"] == {
        "room": {
            "data": [
                {"value": "living room", "synonyms": ["lounge"]},
                {"value": "kitchen", "synonyms": []},
            ],
            "use_synonyms": True,
            "automatically_extensible": True,
            "matching_strictness": 1.0,
        }
    }


def test_reading_gives_synonyms_their_canonical_value(tmp_path):
    path = tmp_path / "dataset.json"
    path.write_text(snips_nlu.write_document([LOUNGE, KITCHEN, HI]))
    assert formats.guess(path) == "snips-nlu"
    assert list(formats.read(path)) == [LOUNGE, KITCHEN, HI]


def test_a_synonym_at_the_sentence_edge_keeps_its_canonical_value_when_trimmed(tmp_path):
    """The white space around a sentence is trimmed (a slot at its end with it): the
    synonym is looked up as the slot's words are read."""
    dataset = json.loads(snips_nlu.write_document([LOUNGE]))
    dataset["intents"]["Lights"]["utterances"][0]["data"][1]["text"] = "lounge\n"
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps(dataset))
    assert list(formats.read(path)) == [LOUNGE]


def test_slot_name_is_the_slot_and_use_synonyms_false_keeps_values(tmp_path):
    path = tmp_path / "d.json"
    path.write_text(
        json.dumps(
            {
                "entities": {
                    "snips/datetime": {},
                    "room": {"data": [{"value": "den", "synonyms": ["study"]}],
                             "use_synonyms": False},
                },
                "language": "en",
                "intents": {"A": {"utterances": [{"data": [
                    {"text": "at "}, {"text": "noon", "entity": "snips/datetime",
                                      "slot_name": "time"},
                    {"text": " in the "}, {"text": "study", "entity": "room", "slot_name": "where"},
                ]}]}},
            }
        )
    )  # fmt: skip
    (u,) = formats.read(path)
    assert u.text == "at noon in the study"
    assert u.slots == (SlotValue("time", "noon", 3, 7), SlotValue("where", "study", 15, 20))


def test_the_benchmark_layout_keeps_its_reader(tmp_path):
    path = tmp_path / "train.json"
    path.write_text('{"PlayMusic": [{"data": [{"text": "play "}, {"text": "x", "entity": "a"}]}]}')
    assert formats.guess(path) == "snips-benchmark"
    assert [u.text for u in formats.read(path)] == ["play x"]
    assert [u.text for u in formats.read(path, "snips")] == ["play x"]  # the older name


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"language": "en"}', 'expected a Snips NLU dataset: an object with "intents"'),
        ('{"intents": {"A": []}}', 'intents.A: expected {"utterances": [...]}'),
        ('{"intents": {"A": {"utterances": [{"data": [{"text": 3}]}]}}}',
         'intents.A.utterances[0]: chunk 1 is not an object with a string "text"'),
        ('{"intents": {"A": {"utterances": []}}, "entities": []}', '"entities" to be an object'),
        ('{"intents": ', "not valid JSON"),
    ],
)  # fmt: skip
def test_bad_datasets_are_one_clear_message(tmp_path, capsys, content, message):
    path = tmp_path / "d.json"
    path.write_text(content)
    status, _, err = run(capsys, "convert", path, "--from", "snips-nlu", "--to", "jsonl")
    assert status == 2 and message in err and str(path) in err
    assert err.count("\n") == 1


def test_sampling_a_training_set_repeats_no_sentence_by_default(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text("intent A = a | b | c <20>\n")
    for fmt in ("snips-nlu", "rasa"):
        status, out, _ = run(capsys, "sample", grammar, "-n", 50, "--format", fmt)
        assert status == 0 and out.count("- c") + out.count('"text": "c"') == 1
    status, out, _ = run(capsys, "sample", grammar, "-n", 50, "--format", "rasa", "--no-unique")
    assert out.count("- c") > 30
    status, out, _ = run(capsys, "sample", grammar, "-n", 50, "--format", "text")
    assert out.splitlines().count("c") > 30  # not a training-set format: repeats allowed
    status, out, _ = run(capsys, "sample", grammar, "-n", 50, "--format", "text", "--unique")
    assert sorted(out.splitlines()) == ["a", "b", "c"]


def test_the_dataset_says_its_language(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text("intent A = bonjour\n")
    status, out, _ = run(
        capsys, "sample", grammar, "-n", 1, "--format", "snips-nlu", "--language", "fr"
    )
    assert status == 0 and json.loads(out)["language"] == "fr"
    data = tmp_path / "d.jsonl"
    data.write_text('{"text": "hola", "intent": "A", "slots": []}\n')
    status, out, _ = run(capsys, "convert", data, "--to", "snips-nlu", "--language", "es")
    assert json.loads(out)["language"] == "es"
    assert json.loads(snips_nlu.write_document([HI]))["language"] == "en"


@pytest.mark.parametrize(
    "declared, language", [("es-XX", "es"), ("es", "es"), ("pt-BR", "pt_br"), ("fr-FR", "fr")]
)
def test_the_dataset_takes_the_grammars_language(tmp_path, capsys, declared, language):
    grammar = tmp_path / "g.grm"
    grammar.write_text(f"language {declared}\nintent A = hola\n")
    status, out, _ = run(capsys, "sample", grammar, "-n", 1, "--format", "snips-nlu")
    assert status == 0 and json.loads(out)["language"] == language
    status, out, _ = run(
        capsys, "sample", grammar, "-n", 1, "--format", "snips-nlu", "--language", "it"
    )
    assert status == 0 and json.loads(out)["language"] == "it"  # --language says otherwise


def test_the_dataset_takes_the_datas_locale(tmp_path, capsys):
    tod = tmp_path / "train-es.tsv"
    tod.write_text("weather/find\t\tqué tiempo hace\tes_XX\t{}\n")
    status, out, _ = run(capsys, "convert", tod, "--to", "snips-nlu", "-o", tmp_path / "es.json")
    assert status == 0 and json.loads((tmp_path / "es.json").read_text())["language"] == "es"
    status, out, _ = run(capsys, "convert", tmp_path / "es.json", "--to", "snips-nlu")
    assert status == 0 and json.loads(out)["language"] == "es"  # a dataset keeps its own


def test_a_language_snips_nlu_has_not_is_refused_with_one_message(tmp_path, capsys):
    grammar = tmp_path / "th.grm"
    grammar.write_text("language th\nintent A = สวัสดี\n")
    status, out, err = run(capsys, "sample", grammar, "-n", 1, "--format", "snips-nlu")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "snips-nlu has no language for 'th'" in err
    assert "--language" in err and "Traceback" not in err
    status, out, _ = run(
        capsys, "sample", grammar, "-n", 1, "--format", "snips-nlu", "--language", "en"
    )
    assert status == 0 and json.loads(out)["language"] == "en"  # said on purpose
    with pytest.raises(formats.FormatError, match="no language for 'zh-Hant'"):
        snips_nlu.document([HI], locale="zh-Hant")
