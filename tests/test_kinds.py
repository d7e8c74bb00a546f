"""Kinds of values (`--kinds`), on hand-made data in two languages: the kinds learned from
where values are seen and the words inside them, swaps of another kind blocked and of the
same kind allowed, each with its reason; rare values; provenance, determinism, and nothing
of the input lost."""

from __future__ import annotations

import json

from test_context_gate import texts
from test_resample import utt

from grammar_fst.cli.main import main
from grammar_fst.data import context as ctx
from grammar_fst.data import kinds as kd
from grammar_fst.data import resample as rs
from grammar_fst.data.formats import jsonl

# English `date`: days, one word, after "on"; periods, "this" or "next" then "week" or
# "month", after "for". Neither the places nor the inner words alone tell them apart as
# well as both: days and periods both end sentences.
ENGLISH = [
    utt("Plan", "see you on [date : friday]"),
    utt("Plan", "meet me on [date : friday]"),
    utt("Plan", "see you on [date : monday]"),
    utt("Plan", "meet me on [date : monday]"),
    utt("Plan", "call me on [date : tuesday]"),
    utt("Plan", "meet me on [date : tuesday]"),
    utt("Plan", "plan it for [date : this week]"),
    utt("Plan", "book it for [date : next week]"),
    utt("Plan", "plan it for [date : next month]"),
    utt("Plan", "book it for [date : this month]"),
]

# Spanish `fecha`: days after "el" ("el lunes"); periods, "esta" or "la" then "semana" or
# "tarde", after "para".
SPANISH = [
    utt("Planear", "nos vemos el [fecha : lunes]"),
    utt("Planear", "llámame el [fecha : lunes]"),
    utt("Planear", "nos vemos el [fecha : martes]"),
    utt("Planear", "llámame el [fecha : martes]"),
    utt("Planear", "resérvalo para [fecha : esta semana]"),
    utt("Planear", "guárdalo para [fecha : la semana]"),
    utt("Planear", "resérvalo para [fecha : la tarde]"),
    utt("Planear", "guárdalo para [fecha : esta tarde]"),
]

# hand-made data says each word two or three times: far below the bar of data of some size
# (`kinds.MIN_SEEN`, `test_small_data_has_no_kinds`)
SEEN = 2
NO_GATE = {"context": None, "kinds": kd.DEFAULT_SIMILARITY, "kinds_seen": SEEN}  # kinds alone


def test_days_and_periods_are_kinds_of_their_first_and_last_words():
    kinds = kd.learn(ENGLISH, ctx.neighbours, min_seen=SEEN)
    day, period = kinds.kinds("date", "friday"), kinds.kinds("date", "next week")
    assert None not in day and None not in period
    assert day[0] != period[0] and day[1] != period[1]
    assert kinds.kinds("date", "Monday") == kinds.kinds("date", "tuesday") == day
    assert kinds.kinds("date", "this month") == period
    assert kinds.describe(day[1]) == f"{day[1]} ('friday', 'monday', 'tuesday')"
    assert kinds.describe(period[0]) == f"{period[0]} ('this', 'next')"
    # a word seen once has no kind: "weekend"; "next weekend" keeps the kind of "next"
    assert kinds.kinds("date", "the weekend") == (None, None)
    assert kinds.kinds("date", "next weekend") == (period[0], None)


def test_a_period_is_kept_out_of_a_day_place_in_english():
    out, _, pools = rs.resample(ENGLISH, 60, seed=2, **NO_GATE)
    made = texts(out)
    assert "see you on tuesday" in made and "plan it for this month" in made
    assert not any(" on this " in t or " on next " in t for t in made)
    assert not any(t.endswith(("for friday", "for monday", "for tuesday")) for t in made)
    # without kinds the same data makes them
    blind = texts(rs.resample(ENGLISH, 60, seed=2, context=None, kinds=None)[0])
    assert any(" on next " in t or " on this " in t for t in blind)
    day = pools.kinds.kinds("date", "friday")
    assert not pools.kinds.compatible("date", day, "next week")
    # it ends with a day, but starts with a word of the periods' kind, not of the days'
    assert not pools.kinds.compatible("date", day, "next friday")
    assert pools.kinds.compatible("date", day, "monday")
    why = rs.explain(ENGLISH, pools)
    assert "date: 4 kinds of edge words, a value takes the place of one only with the same " in why
    place = f"{day[0]} + {day[1]}"
    on = "Plan: date between 'on' and the end of the sentence"
    assert f"{on}, in place of a value of {place}:" in why
    period = pools.kinds.kinds("date", "next week")
    assert (
        f"  'next week': the kinds differ: it is of {period[0]} + {period[1]}, sharing no end "
        f"with {place}"
    ) in why


