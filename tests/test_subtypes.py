"""Sub-types of a slot type, found by the words around its values, on hand-made data in
two languages and scripts: wrong-kind swaps blocked and right-kind ones allowed, each with
its reason; rare values left to the context gate; provenance, determinism, and nothing of
the input lost."""

from __future__ import annotations

import json

import pytest
from test_context_gate import texts
from test_resample import utt

from grammar_fst.cli.main import main
from grammar_fst.data import resample as rs
from grammar_fst.data import subtypes as sub
from grammar_fst.data.formats import jsonl

# English `time` holds clock times (after "at", before "tomorrow") and durations (after
# "for" or "in", before "please"); both are one or two words, their edges tell nothing.
ENGLISH = [
    utt("Alarm", "wake me up at [time : seven] tomorrow"),
    utt("Alarm", "call me at [time : noon] tomorrow"),
    utt("Alarm", "ring at [time : eight] tomorrow"),
    utt("Alarm", "set a timer for [time : ten minutes] please"),
    utt("Alarm", "remind me in [time : an hour] please"),
    utt("Alarm", "set a timer for [time : an hour] please"),
    utt("Alarm", "remind me in [time : five minutes] please"),
    utt("Alarm", "call me at [time : seven] tomorrow"),
]

# Russian, in Cyrillic: clock times after "в" and before "утром", durations after "на" or
# "через" and before "пожалуйста".
RUSSIAN = [
    utt("Будильник", "разбуди меня в [время : семь] утром"),
    utt("Будильник", "позвони мне в [время : восемь] утром"),
    utt("Будильник", "звони в [время : шесть] утром"),
    utt("Будильник", "поставь таймер на [время : десять минут] пожалуйста"),
    utt("Будильник", "напомни через [время : час] пожалуйста"),
    utt("Будильник", "поставь таймер на [время : час] пожалуйста"),
    utt("Будильник", "напомни через [время : пять минут] пожалуйста"),
]


def test_clock_times_and_durations_are_two_sub_types():
    kinds = sub.learn(ENGLISH)
    clock, duration = kinds.kind("time", "seven"), kinds.kind("time", "an hour")
    assert clock and duration and clock != duration
    assert {kinds.kind("time", v) for v in ("noon", "eight", "Seven")} == {clock}
    assert {kinds.kind("time", v) for v in ("ten minutes", "five minutes")} == {duration}
    # the most seen value comes first and names its sub-type in reasons
    assert kinds.describe(clock) == f"{clock} ('seven', 'eight', 'noon')"
    # values with no neighbour in common never share a sub-type, at any similarity
    assert sub.learn(ENGLISH, 0.0).members == kinds.members


def test_a_duration_is_kept_out_of_a_clock_time_place_in_english():
    out, _, pools = rs.resample(ENGLISH, 40, seed=3, context=None, subtypes=0.3)
    made = texts(out)
    assert "wake me up at noon tomorrow" in made  # a clock time for a clock time
    assert "set a timer for five minutes please" in made  # a duration for a duration
    assert not any(" at ten minutes" in t or " at an hour" in t or " for seven" in t for t in made)
    # without sub-types the same data makes them
    blind = texts(rs.resample(ENGLISH, 40, seed=3, context=None)[0])
    assert any(" at ten minutes" in t or " for seven" in t for t in blind)
    why = rs.explain(ENGLISH, pools)
    clock = pools.kind("time", "seven")
    assert f"Alarm: time between 'at' and 'tomorrow', in place of a value of {clock}:" in why
    assert (
        "  'ten minutes': the sub-types differ: it is of "
        f"{pools.subtypes.describe(pools.kind('time', 'ten minutes'))}, not {clock}"
    ) in why


def test_a_duration_is_kept_out_of_a_clock_time_place_in_russian():
    kinds = sub.learn(RUSSIAN)
    assert kinds.kind("время", "семь") == kinds.kind("время", "ВОСЕМЬ")
    assert kinds.kind("время", "час") == kinds.kind("время", "пять минут")
    assert kinds.kind("время", "семь") != kinds.kind("время", "час")
    made = texts(rs.resample(RUSSIAN, 36, seed=2, context=None, subtypes=0.3)[0])
    assert "разбуди меня в шесть утром" in made
    assert "напомни через десять минут пожалуйста" in made
    assert not any(" в час" in t or " в пять минут" in t or " на семь" in t for t in made)


def test_a_value_seen_too_rarely_to_tell_is_left_to_the_context_gate():
    # "midnight" has neighbours no other value has: it has no sub-type and may go to any
    # place, and any value may take its place
    data = [*ENGLISH, utt("Alarm", "beep by [time : midnight] maybe")]
    kinds = sub.learn(data)
    assert kinds.kind("time", "midnight") is None
    assert kinds.compatible("time", kinds.kind("time", "seven"), "midnight")
    assert kinds.compatible("time", None, "ten minutes")
    made = texts(rs.resample(data, 60, seed=1, context=None, subtypes=0.3)[0])
    assert "wake me up at midnight tomorrow" in made
    assert any(t.startswith("beep by ") and "midnight" not in t for t in made)
    # a catalogue value, never seen, has none either
    assert kinds.kind("time", "half past nine") is None


def test_provenance_records_the_sub_types_of_each_swap():
    out, _, pools = rs.resample(ENGLISH, 30, seed=4, context=None, subtypes=0.3)
    swaps = [s for g in out for s in g.swaps or []]
    assert swaps
    for s in swaps:
        assert s["subtypes"] == [pools.kind("time", s["from"]), pools.kind("time", s["to"])]
        assert s["subtypes"][0] == s["subtypes"][1]  # every value here has a sub-type
    record = json.loads(rs.provenance_line(next(g for g in out if g.swaps)))
    assert "subtypes" in record["provenance"]["swaps"][0]
    # without sub-types, provenance does not name them
    plain = rs.resample(ENGLISH, 30, seed=4)[0]
    assert all("subtypes" not in s for g in plain for s in g.swaps or [])


def test_same_seed_same_bytes_and_nothing_lost(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text("".join(jsonl.line(u, 0) + "\n" for u in ENGLISH + RUSSIAN), "utf-8")

    def run(seed: int, name: str) -> bytes:
        out = tmp_path / name
        args = ["resample", str(data), "-n", "50", "--subtypes", "0.3", "--seed", str(seed)]
        assert main([*args, "-o", str(out)]) == 0
        return out.read_bytes()

    first = run(6, "a.jsonl")
    assert first == run(6, "b.jsonl") and first != run(7, "c.jsonl")
    records = [json.loads(line) for line in first.decode("utf-8").splitlines()]
    originals = [(u.text, u.intent) for u in ENGLISH + RUSSIAN]
    assert [(r["text"], r["intent"]) for r in records[: len(originals)]] == originals
    used = {(s["slot"], s["value"]) for r in records for s in r["slots"]}
    assert {(s.slot, s.value) for u in ENGLISH + RUSSIAN for s in u.slots} <= used


def test_cli_explain_and_a_bad_similarity(tmp_path, capsys):
    data = tmp_path / "in.jsonl"
    data.write_text("".join(jsonl.line(u, 0) + "\n" for u in ENGLISH), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["resample", str(data), "-n", "20", "--subtypes", "0.3", "--explain",
                 "-o", str(out)]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "time: 2 sub-types by context, values swap within their own: " in err
    assert "the sub-types differ" in err
    with pytest.raises(SystemExit) as stop:
        main(["resample", str(data), "-n", "20", "--subtypes", "2", "-o", str(out)])
    assert stop.value.code == 2
    assert "'2' is not between 0 and 1" in capsys.readouterr().err
