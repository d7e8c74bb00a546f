"""Library messages name the caller's parameters (`errors.Wording`); the command line
writes its options in their place: the same error reads `allocate` in Python and
--allocate on the command line."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst.cli.main import main
from grammar_fst.data import formats, resample
from grammar_fst.errors import GrammarError, Location, Wording
from grammar_fst.sampling import plan

ROOT = Path(__file__).parent.parent
TOY = ROOT / "grammars" / "toy.grm"
EXAMPLE = ROOT / "examples" / "music_and_books.jsonl"


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    return status, capsys.readouterr().err


def test_a_wording_reads_as_parameters_and_keeps_its_values_verbatim():
    wording = Wording("{n} of {what} unless {originals:False}", what="a {b} c")
    assert wording == "`n` of a {b} c unless `originals=False`"
    spelled = wording.spelled(lambda name, setting: f"<{name}|{setting}>")
    assert spelled == "<n|> of a {b} c unless <originals|False>"
    error = pickle.loads(pickle.dumps(GrammarError(wording, Location("g.grm", 2, 3))))
    assert str(error) == "g.grm:2:3: `n` of a {b} c unless `originals=False`"
    assert error.message.values == {"what": "a {b} c"}


def test_allocate_with_a_split_names_parameters_in_python_and_options_in_the_cli(capsys):
    grammar = gf.load(TOY)
    with pytest.raises(gf.UsageError) as caught:
        list(grammar.sample(5, allocate="entropy", split="proportional"))
    assert str(caught.value) == (
        "`allocate` shares `n` among patterns: no `quota`, `split` or `cover` with it"
    )
    status, err = run(capsys, "sample", TOY, "--allocate", "entropy", "--cover")
    assert status == 2
    assert err == (
        "grammar-fst: error: --allocate shares -n among patterns: no quota, --split or "
        "--cover with it\n"
    )


def test_a_missing_catalogue_names_the_parameter_or_the_option(capsys, tmp_path):
    source = tmp_path / "go.grm"
    source.write_text('intent Go = fly to {city}\nslot city from "towns.tsv"\n')
    with pytest.raises(gf.GrammarError, match="or bind one with `catalogues`$"):
        gf.load(source)
    option = "or bind one with --catalogue city=FILE"
    status, err = run(capsys, "count", source)
    assert status == 2 and err.rstrip().endswith(option)
    assert main(["check", str(source)]) == 1
    assert option in capsys.readouterr().out


def test_a_warning_names_parameters_in_python_and_options_in_the_cli(capsys, caplog):
    utterances = list(formats.read(EXAMPLE, None, "stop"))
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        resample.resample(utterances, 5)
    assert "(unless `originals=False`) and at least `floor`" in caplog.text
    status, err = run(capsys, "resample", EXAMPLE, "-n", "5", "--to", "text")
    assert status == 0
    assert "(unless --no-originals) and at least --floor" in err


def test_unique_gives_up_on_unlikely_sentences_naming_all_or_its_option(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.setattr(plan, "PATIENCE", 5)
    source = tmp_path / "skewed.grm"  # 100,000 sentences, one of them almost always
    source.write_text(
        "$w = a <1000000000> | b | c | d | e | f | g | h | i | j\nintent A = $w $w $w $w $w\n"
    )
    with pytest.raises(gf.UsageError) as caught:
        list(gf.load(source).sample(3, unique=True))
    assert str(caught.value) == (
        "gave up finding a new sentence for intent A after 5 draws; its remaining "
        "sentences are too unlikely under the weights (try `all`)"
    )
    status, err = run(capsys, "sample", source, "-n", "3", "--unique")
    assert status == 2 and err.rstrip().endswith("under the weights (try --all)")
