"""Guided resampling: the Jaccard gate, entropies and complexities against hand-computed
values, allocations, offsets after swaps in any script, provenance and determinism."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import grammar_fst as gf
from grammar_fst.cli.main import main
from grammar_fst.data import distribution as dist
from grammar_fst.data import resample as rs
from grammar_fst.data.catalogue import read_catalogue
from grammar_fst.data.formats import jsonl
from grammar_fst.data.records import Utterance
from grammar_fst.sampling import patterns


def utt(intent: str, annotated: str) -> Utterance:
    """An utterance from MASSIVE's annotation: `play [genre : jazz] music`."""
    from grammar_fst.data.formats.massive import parse_annotation

    text, slots = parse_annotation(annotated)
    return Utterance(text, intent, slots)


MUSIC_AND_BOOKS = [
    utt("PlayMusic", "play [genre : jazz] music"),
    utt("PlayMusic", "put on some [genre : rock]"),
    utt("PlayMusic", "play [genre : pop] by [artist : camila cabello]"),
    utt("PlayMusic", "play [artist : justin bieber]"),
    utt("ReadBook", "read [genre : detective] books"),
    utt("ReadBook", "find me a [genre : fantasy] novel"),
]


# -- the Jaccard gate -------------------------------------------------------------------


def test_jaccard_is_intersection_over_union():
    assert rs.jaccard({"a", "b", "c"}, {"b", "c", "d", "e"}) == 2 / 5
    assert rs.jaccard({"a"}, {"b"}) == 0 and rs.jaccard(set(), set()) == 0


def test_jazz_and_detective_stay_in_their_intents_at_the_default_threshold():
    pools = rs.build_pools(MUSIC_AND_BOOKS)
    assert pools.jaccard["genre"] == {("PlayMusic", "ReadBook"): 0.0}
    assert pools.allowed["genre"] == set()
    music = {v.text for v in pools.values["PlayMusic", "genre"]}
    books = {v.text for v in pools.values["ReadBook", "genre"]}
    assert music == {"jazz", "rock", "pop"} and books == {"detective", "fantasy"}
    out, _, _ = rs.resample(MUSIC_AND_BOOKS, 40, seed=1)
    for g in out:
        values = {s.value for s in g.utterance.slots if s.slot == "genre"}
        assert values <= (music if g.utterance.intent == "PlayMusic" else books)
    # within its own intent, jazz does move
    assert any("play rock music" == g.utterance.text for g in out)


def test_utterances_given_as_an_iterator_resample_as_a_list_does():
    # as `formats.read` gives them; the pools and the plan each read the utterances
    listed, _, _ = rs.resample(MUSIC_AND_BOOKS, 20, seed=1)
    streamed, _, _ = rs.resample(iter(MUSIC_AND_BOOKS), 20, seed=1)
    assert len(listed) > len(MUSIC_AND_BOOKS) and streamed == listed


@pytest.mark.parametrize(
    "n, options, message",
    [
        (-1, {}, "`n` must be a whole number of 0 or more, not -1"),
        (2.5, {}, "`n` must be a whole number of 0 or more, not 2.5"),
        (5, {"seed": None}, "`seed` must be a whole number of 0 or more, not None"),
        (5, {"seed": -1}, "`seed` must be a whole number of 0 or more, not -1"),
        (5, {"floor": -2}, "`floor` must be a whole number of 0 or more, not -2"),
    ],
)
def test_bad_numbers_are_usage_errors(n, options, message):
    with pytest.raises(gf.UsageError) as caught:
        rs.resample(MUSIC_AND_BOOKS, n, **options)
    assert str(caught.value) == message


def test_values_flow_between_intents_that_share_enough_of_them():
    data = [
        utt("Weather", "weather in [city : paris]"),
        utt("Weather", "is it cold in [city : oslo]"),
        utt("Flight", "fly to [city : paris]"),
        utt("Flight", "a ticket to [city : rome]"),
    ]
    pools = rs.build_pools(data, threshold=0.3)
    assert pools.jaccard["city"][("Flight", "Weather")] == 1 / 3
    assert {v.text for v in pools.values["Weather", "city"]} == {"paris", "oslo", "rome"}
    assert rs.build_pools(data, threshold=0.5).allowed["city"] == set()


