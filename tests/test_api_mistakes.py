"""What the Python API says to a caller's mistakes: a UsageError naming the parameter,
not a numpy ValueError or an AttributeError from deep inside; and a single intent name
given as a string is that intent, not its letters."""

from __future__ import annotations

import hashlib
import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

import grammar_fst as gf

TOY = """$some_more = some | more
intent PlayMusic = play $some_more? {genre} music
slot genre = pop | rock
"""


@pytest.fixture(scope="module")
def toy():
    return gf.from_text(TOY)


@pytest.mark.parametrize(
    "n, options, message",
    [
        (-1, {}, "`n` must be a whole number of 0 or more, not -1"),
        (2.5, {}, "`n` must be a whole number of 0 or more, not 2.5"),
        ("3", {}, "`n` must be a whole number of 0 or more, not '3'"),
        (2, {"seed": -1}, "`seed` must be a whole number of 0 or more, not -1"),
        (2, {"seed": None}, "`seed` must be a whole number of 0 or more, not None"),
        (2, {"seed": 1.5}, "`seed` must be a whole number of 0 or more, not 1.5"),
        (2, {"jobs": 0}, "`jobs` must be a whole number of 1 or more, not 0"),
        (0, {"quota": {"PlayMusic": -2}}, "`quota` must be a whole number of 0 or more, not -2"),
    ],
)
def test_bad_numbers_are_usage_errors(toy, n, options, message):
    with pytest.raises(gf.UsageError) as caught:
        next(toy.sample(n, **options))
    assert str(caught.value) == message


def test_one_intent_named_as_a_string(toy):
    assert {u.intent for u in toy.sample(3, seed=1, intents="PlayMusic")} == {"PlayMusic"}
    assert toy.counts("PlayMusic") == ({"PlayMusic": 6}, 6)
    assert len(list(toy.all("PlayMusic"))) == 6
    assert toy.allocation(4, "PlayMusic")[0][1] == 4


def test_allocation_refuses_a_negative_number(toy):
    with pytest.raises(gf.UsageError, match="`n` must be a whole number of 0 or more"):
        toy.allocation(-5)


def test_induce_takes_plain_sentences():
    induced = gf.induce(["play rock music", "play pop music"], weight=1)
    assert induced.summary() == "1 rule, 1 intent, 2 golden utterances"
    assert gf.from_text(induced.text()).count() == 2


@pytest.mark.parametrize(
    "utterances, options, message",
    [
        ("play rock", {}, "`utterances` must be a list of Utterances or strings, not one string"),
        ([{"text": "play rock"}], {}, "utterance 1 is a dict, not an Utterance or a string"),
        (["play rock"], {"language": "!!"}, "'!!' is not a language tag such as th or es-MX"),
    ],
)  # fmt: skip
def test_induce_mistakes_are_usage_errors(utterances, options, message):
    with pytest.raises(gf.UsageError) as caught:
        gf.induce(utterances, weight=1, **options)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    "asked", [{"intent": "PlayMusic", "slot": "genre"}, {"rule": "some_more", "slot": "genre"}]
)
def test_draw_refuses_two_things_at_once(toy, asked):
    with pytest.raises(gf.UsageError) as caught:
        toy.draw(**asked)
    assert str(caught.value) == "draw one of `intent`, `rule` or `slot`, not several"


@pytest.mark.parametrize(
    "source, message",
    [
        (b"intent A = a", "x.grm: the source must be a str, not bytes; decode it first"),
        (None, "x.grm: the source must be a str, not NoneType"),
    ],
)
def test_source_text_that_is_not_a_str(source, message):
    for read in (gf.from_text, gf.parse):
        with pytest.raises(gf.UsageError) as caught:
            read(source, "x.grm")
        assert str(caught.value) == message


@pytest.mark.parametrize("sentence", [None, ["play pop music"], b"play pop music"])
def test_parse_needs_a_str(toy, sentence):
    for read in (toy.parse, toy.readings):
        with pytest.raises(gf.UsageError, match="a sentence to parse is a str, not "):
            read(sentence)


def test_readings_refuse_a_negative_limit(toy):
    assert len(toy.readings("play pop music", limit=0)) == 0
    with pytest.raises(gf.UsageError, match="`limit` must be a whole number of 0 or more"):
        toy.readings("play pop music", limit=-1)


