"""The join gate, on hand-made data in three languages: where two slots touch, a join of
words seen side by side is allowed, one of words the data says often but never together
is blocked, and one with a word seen once is allowed, each with its reason; Thai written
without spaces; provenance, `--explain`, the count of what a pattern can give,
determinism, and nothing of the input lost."""

from __future__ import annotations

import json
import math

import pytest
from test_context_gate import texts
from test_resample import utt

from grammar_fst.cli.main import main
from grammar_fst.data import joins as jn
from grammar_fst.data import resample as rs
from grammar_fst.data.formats import jsonl
from grammar_fst.data.records import SlotValue, Utterance

# English: a day then a part of it ("tomorrow morning"); "tonight" is said often, never
# after a day; "today" is seen once.
ENGLISH = [
    utt("Remind", "remind me [date : tomorrow] [timeofday : morning]"),
    utt("Remind", "remind me [date : friday] [timeofday : evening]"),
    utt("Remind", "call me [date : tomorrow] [timeofday : evening]"),
    utt("Remind", "call me [date : friday] [timeofday : morning]"),
    utt("Remind", "remind me [timeofday : tonight]"),
    utt("Remind", "call me [timeofday : tonight]"),
    utt("Remind", "ping me [date : today]"),
]

# Spanish: "mañana por la tarde", "el viernes por la noche"; "esta noche" alone.
SPANISH = [
    utt("Recordar", "recuérdamelo [fecha : mañana] [parte : por la tarde]"),
    utt("Recordar", "recuérdamelo [fecha : el viernes] [parte : por la noche]"),
    utt("Recordar", "llámame [fecha : mañana] [parte : por la noche]"),
    utt("Recordar", "llámame [fecha : el viernes] [parte : por la tarde]"),
    utt("Recordar", "recuérdamelo [parte : esta noche]"),
    utt("Recordar", "llámame [parte : esta noche]"),
]

NO_CONTEXT = {"context": None}  # the join gate alone


def thai(intent: str, *pieces: tuple[str, str | None]) -> Utterance:
    """An utterance written without spaces from (text, slot or None) pieces."""
    text, slots = "", []
    for piece, slot in pieces:
        if slot is not None:
            slots.append(SlotValue(slot, piece, len(text), len(text) + len(piece)))
        text += piece
    return Utterance(text, intent, tuple(slots))


# Thai: "ปลุกฉัน" (wake me) then a day ("พรุ่งนี้" tomorrow, "วันศุกร์" friday) and a
# part of it ("ตอนเช้า" in the morning, "ตอนเย็น" in the evening); "คืนนี้" (tonight)
# alone. The tokenizer segments the words: "วัน ศุกร์", "คืน นี้", "ตอน เช้า".
THAI = [
    thai("ปลุก", ("ปลุกฉัน", None), ("พรุ่งนี้", "date"), ("ตอนเช้า", "part")),
    thai("ปลุก", ("ปลุกฉัน", None), ("วันศุกร์", "date"), ("ตอนเย็น", "part")),
    thai("ปลุก", ("เรียกฉัน", None), ("พรุ่งนี้", "date"), ("ตอนเย็น", "part")),
    thai("ปลุก", ("เรียกฉัน", None), ("วันศุกร์", "date"), ("ตอนเช้า", "part")),
    thai("ปลุก", ("ปลุกฉัน", None), ("คืนนี้", "part")),
    thai("ปลุก", ("เรียกฉัน", None), ("คืนนี้", "part")),
]


def test_slots_touch_where_no_word_comes_between():
    assert jn.touching(ENGLISH[0]) == [0]
    assert jn.touching(utt("A", "at [time : five] on [date : friday]")) == []
    assert jn.touching(utt("A", "[a : x] [b : y] , [c : z]")) == [0]  # a comma is a word
    assert jn.touching(THAI[0]) == [0]


def test_values_written_together_keep_their_own_join():
    """"7pm" is one word of the text but two values: the gate counts the words at the
    slot edges, so the source's own values meet and stay drawable (no empty choice)."""
    glued = Utterance(
        "set it at 7pm", "Set", (SlotValue("num", "7", 10, 11), SlotValue("unit", "pm", 11, 13))
    )
    spaced = [
        *[utt("Set", f"{lead} at [num : 7] [unit : am]") for lead in ("set it", "wake me")],
        *[utt("Set", f"{lead} at [num : 5] [unit : pm]") for lead in ("set it", "wake me")],
    ]
    gate = jn.learn([glued, *spaced])
    assert gate.meets("7", "pm") and not gate.meets("5", "am")
    out, _, _ = rs.resample([glued, *spaced], 6, seed=0, **NO_CONTEXT)
    assert glued in [g.utterance for g in out]


def test_a_join_is_blocked_allowed_or_rare_each_with_its_reason():
    gate = jn.learn(ENGLISH)
    seen = gate.join("tomorrow", "evening")
    assert seen.fits and seen.score == (1, 2)  # "tomorrow evening" is in the data
    never = gate.join("friday", "tonight")
    assert not never.fits and never.score == (0, 2)
    assert never.reason() == (
        "'friday' never comes before 'tonight' in the data, although the rarer of them is "
        "seen 2 times"
    )
    rare = gate.join("today", "tonight")  # "today" is seen once: no evidence
    assert rare.fits and rare.score == (0, 1)
    assert not jn.learn(ENGLISH, rare=1).join("today", "tonight").fits
    assert gate.join("Friday", "Tonight") == never  # words are case-folded
    words = sorted(gate.words)
    assert all(gate.meets(a, b) == gate.meeting(a, b).fits for a in words for b in words)