def test_a_catalogue_extends_a_slot_type_everywhere(tmp_path):
    (tmp_path / "genres.txt").write_text("blues\nsoul\n", encoding="utf-8")
    catalogue = read_catalogue(tmp_path / "genres.txt")
    pools = rs.build_pools(MUSIC_AND_BOOKS, catalogues={"genre": catalogue})
    assert {"blues", "soul"} <= {v.text for v in pools.values["ReadBook", "genre"]}
    value = next(v for v in pools.values["PlayMusic", "genre"] if v.text == "soul")
    assert value.source == str(tmp_path / "genres.txt")


def test_a_value_in_two_cases_is_one_value(tmp_path):
    (tmp_path / "artists.txt").write_text("abba\nqueen\n", encoding="utf-8")
    data = [utt("Play", "play [artist : ABBA] now"), utt("Play", "put on [artist : Muse]")]
    pools = rs.build_pools(data, catalogues={"artist": read_catalogue(tmp_path / "artists.txt")})
    assert [v.text for v in pools.values["Play", "artist"]] == ["ABBA", "Muse", "queen"]
    out, _, _ = rs.resample(data, 6, seed=1)
    assert len({g.utterance.text.casefold() for g in out}) == len(out)


def test_no_utterance_differs_from_another_by_case_alone():
    data = [
        utt("Play", "play [artist : abba] now"),
        utt("Play", "put on [artist : ABBA]"),
        utt("Play", "put on [artist : queen]"),
    ]
    out, _, _ = rs.resample(data, 10, seed=1)
    texts = [g.utterance.text for g in out]
    assert len({t.casefold() for t in texts}) == len(texts) == 4  # all the data can give
    assert "play queen now" in texts
    swaps = [swap for g in out for swap in g.swaps or []]
    assert swaps and all(swap["from"].casefold() != swap["to"].casefold() for swap in swaps)


def test_bindings_name_slot_types_that_hold_a_colon(tmp_path):
    (tmp_path / "c.txt").write_text("oslo\n", encoding="utf-8")
    catalogue = read_catalogue(tmp_path / "c.txt")
    data = [utt("Fly", "fly to [loc:city : rome]"), utt("Stay", "hotels in [loc:city : lima]")]
    everywhere = rs.build_pools(data, 1.0, {"loc:city": catalogue})
    assert all(
        "oslo" in {v.text for v in everywhere.values[i, "loc:city"]} for i in ("Fly", "Stay")
    )
    bound = rs.build_pools(data, 1.0, {"Fly:loc:city": catalogue})
    assert "oslo" in {v.text for v in bound.values["Fly", "loc:city"]}
    assert "oslo" not in {v.text for v in bound.values["Stay", "loc:city"]}
    with pytest.raises(gf.UsageError, match="no slot type 'city' in the data"):
        rs.build_pools(data, 1.0, {"Nope:city": catalogue})


def test_an_intent_bound_catalogue_extends_its_intent_and_passes_the_gate(tmp_path):
    (tmp_path / "music.txt").write_text("blues\nsoul\n", encoding="utf-8")
    (tmp_path / "books.txt").write_text("blues\nsoul\nhorror\n", encoding="utf-8")
    music, books = read_catalogue(tmp_path / "music.txt"), read_catalogue(tmp_path / "books.txt")
    pools = rs.build_pools(MUSIC_AND_BOOKS, catalogues={"PlayMusic:genre": music})
    assert {v.text for v in pools.values["PlayMusic", "genre"]} == {
        "jazz", "rock", "pop", "blues", "soul"
    }  # fmt: skip
    assert {v.text for v in pools.values["ReadBook", "genre"]} == {"detective", "fantasy"}
    # the catalogues' values count as the intents' own: {jazz rock pop blues soul} against
    # {detective fantasy blues soul horror} share 2 of 8, which opens the gate at 0.25
    both = {"PlayMusic:genre": music, "ReadBook:genre": books}
    opened, closed = (
        rs.build_pools(MUSIC_AND_BOOKS, 0.25, both),
        rs.build_pools(MUSIC_AND_BOOKS, 0.3, both),
    )
    assert opened.jaccard["genre"] == {("PlayMusic", "ReadBook"): 0.25}
    assert "horror" in {v.text for v in opened.values["PlayMusic", "genre"]}
    assert "horror" not in {v.text for v in closed.values["PlayMusic", "genre"]}