def test_a_day_is_kept_out_of_a_period_place_in_spanish():
    kinds = kd.learn(SPANISH, ctx.neighbours, min_seen=SEEN)
    day, period = kinds.kinds("fecha", "lunes"), kinds.kinds("fecha", "esta semana")
    assert None not in day and None not in period and day != period
    assert kinds.kinds("fecha", "la tarde") == period
    made = texts(rs.resample(SPANISH, 50, seed=1, **NO_GATE)[0])
    assert "nos vemos el martes" in made and "resérvalo para la semana" in made
    assert not any(" el esta " in t or " el la " in t for t in made)
    assert not any(t.endswith(("para lunes", "para martes")) for t in made)


def test_a_rare_value_takes_no_kinded_place_and_any_value_takes_its_place():
    data = [*ENGLISH, utt("Plan", "relax over [date : the weekend]")]
    kinds = kd.learn(data, ctx.neighbours, min_seen=SEEN)
    assert not kinds.compatible("date", kinds.kinds("date", "friday"), "the weekend")
    assert kinds.compatible("date", (None, None), "friday")
    made = texts(rs.resample(data, 60, seed=1, **NO_GATE)[0])
    assert not any(t.endswith("on the weekend") for t in made)
    assert any(t.startswith("relax over ") and "weekend" not in t for t in made)


def test_provenance_records_the_kinds_of_each_swap():
    out, _, pools = rs.resample(ENGLISH, 40, seed=4, **NO_GATE)
    swaps = [s for g in out for s in g.swaps or []]
    assert swaps
    for s in swaps:
        before, after = s["kinds"]
        assert before == list(pools.kinds.kinds("date", s["from"]))
        assert after == list(pools.kinds.kinds("date", s["to"]))
        assert pools.kinds.compatible("date", (before[0], before[1]), s["to"])
    record = json.loads(rs.provenance_line(next(g for g in out if g.swaps)))
    assert "kinds" in record["provenance"]["swaps"][0]
    off = rs.resample(ENGLISH, 40, seed=4, kinds=None)[0]
    assert all("kinds" not in s for g in off for s in g.swaps or [])


def test_same_seed_same_bytes_and_nothing_lost(tmp_path):
    data = ENGLISH + SPANISH

    def lines(seed):
        made = rs.resample(data, 60, seed, kinds=0.3, kinds_seen=SEEN)[0]
        return [rs.provenance_line(g) for g in made]

    assert lines(3) == lines(3) and lines(3) != lines(4)
    out, table, pools = rs.resample(data, 60, seed=3, kinds=0.3, kinds_seen=SEEN)
    assert [g.utterance for g in out[: len(data)]] == data
    assert sum(table.allocated) == len(out)
    for u in data:  # every occurrence may keep its own value
        for slot, choices in zip(u.slots, pools.occurrences(u)):
            assert slot.value.casefold() in {v.text.casefold() for v in choices}
    used = {(s.slot, s.value) for g in out for s in g.utterance.slots}
    assert {(s.slot, s.value) for u in data for s in u.slots} <= used