def test_write_far_keeps_the_files_the_grammar_was_read_from(tmp_path):
    (tmp_path / "common.grm").write_text("slot genre = pop | rock\n", encoding="utf-8")
    source = tmp_path / "toy.grm"
    source.write_text('import "common.grm"\nintent A = play {genre}\n', encoding="utf-8")
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    grammar = gf.load(source)
    for path in (source, tmp_path / "common.grm"):
        with pytest.raises(gf.UsageError, match=f"the output {path} is also an input"):
            grammar.write_far(path)
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before
    grammar.write_far(tmp_path / "toy.far")
    assert gf.load(tmp_path / "toy.far").count() == 2


def test_induce_refuses_a_slot_that_does_not_fit_its_text():
    wrong = gf.Utterance("play rock", "A", (gf.SlotValue("genre", "rock", 0, 4),))
    with pytest.raises(gf.UsageError) as caught:
        gf.induce([gf.Utterance("play pop", "A"), wrong], weight=1)
    assert str(caught.value) == (
        "utterance 2: slot 'genre' has value 'rock' but the text at 0..4 is 'play'"
    )


def test_catalogues_must_be_a_mapping(tmp_path):
    grammar = tmp_path / "toy.grm"
    grammar.write_text(TOY)
    said = "catalogues maps slot names to catalogue files, such as {'team': 'nba.txt'}, not"
    with pytest.raises(gf.UsageError, match="^" + said):
        gf.load(grammar, catalogues="genres.txt")
    with pytest.raises(gf.UsageError, match="^" + said):
        gf.induce(["play some jazz"], catalogues="genres.txt")


def test_an_unknown_resample_allocation_is_a_usage_error():
    from grammar_fst.data import resample

    golden = gf.Utterance("play jazz", "PlayMusic", (gf.SlotValue("genre", "jazz", 5, 9),))
    with pytest.raises(gf.UsageError, match="allocation must be one of entropy, source, uniform"):
        resample.resample([golden], 4, allocation="x")


@pytest.mark.parametrize("call, message", [
    (lambda g: list(g.sample(3, quota=[("PlayMusic", 2)])), "`quota` maps intents to counts"),
    (lambda g: g.sizes(budget="x"), "`budget` must be a whole number of 1 or more, not 'x'"),
    (lambda g: g.sizes(budget=-1), "`budget` must be a whole number of 1 or more, not -1"),
    (lambda g: gf.catalogues_containing(["pop"], {"genre": "x.txt"}),
     "catalogue 'genre' is a str, not a Catalogue: read it with read_catalogue first"),
    (lambda g: gf.induce([gf.Utterance("play pop", None)]),
     "utterance 1: its intent is a NoneType, not a string"),
    (lambda g: gf.induce(["play pop"], jobs=0), "`jobs` must be a whole number of 1 or more"),
    (lambda g: gf.load(Path(__file__).parent.parent / "grammars" / "toy.grm", allow=5),
     "allow names folders"),
    (lambda g: gf.format_grammar(None), "format_grammar takes a Grammar"),
    (lambda g: g.sizes(budget=10**30), "`budget` must be at most 9,223,372,036,854,775,807"),
    (lambda g: g.write_far(None), "`path` names a file (a str or a Path), not None"),
    (lambda g: gf.load(b"toy.grm"), "`path` names a file (a str or a Path), not b'toy.grm'"),
    (lambda g: gf.load(""), "`path` names a file (a str or a Path), not ''"),
])  # fmt: skip
def test_wrong_types_are_usage_errors_that_say_what_is_wanted(toy, call, message):
    with pytest.raises(gf.UsageError, match=re.escape(message)):
        call(toy)


GOLDEN = [gf.Utterance("play jazz", "P", (gf.SlotValue("g", "jazz", 5, 9),))]


@pytest.mark.parametrize("options, message", [
    ({"threshold": "x"}, "`threshold` must be a number from 0 to 1, not 'x'"),
    ({"threshold": float("nan")}, "`threshold` must be a number from 0 to 1, not nan"),
    ({"context": -1}, "`context` must be a number of 0 or more, not -1"),
    ({"kinds": 5}, "`kinds` must be a number from 0 to 1, not 5"),
    ({"joins": 1.5}, "`joins` must be a whole number of 0 or more, not 1.5"),
    ({"kinds_seen": -3}, "`kinds_seen` must be a whole number of 0 or more, not -3"),
])  # fmt: skip
def test_resample_refuses_what_the_command_line_refuses(options, message):
    from grammar_fst.data import resample

    with pytest.raises(gf.UsageError, match=re.escape(message)):
        resample.resample(GOLDEN, 4, **options)