@pytest.mark.parametrize(
    "binding, message",
    [
        ("PlayMusic:mood", "no slot type 'mood' in the data"),
        ("ReadBook:artist", "no slot type 'artist' in intent 'ReadBook'"),
    ],
)
def test_a_catalogue_bound_to_what_the_data_lacks_is_refused(tmp_path, binding, message):
    (tmp_path / "c.txt").write_text("x\n", encoding="utf-8")
    with pytest.raises(gf.UsageError, match=message):
        rs.resample(MUSIC_AND_BOOKS, 10, catalogues={binding: read_catalogue(tmp_path / "c.txt")})


# -- entropy, patterns, complexity ------------------------------------------------------


def test_entropy_of_slot_types_by_hand():
    assert dist.entropy([1, 1, 1, 1]) == 2.0
    assert dist.entropy([2, 1, 1]) == pytest.approx(1.5)
    assert dist.entropy([5]) == 0.0
    h = dist.slot_entropies(MUSIC_AND_BOOKS)
    assert h["genre"] == pytest.approx(math.log2(5))  # five values, once each
    assert h["artist"] == 1.0
    with_catalogue = dist.slot_entropies(MUSIC_AND_BOOKS, {"artist": ["adele", "queen"]})
    assert with_catalogue["artist"] == 2.0  # two seen once, two from the catalogue


def test_patterns_and_complexity_by_hand():
    u = MUSIC_AND_BOOKS[2]
    assert dist.word_pattern(u) == "other + genre + other + artist"
    assert dist.semantic_pattern(u) == dist.SemanticPattern("PlayMusic", ("artist", "genre"))
    assert dist.carrier(u) == "play {genre} by {artist}"
    stats = {
        s.pattern: s
        for s in dist.pattern_stats(MUSIC_AND_BOOKS, dist.slot_entropies(MUSIC_AND_BOOKS))
    }
    genre_only = stats[dist.SemanticPattern("PlayMusic", ("genre",))]
    assert genre_only.count == 2 and genre_only.carrier_entropy == 1.0  # two carriers
    assert genre_only.complexity == pytest.approx(1.0 + math.log2(5))
    both = stats[dist.SemanticPattern("PlayMusic", ("artist", "genre"))]
    assert both.complexity == pytest.approx(0 + math.log2(5) + 1.0)


def test_carriers_that_differ_in_case_or_spacing_are_one_carrier():
    said = [utt("PlayMusic", "Play [genre : jazz]"), utt("PlayMusic", "play  [genre : rock]")]
    assert dist.carrier(said[0]) == "Play {genre}"
    assert dist.carrier(said[0], folded=True) == dist.carrier(said[1], folded=True)
    assert dist.carrier(utt("PlayMusic", "PLAY [City : paris]"), folded=True) == "play {City}"
    (stats,) = dist.pattern_stats(said, dist.slot_entropies(said))
    assert stats.count == 2 and stats.carrier_entropy == 0.0  # one carrier said two ways


# -- allocation ---------------------------------------------------------------------------


def test_allocation_follows_weights_with_floor_and_caps():
    assert dist.allocate(100, [1, 1, 2], [0, 0, 0], [math.inf] * 3) == [25, 25, 50]
    assert dist.allocate(100, [0, 1, 3], [5, 5, 5], [math.inf] * 3) == [5, 26, 69]
    assert dist.allocate(100, [1, 1, 2], [0, 0, 0], [10, math.inf, math.inf]) == [10, 30, 60]
    assert dist.allocate(10, [1, 1], [0, 0], [3, 4]) == [3, 4]  # all they can say
    assert dist.allocate(3, [1, 1, 1, 1], [1, 1, 1, 1], [9] * 4) == [1, 1, 1, 1]  # floors win