def test_no_new_utterance_makes_a_blocked_join_in_english():
    out, _, _ = rs.resample(ENGLISH, 40, seed=1, **NO_CONTEXT)
    made = texts(out)
    assert "remind me friday morning" in made and "call me tomorrow morning" in made
    assert not any(t.endswith(("tomorrow tonight", "friday tonight")) for t in made)
    assert any(t.endswith("today tonight") for t in made)  # a word seen once goes anywhere
    blind = texts(rs.resample(ENGLISH, 40, seed=1, context=None, joins=None)[0])
    assert any(t.endswith(("tomorrow tonight", "friday tonight")) for t in blind)


def test_no_new_utterance_makes_a_blocked_join_in_spanish():
    gate = jn.learn(SPANISH)
    assert not gate.join("el viernes", "esta noche").fits
    assert gate.join("el viernes", "por la tarde").fits
    made = texts(rs.resample(SPANISH, 30, seed=2, **NO_CONTEXT)[0])
    assert "llámame mañana por la noche" in made
    assert not any("mañana esta" in t or "viernes esta" in t for t in made)
    blind = texts(rs.resample(SPANISH, 30, seed=2, context=None, joins=None)[0])
    assert any("mañana esta" in t or "viernes esta" in t for t in blind)


def test_thai_written_without_spaces_is_joined_as_it_is_segmented():
    gate = jn.learn(THAI)
    never = gate.join("วันศุกร์", "คืนนี้")
    assert (never.last, never.first, never.fits) == ("ศุกร์", "คืน", False)
    assert gate.join("วันศุกร์", "ตอนเช้า").fits
    out, _, _ = rs.resample(THAI, 30, seed=3, **NO_CONTEXT)
    made = texts(out)
    assert "ปลุกฉันวันศุกร์ตอนเช้า" in made
    assert not any("ศุกร์คืน" in t or "พรุ่งนี้คืน" in t for t in made)
    for g in out:  # offsets stay exact in unspaced text
        for slot in g.utterance.slots:
            assert g.utterance.text[slot.start : slot.end] == slot.value


def test_what_a_pattern_can_give_counts_only_the_joins_let_through():
    pools = rs.build_pools(ENGLISH, context=None)
    source = ENGLISH[0]
    choices = pools.occurrences(source)
    brute = sum(pools.joins.join(a.text, b.text).fits for a in choices[0] for b in choices[1])
    assert brute < math.prod(map(len, choices))
    assert rs.capacity([source], pools) == brute
    unjoined = rs.build_pools(ENGLISH, context=None, joins=None)
    assert rs.capacity([source], unjoined) == math.prod(map(len, choices))


def test_provenance_and_explain_give_the_joins_scores_and_reasons():
    out, _, pools = rs.resample(ENGLISH, 40, seed=1, **NO_CONTEXT)
    swaps = [s for g in out for s in g.swaps or []]
    parts = [s for s in swaps if s["slot"] == "timeofday" and "join before" in s.get("gate", {})]
    days = [s for s in swaps if s["slot"] == "date" and "join after" in s.get("gate", {})]
    assert parts and days
    for s in parts:
        seen, rarer = s["gate"]["join before"]
        assert seen or rarer < jn.DEFAULT_RARE
    record = json.loads(rs.provenance_line(next(g for g in out if g.swaps)))
    assert record["provenance"]["swaps"]
    why = rs.explain(ENGLISH, pools)
    assert "Remind: date then timeofday, touching: 2 of 9 joins of their words blocked" in why
    assert (
        "  'friday' never comes before 'tonight' in the data, although the rarer of them is "
        "seen 2 times"
    ) in why
    assert "touching" not in rs.explain(ENGLISH, rs.build_pools(ENGLISH, joins=None))


def test_deterministic_and_nothing_of_the_input_lost():
    first, _, _ = rs.resample(ENGLISH, 30, seed=5)
    again, _, _ = rs.resample(ENGLISH, 30, seed=5)
    lines = [rs.provenance_line(g) for g in first]
    assert lines == [rs.provenance_line(g) for g in again]
    assert [g.utterance for g in first[: len(ENGLISH)]] == ENGLISH
    keys = [(g.utterance.text.casefold(), g.utterance.intent) for g in first]
    assert len(keys) == len(set(keys))


def test_the_command_line_turns_the_join_gate_off_or_sets_its_rarity(tmp_path, capsys):
    data = tmp_path / "plans.jsonl"
    data.write_text(
        "".join(jsonl.line(u, i) + "\n" for i, u in enumerate(ENGLISH)), encoding="utf-8"
    )
    runs = {}
    for name, flags in (("on", []), ("off", ["--no-joins"]), ("rare", ["--joins", "1"])):
        out = tmp_path / f"{name}.txt"
        args = ["resample", str(data), "-n", "40", "--no-context", "--to", "text", "-o"]
        assert main([*args, str(out), *flags]) == 0
        runs[name] = out.read_text(encoding="utf-8").splitlines()
    assert not any(t.endswith("friday tonight") for t in runs["on"])
    assert any(t.endswith(("friday tonight", "tomorrow tonight")) for t in runs["off"])
    assert not any(t.endswith("today tonight") for t in runs["rare"])
    with pytest.raises(SystemExit) as stopped:
        main(["resample", str(data), "-n", "5", "--joins", "-1"])
    assert stopped.value.code == 2
    assert "--joins" in capsys.readouterr().err