@pytest.mark.parametrize("utterances, message", [
    (["play jazz"], "utterance 1 of `utterances`: not an Utterance with a tuple of slots"),
    ([gf.Utterance("hi", "A", None)],
     "utterance 1 of `utterances`: not an Utterance with a tuple of slots"),
    ([gf.Utterance("play jazz", "P", (gf.SlotValue("g", "zz", 5, 9),))],
     "utterance 1 of `utterances`: slot 'g' has value 'zz' but the text at 5..9 is 'jazz'"),
])  # fmt: skip
def test_resample_refuses_records_that_do_not_fit(utterances, message):
    from grammar_fst.data import resample

    with pytest.raises(gf.UsageError, match=re.escape(message)):
        resample.resample(utterances, 4)


def test_evaluate_names_its_own_parameter(toy):
    from grammar_fst import evaluate

    with pytest.raises(gf.UsageError, match=re.escape("`samples` must be a whole number")):
        evaluate.evaluate(toy, [], samples=-1)


ROOT = Path(__file__).parent.parent
MUSIC = ROOT / "grammars" / "music.grm"


def _evaluate(*args):
    from grammar_fst.evaluate import evaluate

    return evaluate(*args)


def _resample(*args, **options):
    from grammar_fst.data.resample import resample

    return resample(*args, **options)


def _read(*args, **options):
    from grammar_fst.data import formats

    return formats.read(*args, **options)


def _records(on_error):
    from grammar_fst.data.formats import jsonl
    from grammar_fst.data.formats._common import Records, Source

    return Records(Source("x.jsonl", ""), jsonl.parse, on_error)


def _writable(on_error):
    from grammar_fst.data import formats

    return formats.writable([], "jsonl", on_error, "x.jsonl", [])


@pytest.mark.parametrize("call, message", [
    (lambda g: _evaluate("grammars/music.grm", []),
     "`grammar` must be a CompiledGrammar, not 'grammars/music.grm'; load it with "
     "grammar_fst.load(path)"),
    (lambda g: _evaluate(g, ["play pop music"]),
     "utterance 1 of `heldout`: not an Utterance with a tuple of slots"),
    (lambda g: _evaluate(g, None), "`heldout` must be a list of Utterances, not None"),
    (lambda g: _resample(None, 20), "`utterances` must be a list of Utterances, not None"),
    (lambda g: gf.induce(None), "`utterances` must be a list of Utterances or strings, not None"),
    (lambda g: _read(None), "`path` names a file (a str or a Path), not None"),
    (lambda g: _read(ROOT / "examples" / "play_music.txt", on_error="ignore"),
     "`on_error` must be one of 'stop', 'skip', not 'ignore'"),
    (lambda g: _records("ignore"), "`on_error` must be one of 'stop', 'skip', not 'ignore'"),
    (lambda g: _writable("ignore"), "`on_error` must be one of 'stop', 'skip', not 'ignore'"),
    (lambda g: list(g.sample(3, render=lambda u: u.text)),
     "`render` is called as render(utterance, position), which <lambda>(u) does not take"),
    (lambda g: list(g.sample(3, render="{text}")),
     "`render` is called as render(utterance, position): a function, not '{text}'"),
    (lambda g: list(g.sample(3, intents=5)),
     "`intents` must be a str or an iterable of str, not 5"),
    (lambda g: list(g.sample(3, intents=[["PlayMusic"]])),
     "`intents` must be a str or an iterable of str, not [['PlayMusic']]"),
    (lambda g: g.count(["PlayMusic"]),
     "`intent` must be an intent's name (a str), not ['PlayMusic']"),
    (lambda g: g.counts(5), "`intents` must be a str or an iterable of str, not 5"),
    (lambda g: list(g.sample(10, client="local:2")),
     "`client` must be a connected dask.distributed.Client, not 'local:2': make one with "
     "distributed.Client(address)"),
    (lambda g: gf.CompiledGrammar("grammars/toy.grm"),
     "`fsts` must be compiled FSTs (a CompiledFsts), not 'grammars/toy.grm'; make a grammar "
     "with grammar_fst.load(path) or grammar_fst.from_text(text)"),
])  # fmt: skip
def test_mistakes_deep_inside_are_usage_errors_at_the_call(toy, call, message):
    with pytest.raises(gf.UsageError, match=re.escape(message)):
        call(toy)