@given(
    st.integers(0, 5000),
    st.lists(
        st.tuples(st.floats(0, 50), st.integers(0, 30), st.integers(0, 4000)),
        min_size=1,
        max_size=12,
    ),
)
def test_allocations_add_up_and_respect_floors_and_caps(n, rows):
    weights, floors, caps = zip(*rows)
    shares = dist.allocate(n, weights, floors, caps)
    bounded = [min(f, c) for f, c in zip(floors, caps)]
    assert all(b <= s <= c for s, b, c in zip(shares, bounded, caps))
    assert sum(shares) == min(max(n, sum(bounded)), sum(caps))
    # above the floors, a larger weight never gets less (unless held by its cap)
    for i in range(len(rows)):
        for j in range(len(rows)):
            if weights[i] > weights[j] and shares[i] < caps[i] and floors[i] == floors[j]:
                assert shares[i] >= shares[j] - 1


def test_resample_sizes_patterns_by_complexity():
    artists = [f"name{i}" for i in range(20)]
    data = [
        utt("Play", f"{('play', 'put on')[i % 2]} [artist : {a}]") for i, a in enumerate(artists)
    ]
    rooms = ["kitchen", "hall", "attic", "garden"]
    data += [
        utt("Play", f"play [artist : {artists[i]}] in the [room : {r}]")
        for i, r in enumerate(rooms)
    ]
    data += [utt("Stop", "stop"), utt("Stop", "stop the music")]
    out, table, _ = rs.resample(data, 60, seed=3)
    rows = {str(s.pattern): (s, k) for s, k in zip(table.stats, table.allocated)}
    assert sum(table.allocated) == len(out) == 60
    assert rows["Stop: (no slot)"][1] == 2  # at its cap: it can only say what it said
    artist, with_room = rows["Play: artist"], rows["Play: artist + room"]
    assert with_room[0].complexity > artist[0].complexity
    assert with_room[1] - 4 > artist[1] - 20  # more new ones for the more complex pattern


def test_carriers_that_differ_in_case_or_spacing_are_one_in_the_table():
    """The output tells utterances apart case-folded with single spaces, so the table
    counts what a carrier can give the same way, and promises no more than is written."""
    data = [
        utt("Play", "play [artist : abba]"),
        utt("Play", "Play [artist : queen]"),
        utt("Play", "play  [artist : toto]"),
        utt("Play", "play me [artist : sting]"),
    ]
    out, table, _ = rs.resample(data, 100, seed=1)
    assert table.capacity == [8.0]  # two carriers, four values each
    assert sum(table.allocated) == len(out) == 8


def test_per_intent_shares_n_evenly_among_intents_first():
    play = [
        utt("Play", "play [artist : a0]"),
        utt("Play", "put on [artist : a1]"),
        utt("Play", "i want [artist : a2]"),
        utt("Play", "play [artist : a0] in the [room : kitchen]"),
        utt("Play", "play [artist : a1] in the [room : hall]"),
    ]
    find = [
        utt("Find", f"{verb} [title : t{i}]") for i, verb in enumerate(["find"] * 2 + ["get"] * 3)
    ]
    out, _, _ = rs.resample(play + find, 20, seed=2, per_intent=True)
    assert Counter(g.utterance.intent for g in out) == {"Play": 10, "Find": 10}
    pooled, _, _ = rs.resample(play + find, 20, seed=2)  # Play's two patterns take more
    assert Counter(g.utterance.intent for g in pooled)["Play"] > 10
    # one Find utterance can give itself only: Play takes the rest
    out, _, _ = rs.resample(play + find[:1], 12, seed=2, per_intent=True)
    assert Counter(g.utterance.intent for g in out) == {"Play": 11, "Find": 1}


# -- swaps: offsets, provenance, determinism ------------------------------------------------


@pytest.mark.parametrize(
    "first, second",
    [
        ("[artist : taylor swift] का गाना बजाओ", "[artist : ए आर रहमान] के गाने सुनाओ"),
        ("เปิดเพลง [artist : บอดี้ สแลม] หน่อย", "ขอฟังเพลงของ [artist : ลาบานูน]"),
        (
            "joue [artist : édith piaf] et [genre : chanson française]",
            "joue [artist : zaz] et [genre : jazz manouche]",
        ),
    ],
)
def test_offsets_stay_right_after_swaps_in_any_script(first, second):
    data = [utt("Play", first), utt("Play", second)]
    out, _, _ = rs.resample(data, 10, seed=0)
    assert len(out) > 2
    for g in out:
        u = g.utterance
        for slot in u.slots:
            assert u.text[slot.start : slot.end] == slot.value
        assert jsonl.from_record(json.loads(rs.provenance_line(g))) == u


