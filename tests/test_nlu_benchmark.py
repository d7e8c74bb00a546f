"""The downstream NLU benchmark (benchmarks/nlu_snips.py): its model's scores against
hand-computed values, and the whole pipeline on a tiny hand-written SNIPS-format fixture."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst.data.formats import snips
from grammar_fst.data.formats.massive import parse_annotation

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import nlu_models as nlu  # noqa: E402


def utt(intent: str, annotated: str) -> gf.Utterance:
    text, slots = parse_annotation(annotated)
    return gf.Utterance(text, intent, slots)


# -- BIO tags, spans and scores by hand -----------------------------------------------------


def test_bio_tags_follow_the_slots_characters():
    u = utt("PlayMusic", "play [artist : the beatles] in the [room : kitchen], please")
    words, tags = nlu.bio(u)
    assert words == ["play", "the", "beatles", "in", "the", "kitchen", ",", "please"]
    assert tags == ["O", "B-artist", "I-artist", "O", "O", "B-room", "O", "O"]
    assert nlu.spans(tags) == {("artist", 1, 3), ("room", 5, 6)}


@pytest.mark.parametrize(
    "annotated, words, tags",
    [
        (
            "[city : नई दिल्ली] में मौसम",
            ["नई", "दिल्ली", "में", "मौसम"],
            ["B-city", "I-city", "O", "O"],
        ),
        # case folding makes the final sigma a sigma, as it does "ß" "ss"
        ("καιρός στην [city : Αθήνα]", ["καιρόσ", "στην", "αθήνα"], ["O", "O", "B-city"]),
        ("jouer [artist : Édith Piaf]", ["jouer", "édith", "piaf"], ["O", "B-artist", "I-artist"]),
    ],
)
def test_bio_tags_in_other_scripts(annotated, words, tags):
    assert nlu.bio(utt("X", annotated)) == (words, tags)


def test_spans_read_bio_as_conlleval_does():
    assert nlu.spans(["B-a", "I-a", "I-b", "O", "I-a", "B-a", "B-a"]) == {
        ("a", 0, 2),
        ("b", 2, 3),
        ("a", 4, 5),
        ("a", 5, 6),
        ("a", 6, 7),
    }
    assert nlu.spans(["O", "O"]) == set()


def test_scores_by_hand():
    truth = [
        utt("Play", "play [artist : abba] in the [room : hall]"),  # 2 spans
        utt("Play", "play [artist : queen]"),  # 1 span
        utt("Weather", "weather in [city : oslo]"),  # 1 span
    ]
    predicted = [
        nlu.Prediction("Play", ["O", "B-artist", "O", "O", "B-room"]),  # both right
        nlu.Prediction("Weather", ["O", "B-artist"]),  # span right, intent wrong
        nlu.Prediction("Weather", ["B-city", "O", "O"]),  # one wrong span, one missed
    ]
    scores = nlu.score(truth, predicted)
    assert scores.intent_accuracy == pytest.approx(2 / 3)
    assert scores.slot_precision == pytest.approx(3 / 4)  # 3 right of 4 predicted
    assert scores.slot_recall == pytest.approx(3 / 4)  # 3 found of 4
    assert scores.slot_f1 == pytest.approx(3 / 4)
    assert scores.exact_match == pytest.approx(1 / 3)


def test_the_model_learns_intents_and_slots():
    training = [
        utt("Play", f"play [artist : {a}]") for a in ("abba", "queen", "muse", "adele", "sting")
    ] + [utt("Weather", f"weather in [city : {c}]") for c in ("oslo", "rome", "lima", "kyiv")]
    model = nlu.Model(training, iterations=30)
    truth = [utt("Play", "play [artist : abba]"), utt("Weather", "weather in [city : rome]")]
    assert nlu.score(truth, model.predict(truth)).exact_match == 1.0
    with pytest.raises(ValueError, match="at least two intents"):
        nlu.Model(training[:5])


# -- the pipeline on a hand-written fixture -------------------------------------------------

# Three intents, one of them in Greek; each pool is the first eight, each full file the
# whole list (the benchmark tests on the full file's utterances that are not in the pool).
FIXTURE = {
    "PlayMusic": [
        "play [artist : abba]",
        "play some [genre : jazz]",
        "play [artist : queen] please",
        "put on [genre : rock] music",
        "i want to hear [artist : muse]",
        "play [genre : pop] by [artist : adele]",
        "put on some [artist : sting]",
        "play [artist : abba] songs",
        "play [artist : blur]",
        "play some [genre : soul]",
        "put on [genre : blues] music",
        "i want to hear [artist : oasis]",
        "play [genre : funk] by [artist : prince]",
        "play [artist : queen]",
        "put on some [genre : jazz]",
        "play [artist : muse] songs",
    ],
    "GetWeather": [
        "καιρός στην [city : αθήνα]",
        "τι καιρό κάνει στη [city : πάτρα]",
        "καιρός [date : αύριο] στη [city : λάρισα]",
        "θα βρέξει [date : σήμερα] στην [city : αθήνα]",
        "καιρός στο [city : βόλο]",
        "τι καιρό κάνει [date : αύριο]",
        "καιρός στη [city : κέρκυρα]",
        "θα βρέξει στη [city : πάτρα]",
        "καιρός στη [city : καβάλα]",
        "τι καιρό κάνει στη [city : σπάρτη]",
        "καιρός [date : σήμερα] στη [city : πάτρα]",
        "θα βρέξει [date : αύριο] στην [city : αθήνα]",
        "καιρός στο [city : ηράκλειο]",
        "τι καιρό κάνει [date : σήμερα]",
        "καιρός στη [city : χαλκίδα]",
        "θα βρέξει στη [city : λάρισα]",
    ],
    "BookTable": [
        "book a table for [party : two]",
        "book a table at [restaurant : nopi] for [party : four]",
        "reserve a table for [party : six] [time : tonight]",
        "i need a table at [restaurant : dishoom]",
        "book [restaurant : hawksmoor] for [party : two] [time : tomorrow]",
        "reserve a table [time : tonight]",
        "book a table for [party : three] at [restaurant : barrafina]",
        "i need a table for [party : two]",
        "book a table for [party : five]",
        "book a table at [restaurant : padella] for [party : two]",
        "reserve a table for [party : four] [time : tomorrow]",
        "i need a table at [restaurant : nopi]",
        "book [restaurant : dishoom] for [party : six] [time : tonight]",
        "reserve a table [time : tomorrow]",
        "book a table for [party : two] at [restaurant : hoppers]",
        "i need a table for [party : three]",
    ],
}


def write_fixture(root: Path) -> Path:
    folder = root / "snips"
    folder.mkdir(parents=True)
    for intent, lines in FIXTURE.items():
        utterances = [utt(intent, line) for line in lines]
        for name, part in (
            (f"train_{intent}.json", utterances[:8]),
            (f"train_{intent}_full.json", utterances),
        ):
            (folder / name).write_text(snips.write_document(part), encoding="utf-8")
    return root


def run_benchmark(data: Path, work: Path, jobs: int, *extra: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        str(BENCHMARKS / "nlu_snips.py"),
        "--data", str(data),
        "--seeds", "2",
        "--golden", "4",
        "--samples", "10,30",
        "--test-share", "0.4",
        "--iterations", "20",
        "--jobs", str(jobs),
        "--work", str(work),
        *extra,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_the_benchmark_runs_end_to_end_on_a_fixture(tmp_path):
    data = write_fixture(tmp_path / "data")
    done = run_benchmark(data, tmp_path / "work", jobs=2)
    assert done.returncode == 0, done.stderr
    scores, changes = done.stdout.split("Change against (a)")
    rows = [line.split(" | ") for line in scores.splitlines() if line.startswith("| (")]
    labels = [
        "| (a) golden only",
        "| (b) + induced grammar, 10/intent",
        "| (b) + induced grammar, 30/intent",
        "| (c) + guided resampling, 30/intent",
        "| (c0) + guided resampling without the context gate, 30/intent",
        "| (c′) + guided resampling, pooled: 30/intent on average",
        "| (d) + plain slot swapping, 30/intent",
        "| (e) + grammar & guided resampling, entropy, 30/intent",
        "| (f) training side of the full files (ceiling)",
    ]
    assert [row[0] for row in rows] == labels
    sizes = [int(row[1].replace(",", "")) for row in rows]
    assert sizes[:3] == [3 * 4, 12 + 3 * 10, 12 + 3 * 30]  # golden, then + grammar samples
    assert all(int(row[2].replace(",", "")) <= size for row, size in zip(rows, sizes))
    for row in rows:  # every score is a percentage, with a spread over the two seeds
        for cell in row[4:]:
            assert 0 <= float(cell.split()[0]) <= 100
            assert ("±" in cell) != row[0].startswith("| (f)")
    deltas = [line.split(" | ") for line in changes.splitlines() if line.startswith("| (")]
    assert [row[0] for row in deltas] == labels[1:]
    assert all("±" in cell for row in deltas for cell in row[1:])
    assert re.search(r"real utterances\): [\d.]+; golden only: [\d.]+ \(\d+%\)", done.stdout)
    assert all(cell.startswith(("+", "-")) for row in deltas for cell in row[1:])
    assert re.search(r"The catalogues hold [\d.]+% of the test set's slot values", done.stdout)
    # the test set is the full files' utterances outside the pools; no real utterance of
    # it is trained on (a synthetic sentence may say one: "test said" counts them)
    work = tmp_path / "work"
    test = {json.loads(line)["text"] for line in (work / "test.jsonl").open(encoding="utf-8")}
    assert len(test) == round(0.4 * 16) * 3
    for real in (work / "seed0" / "a.jsonl", work / "seed1" / "a.jsonl", work / "f.jsonl"):
        texts = {json.loads(line)["text"] for line in real.open(encoding="utf-8")}
        assert texts and not texts & test, real.name
    assert all(row[3] == "0.0" for row in rows if row[0].startswith(("| (a)", "| (f)")))
    # the catalogues hold the training side's values only: cities said in test alone are out
    cities = (work / "catalogues" / "GetWeather" / "city.txt").read_text(encoding="utf-8")
    weather = [utt("GetWeather", line) for line in FIXTURE["GetWeather"]]
    values = {
        held: {s.value for u in weather if (u.text in test) == held for s in u.slots}
        for held in (True, False)
    }
    test_only = values[True] - values[False]
    assert test_only and not test_only & set(cities.split("\n"))
    assert {"αθήνα", "πάτρα"} <= set(cities.split("\n"))
    # the same on one process: the same table
    again = run_benchmark(data, tmp_path / "again", jobs=1)
    assert again.stdout == done.stdout


def test_rows_builds_and_trains_the_rows_asked_for_and_a(tmp_path):
    data = write_fixture(tmp_path / "data")
    done = run_benchmark(data, tmp_path / "work", 1, "--rows", "c0")
    assert done.returncode == 0, done.stderr
    labels = [line.split(" | ")[0] for line in done.stdout.splitlines() if line.startswith("| (")]
    assert labels[:2] == [
        "| (a) golden only",
        "| (c0) + guided resampling without the context gate, 30/intent",
    ]
    assert sorted(p.name for p in (tmp_path / "work" / "seed0").glob("*.jsonl")) == [
        "a.jsonl",
        "c0.jsonl",
    ]
    assert "not all of rows" in done.stdout
    refused = run_benchmark(data, tmp_path / "other", 1, "--rows", "c9")
    assert refused.returncode != 0 and "no such row: c9" in refused.stderr