def test_a_render_that_takes_the_two_arguments_is_accepted(toy):
    from grammar_fst.data import formats

    def with_extra(u, position, prefix="> "):
        return prefix + u.text

    for render in (with_extra, formats.get("jsonl").line_writer()):
        assert len(list(toy.sample(2, render=render))) == 2


def test_a_client_given_is_checked_without_importing_dask():
    code = (
        "import sys, grammar_fst as gf\n"
        "g = gf.from_text('intent A = play (pop | rock)')\n"
        "list(g.sample(2, client=None))\n"
        "try:\n    g.sample(2, client='tcp://localhost:8786')\n"
        "except gf.UsageError as err:\n    print(err)\n"
        "print('distributed' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    said, imported = done.stdout.splitlines()
    assert said.startswith("`client` must be a connected dask.distributed.Client")
    assert imported == "False"


@pytest.mark.parametrize("call, flag", [
    (lambda g: g.sample(3, unique="no"), "unique"),
    (lambda g: g.sample(3, cover="yes"), "cover"),
    (lambda g: g.sample_blocks(3, chunks=1), "chunks"),
    (lambda g: g.sample_blocks(3, unique=None), "unique"),
    (lambda g: g.all(unique="no"), "unique"),
    (lambda g: _resample(GOLDEN, 4, originals="no"), "originals"),
    (lambda g: _resample(GOLDEN, 4, per_intent="yes"), "per_intent"),
    (lambda g: gf.induce(["play pop"], weight=1, fold_case="no"), "fold_case"),
    (lambda g: gf.induce(["play pop"], weight=1, reorder="yes"), "reorder"),
])  # fmt: skip
def test_flags_must_be_true_or_false(toy, call, flag):
    with pytest.raises(gf.UsageError, match=f"^`{flag}` must be True or False, not "):
        call(toy)


def test_one_value_given_as_a_string_is_that_value(tmp_path):
    (tmp_path / "cities.txt").write_text("paris\nnew york\n", encoding="utf-8")
    catalogues = {"city": gf.read_catalogue(tmp_path / "cities.txt")}
    assert gf.catalogues_containing("paris", catalogues) == ["city"]
    assert gf.catalogues_containing("pa", catalogues) == []  # not its letters, each known
    with pytest.raises(gf.UsageError, match="`values` must be a str or an iterable of str"):
        gf.catalogues_containing(5, catalogues)


@pytest.mark.parametrize("name", ["x.grm", "X.GRM"])
def test_write_far_refuses_a_name_of_grammar_source(toy, tmp_path, name):
    with pytest.raises(gf.UsageError) as caught:
        toy.write_far(tmp_path / name)
    assert str(caught.value) == (
        f"write_far writes a .far archive, not .grm source: name the output "
        f"{tmp_path / name[:-4]}.far"
    )
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("call, message", [
    (lambda g: g.sample(-1, intents=["Nope"], jobs=0), "`n` must be a whole number"),
    (lambda g: g.sample(3, intents=["Nope"]), "unknown intent 'Nope'"),
    (lambda g: g.sample_blocks(3, split="odd"), "unknown split 'odd'"),
    (lambda g: g.sample_blocks(3, allocate="entropy", cover=True), "no `quota`, `split` or"),
    (lambda g: g.all(["Nope"]), "unknown intent 'Nope'"),
    (lambda g: gf.CompiledGrammar(g.fsts).sample(3, cover=True), "covering needs the grammar"),
])  # fmt: skip
def test_sampling_and_enumerating_check_their_arguments_when_called(toy, call, message):
    with pytest.raises(gf.UsageError, match=re.escape(message)):
        call(toy)  # not only at the first next()


def _digest(utterances) -> str:
    from grammar_fst.data.formats import jsonl

    lines = "".join(jsonl.line(u, 0) + "\n" for u in utterances)
    return hashlib.sha256(lines.encode()).hexdigest()[:16]


def test_checking_at_the_call_keeps_the_sentences_of_a_seed():
    """The digests are those of the sentences given when the checks waited for the first
    block."""
    music = gf.load(MUSIC)
    assert _digest(music.sample(300, seed=7, cover=True, unique=True)) == "e72b5ee4347b69f4"
    assert _digest(itertools.islice(music.all("GetArtistInfo", unique=True), 200)) == (
        "33f0b5df297f17f3"
    )
    blocks = music.sample_blocks(3000, seed=4, unique=True)
    assert [u for block in blocks for u in block] == list(music.sample(3000, seed=4, unique=True))