def test_provenance_originals_and_no_repeats():
    data = MUSIC_AND_BOOKS + MUSIC_AND_BOOKS[:2]
    out, _, _ = rs.resample(data, 30, seed=5)
    assert [g.utterance for g in out[:6]] == MUSIC_AND_BOOKS  # originals first, once
    assert len({(g.utterance.text, g.utterance.intent) for g in out}) == len(out)
    for g in out[6:]:
        source = data[g.source]
        assert dist.semantic_pattern(source) == dist.semantic_pattern(g.utterance)
        for swap in g.swaps:
            assert swap["from"] in {s.value for s in source.slots}
            assert swap["to"] in {s.value for s in g.utterance.slots}
            assert data[swap["source"]].intent == g.utterance.intent
    record = json.loads(rs.provenance_line(out[-1]))
    assert record["provenance"]["source"] == out[-1].source
    assert record["provenance"]["pattern"] == str(dist.semantic_pattern(out[-1].utterance))
    assert record["provenance"]["word_pattern"].startswith(("other", "genre", "artist"))
    without, _, _ = rs.resample(MUSIC_AND_BOOKS, 20, seed=5, originals=False)
    assert not {g.utterance for g in without} & set(MUSIC_AND_BOOKS)


def test_same_seed_same_output_other_seed_other_output():
    lines = lambda seed: [rs.provenance_line(g) for g in rs.resample(MUSIC_AND_BOOKS, 25, seed)[0]]  # noqa: E731
    assert lines(4) == lines(4) and lines(4) != lines(5)


# -- the command --------------------------------------------------------------------------


def test_cli_resample_with_report(tmp_path, capsys):
    data = tmp_path / "in.jsonl"
    data.write_text("".join(jsonl.line(u, 0) + "\n" for u in MUSIC_AND_BOOKS), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["resample", str(data), "-n", "20", "-o", str(out), "--report", "--seed", "2"]) == 0
    err = capsys.readouterr().err
    assert "slot type genre: Jaccard index between intents" in err
    assert "PlayMusic ~ ReadBook: 0.000 (blocked)" in err
    # 2 x 3 + 3 x 2 + 2 + 2 x 2 distinct utterances at most: fewer than asked, and said
    assert "can give at most 18 distinct utterances (asked for 20)" in err
    total = next(line for line in err.splitlines() if line.startswith("total"))
    assert total.endswith(" 18")
    assert err.splitlines()[-2].startswith("naturalness: ")  # of the new utterances
    assert err.splitlines()[-1].startswith("diversity: ")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 18 and all("provenance" in r for r in records)
    assert main(["resample", str(data), "-n", "20", "--to", "massive", "--seed", "2"]) == 0
    massive = capsys.readouterr().out.splitlines()
    assert [json.loads(m)["utt"] for m in massive] == [r["text"] for r in records]