def test_cli_kinds_explain_and_a_bad_similarity(tmp_path, capsys):
    data = tmp_path / "in.jsonl"
    data.write_text("".join(jsonl.line(u, 0) + "\n" for u in ENGLISH), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["resample", str(data), "-n", "30", "--kinds", "0.3", "--kinds-seen", "2",
                 "--no-context", "--explain", "-o", str(out)]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "kinds of edge words" in err and "the kinds differ" in err
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert any("kinds" in s for r in records for s in r["provenance"]["swaps"])
    try:
        main(["resample", str(data), "-n", "30", "--kinds", "1.5", "-o", str(out)])
    except SystemExit as stop:
        assert stop.code == 2
    assert "'1.5' is not between 0 and 1" in capsys.readouterr().err


# English `time`: clock times after "at", durations after "for"; both start with a number.
NUMBERS = ("five", "ten", "six", "eight")
TIMES = [utt("Set", f"wake me at [time : {n} {u}]") for n in NUMBERS for u in ("pm", "am")] + [
    utt("Set", f"wait for [time : {n} {u}]") for n in NUMBERS for u in ("minutes", "hours")
]


def test_a_value_with_one_end_of_another_kind_is_kept_out():
    kinds = kd.learn(TIMES, ctx.neighbours, min_seen=SEEN)
    clock, duration = kinds.kinds("time", "eight am"), kinds.kinds("time", "five minutes")
    assert clock[0] == duration[0] and None not in clock + duration  # numbers first, both
    assert clock[1] != duration[1]
    assert not kinds.compatible("time", clock, "five minutes")  # shares its first end only
    assert kinds.compatible("time", clock, "six pm")
    for kinds_on, options in ((True, NO_GATE), (False, {"context": None, "kinds": None})):
        made = texts(rs.resample(TIMES, 32, seed=0, **options)[0])
        mixed = {t for t in made if t.startswith("wake") and t.endswith(("minutes", "hours"))}
        mixed |= {t for t in made if t.startswith("wait") and t.endswith(("am", "pm"))}
        assert bool(mixed) is not kinds_on
    why = rs.explain(TIMES, rs.build_pools(TIMES, context=None, kinds_seen=SEEN))
    assert (
        f"  'ten minutes': the kinds differ: it is of time^1 + {duration[1]}, of another kind "
        f"at its other end than time^1 + {clock[1]}"
    ) in why


def test_small_data_has_no_kinds():
    assert kd.learn(ENGLISH, ctx.neighbours).members == {}
    # words seen `MIN_SEEN` times have kinds, as words seen twice do at a bar of 2
    assert kd.learn(ENGLISH * (kd.MIN_SEEN // 2), ctx.neighbours).members == (
        kd.learn(ENGLISH, ctx.neighbours, min_seen=SEEN).members
    )


# Spanish `hora`: clock times after "a las" ("cinco de la tarde"), durations after "espera"
# ("cinco minutos"); both start with a number, the kind is told by the last word.
NÚMEROS = ("cinco", "diez", "seis", "ocho")
HORAS = [
    utt("Poner", f"despiértame a las [hora : {n} de la {u}]")
    for n in NÚMEROS
    for u in ("tarde", "mañana")
] + [utt("Poner", f"espera [hora : {n} {u}]") for n in NÚMEROS for u in ("minutos", "horas")]


def test_a_value_whose_kind_cannot_be_told_is_kept_out_of_a_kinded_place():
    """A value whose last word is too rare to have a kind ("seconds", seen once) takes no
    place whose value has a kind there, in a slot type known to mix kinds at that end;
    where the value there has no kind at an end, any value goes (here, its own place)."""
    for data, slot, clock, rare, duration in (
        (TIMES, "time", "eight am", "ten seconds", "five minutes"),
        (HORAS, "hora", "ocho de la mañana", "diez segundos", "cinco minutos"),
    ):
        carrier = data[-1].text.rsplit(" ", 2)[0]  # "wait for", "espera"
        lone = [*data, utt(data[-1].intent, f"{carrier} [{slot} : {rare}]")]
        kinds = kd.learn(lone, ctx.neighbours, min_seen=SEEN)
        first, last = kinds.kinds(slot, rare)
        assert first is not None and last is None  # a number first; its last word seen once
        assert not kinds.compatible(slot, kinds.kinds(slot, clock), rare)
        assert not kinds.compatible(slot, kinds.kinds(slot, duration), rare)
        assert kinds.compatible(slot, kinds.kinds(slot, rare), duration)
        made = texts(rs.resample(lone, 60, seed=0, **NO_GATE)[0])
        assert {t for t in made if t.endswith(rare)} == {lone[-1].text}  # its own place only
        why = rs.explain(lone, rs.build_pools(lone, context=None, kinds_seen=SEEN))
        assert (
            f"  '{rare}': the kinds differ: it is of {first} + -, of no kind at an end where "
            f"there is one in {rs._named(kinds.kinds(slot, clock))}"
        ) in why


DAYS, DÍAS = ("friday", "monday"), ("lunes", "martes")


def test_a_word_seen_often_and_like_no_other_is_a_kind_of_its_own():
    """'week' ends every period and no day: sharing its groups with no other word, it is a
    kind of its own, so "this week" does not take the place of "this friday" though both
    start with 'this' (nor "este mes" that of "este lunes" in Spanish), nor the reverse."""
    english = [
        *(utt("Plan", f"see you on [date : {d}]") for d in DAYS),
        *(utt("Plan", f"book it for [date : {d}] please") for d in DAYS),
        *(utt("Plan", f"meet me on [date : {f} {d}]") for f in ("this", "next") for d in DAYS),
        *(utt("Plan", f"book it for [date : {f} week] please") for f in ("this", "next")),
        utt("Plan", "plan it for [date : this week] please"),
    ]  # fmt: skip
    spanish = [
        *(utt("Planear", f"nos vemos el [fecha : {d}]") for d in DÍAS),
        *(utt("Planear", f"resérvalo para el [fecha : {d}] porfa") for d in DÍAS),
        *(utt("Planear", f"quedamos el [fecha : este {d}]") for d in DÍAS),
        *(utt("Planear", f"{v} para [fecha : este mes] porfa") for v in ("ponlo", "dilo", "anota")),
    ]  # fmt: skip
    for data, slot, period, day in (
        (english, "date", "this week", "this friday"),
        (spanish, "fecha", "este mes", "este lunes"),
    ):
        kinds = kd.learn(data, ctx.neighbours, min_seen=SEEN)
        told = kinds.kinds(slot, period)
        assert told[1] is not None and kinds.members[told[1]] == [period.split(" ")[1]]
        assert kinds.kinds(slot, day)[1] not in (None, told[1])
        assert not kinds.compatible(slot, kinds.kinds(slot, day), period)
        assert not kinds.compatible(slot, told, day)
