"""A locale in either spelling (`th_TH`, `th-TH`) is one locale wherever one is compared,
and is written as the data (or the grammar) spells it."""

from __future__ import annotations

import json

import pytest
from test_cli_data import run

import grammar_fst as gf
from grammar_fst.data.formats import massive, snips_nlu
from grammar_fst.data.formats._format import locale_key

THAI = (
    "alarm/set_alarm\t9:18:datetime\tตั้งปลุก 7 โมงเช้าครับ\tth_TH\t{}\n"
    "alarm/set_alarm\t\tปลุกฉันหน่อย\tth_TH\t{}\n"
)


@pytest.mark.parametrize("spelling", ["th_TH", "th-TH", "TH_th", "th-th"])
def test_every_spelling_is_one_locale(spelling):
    assert locale_key(spelling) == locale_key("th-TH")
    assert locale_key(spelling) != locale_key("th-XX")


@pytest.mark.parametrize(
    "language, locale",
    [("th_TH", "th_TH"), ("th-TH", "th-TH"), ("es_XX", "es_XX"), ("zh_Hant", "zh-TW"),
     ("TH", "th-TH"), ("pt_BR", "pt_BR")],
)  # fmt: skip
def test_massive_writes_a_region_as_spelled_and_finds_a_language_in_either(language, locale):
    assert massive.locale_of(language) == locale


@pytest.mark.parametrize("locale", ["pt_BR", "pt-BR", "PT-br", "pt_br"])
def test_snips_nlu_names_either_spelling_alike(locale):
    assert snips_nlu.language_of(locale) == "pt_br"


def test_snips_nlu_language_option_takes_either_spelling(capsys, tmp_path):
    data = tmp_path / "in.tsv"
    data.write_text("a/b\t\thola\tes_XX\t{}\n", encoding="utf-8")
    for spelling in ("pt-BR", "pt_br"):
        status, out, _ = run(capsys, "convert", data, "--to", "snips-nlu", "--language", spelling)
        assert status == 0 and json.loads(out)["language"] == "pt_br"


def test_induced_thai_grammar_samples_the_locale_of_its_data(capsys, tmp_path):
    data = tmp_path / "golden.tsv"
    data.write_text(THAI, encoding="utf-8")
    status, grammar, _ = run(capsys, "induce", data)
    assert status == 0 and gf.from_text(grammar).fsts.language == "th_TH"
    source = tmp_path / "thai.grm"
    source.write_text(grammar, encoding="utf-8")
    out = run(capsys, "sample", source, "-n", "3", "--format", "massive")[1]
    assert {json.loads(line)["locale"] for line in out.splitlines()} == {"th_TH"}
    converted = run(capsys, "convert", data, "--to", "massive")[1]
    assert {json.loads(line)["locale"] for line in converted.splitlines()} == {"th_TH"}


@pytest.mark.parametrize("command", [["sample", "TOY", "-n", "1"], ["convert", "DATA"]])
@pytest.mark.parametrize("locale", ["!!", "x y", ""])
def test_a_locale_that_is_no_tag_is_refused(capsys, tmp_path, command, locale):
    toy = tmp_path / "toy.grm"
    toy.write_text("intent A = play {g}\nslot g = pop\n", encoding="utf-8")
    data = tmp_path / "data.jsonl"
    data.write_text('{"text": "play pop", "intent": "A", "slots": []}\n', encoding="utf-8")
    argv = [{"TOY": toy, "DATA": data}.get(a, a) for a in command]
    to = "--to" if command[0] == "convert" else "--format"
    with pytest.raises(SystemExit) as refused:  # as argparse refuses an option's value
        run(capsys, *argv, to, "massive", "--locale", locale)
    out, err = capsys.readouterr()
    assert refused.value.code == 2 and not out
    assert f"argument --locale: '{locale}' is not a language tag such as th or es-MX" in err


@pytest.mark.parametrize("command", ["convert", "resample"])
def test_a_locale_the_output_cannot_hold_is_warned_of_with_how_to_induce(capsys, tmp_path, command):
    data = tmp_path / "golden.tsv"
    data.write_text(THAI, encoding="utf-8")
    more = ["-n", "4"] if command == "resample" else []
    status, out, err = run(capsys, command, data, "--to", "jsonl", *more)
    assert status == 0 and out
    assert f"{data} is in locale th_TH, which jsonl has no field for" in err
    assert "to induce a grammar from it, give --language th_TH" in err
    for kept in (["--to", "massive"], ["--to", "jsonl", "--locale", "th-TH"]):
        assert "has no field for" not in run(capsys, command, data, *kept, *more)[2]