def test_cli_resample_runs_with_the_collector_paused_and_freezes_what_it_leaves(
    tmp_path, monkeypatch
):
    """The collector walked the objects of resampling again at each collection, and would
    walk them all once running again: paused, then frozen."""
    import gc

    data = tmp_path / "in.jsonl"
    data.write_text("".join(jsonl.line(u, 0) + "\n" for u in MUSIC_AND_BOOKS), encoding="utf-8")
    collecting = []
    original = rs.resample
    monkeypatch.setattr(
        rs, "resample", lambda *a: collecting.append(gc.isenabled()) or original(*a)
    )
    gc.unfreeze()
    try:
        assert main(["resample", str(data), "-n", "10", "-o", str(tmp_path / "out.jsonl")]) == 0
        assert collecting == [False] and gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_cli_resample_bad_input(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert main(["resample", str(empty), "-n", "5"]) == 2
    assert capsys.readouterr().err == f"grammar-fst: error: {empty}: no utterance to resample\n"
    with pytest.raises(SystemExit):
        main(["resample", str(empty), "-n", "5", "--threshold", "1.5"])
    assert "'1.5' is not between 0 and 1" in capsys.readouterr().err


# -- the same allocation for a grammar: sample --allocate ------------------------------------


def test_grammar_patterns_and_their_entropies_by_hand():
    toy = gf.load(Path(__file__).parent.parent / "grammars" / "toy.grm")
    (only,) = patterns.grammar_patterns(toy.fsts, toy._walker, toy.intents).patterns
    assert str(only.pattern) == "PlayMusic: genre"
    assert only.carrier_entropy == pytest.approx(1.5)  # none 1/2, some 1/4, more 1/4
    assert only.complexity == pytest.approx(2.5)  # and pop | rock: 1 bit
    grammar = gf.from_text(
        "intent A = a {s} | b | c {s} {t}\nslot s = x | y | z | w\nslot t = u | v\n"
    )
    found = {
        str(p.pattern): p.complexity
        for p in patterns.grammar_patterns(grammar.fsts, grammar._walker, ["A"]).patterns
    }
    assert found == pytest.approx({"A: (no slot)": 0.0, "A: s": 2.0, "A: s + t": 3.0})


def test_sample_allocate_restricts_each_share_to_its_pattern():
    grammar = gf.from_text(
        "intent A = a {s} | b | c {s} {t}\nslot s = x | y | z | w\nslot t = u | v\n"
    )
    shares = {str(p.pattern): k for p, k in grammar.allocation(61, how="entropy")}
    assert shares == {"A: (no slot)": 1, "A: s": 24, "A: s + t": 36}  # 1 + 60 in 2 : 3
    sample = list(grammar.sample(61, seed=4, allocate="entropy"))
    got = Counter(dist.semantic_pattern(u) for u in sample)
    assert {str(p): k for p, k in got.items()} == shares
    assert all(u.intent == "A" for u in sample)
    uniform = Counter(str(dist.semantic_pattern(u)) for u in grammar.sample(9, allocate="uniform"))
    assert uniform == {"A: (no slot)": 3, "A: s": 3, "A: s + t": 3}
    with pytest.raises(gf.UsageError, match="no `quota`, `split` or `cover`"):
        list(grammar.sample(9, allocate="entropy", quota={"A": 3}))


def test_fewer_sentences_than_patterns_go_to_the_largest_shares(caplog):
    grammar = gf.from_text(
        "intent A = a {s} | b | c {s} {t}\nslot s = x | y | z | w\nslot t = u | v\n"
    )
    shares = {str(p.pattern): k for p, k in grammar.allocation(2, how="entropy")}
    assert shares == {"A: (no slot)": 0, "A: s": 1, "A: s + t": 1}  # complexities 0, 2, 3
    assert "3 patterns for 2 sentences: shares follow the weights" in caplog.text
    sample = list(grammar.sample(2, seed=1, allocate="entropy"))
    assert sorted(str(dist.semantic_pattern(u)) for u in sample) == ["A: s", "A: s + t"]


def test_restriction_keeps_exactly_the_paths_of_its_slot_set():
    grammar = gf.from_text(
        "intent A = a {s}? b {t}? ({u} | c) d?\nslot s = x | y\nslot t = v\nslot u = w\n"
    )
    found = patterns.grammar_patterns(grammar.fsts, grammar._walker, ["A"])
    for pattern in found.patterns:
        restricted = gf.CompiledGrammar(found.network([pattern.name]), "restricted")
        texts = {tuple(sorted(s.slot for s in u.slots)) for u in restricted.sample(40, seed=2)}
        assert texts == {pattern.pattern.slots}
    found = {str(p.pattern) for p in found.patterns}
    assert len(found) == 8  # every subset of s, t, u


def test_cli_sample_allocate_report(capsys):
    toy = Path(__file__).parent.parent / "grammars" / "toy.grm"
    assert (
        main(
            ["sample", str(toy), "-n", "5", "--allocate", "entropy", "--report", "--format", "text"]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 5
    assert "PlayMusic: genre" in captured.err and captured.err.splitlines()[-1].endswith(" 5")
