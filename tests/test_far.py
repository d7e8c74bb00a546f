"""The `.far` archive: complete round trip, verification, atomic writes, bad files."""

from __future__ import annotations

import errno
import io
import os

import pynini
import pytest

import grammar_fst as gf
from grammar_fst.fst import far
from grammar_fst.fst.compiler import Archived

TOY = """$some_more = some | more
intent PlayMusic = play $some_more? {genre} music
intent Stop = stop | pause <2>
slot genre = pop | rock <3>
"""


@pytest.fixture()
def toy(tmp_path):
    path = tmp_path / "toy.grm"
    path.write_text(TOY, encoding="utf-8")
    return path


def test_round_trip_keeps_everything(toy, tmp_path):
    compiled = gf.load(toy)
    compiled.write_far(tmp_path / "toy.far")
    loaded = gf.load(tmp_path / "toy.far")
    assert loaded.intents == ["PlayMusic", "Stop"] and loaded.slots == ["genre"]
    assert list(loaded.all()) == list(compiled.all())
    assert list(loaded.sample(50, seed=3)) == list(compiled.sample(50, seed=3))
    assert loaded.parse("play more rock music") == compiled.parse("play more rock music")
    assert loaded.counts() == compiled.counts() == ({"PlayMusic": 6, "Stop": 2}, 8)


def test_keys_are_sorted_and_complete(toy, tmp_path):
    gf.load(toy).write_far(tmp_path / "toy.far")
    reader = pynini.Far(str(tmp_path / "toy.far"), mode="r")
    keys = []
    while not reader.done():
        keys.append(reader.get_key())
        reader.next()
    assert keys[0].startswith(".meta {")
    assert keys[1:] == [
        ".symbols",
        "intent/PlayMusic",
        "intent/Stop",
        "rule/some_more",
        "slot/genre",
    ]


def test_every_truncation_is_a_clear_error(toy, tmp_path):
    gf.load(toy).write_far(tmp_path / "toy.far")
    data = (tmp_path / "toy.far").read_bytes()
    cut = tmp_path / "cut.far"
    for size in range(0, len(data), max(1, len(data) // 150)):
        cut.write_bytes(data[:size])
        with pytest.raises(gf.FarError) as caught:
            far.read_far(cut)
        assert str(caught.value).startswith(f"{cut}: ")


def test_flipped_bytes_are_detected(toy, tmp_path):
    gf.load(toy).write_far(tmp_path / "toy.far")
    data = bytearray((tmp_path / "toy.far").read_bytes())
    bad = tmp_path / "bad.far"
    for pos in range(len(data) - 40, len(data), 3):  # inside the last FSTs' arcs
        flipped = bytearray(data)
        flipped[pos] ^= 0x55
        bad.write_bytes(bytes(flipped))
        try:
            far.read_far(bad)
        except gf.FarError:
            continue
        pytest.fail(f"a flipped byte at {pos} went unnoticed")


def test_a_foreign_far_is_refused(tmp_path):
    path = tmp_path / "other.far"
    with pynini.Far(str(path), mode="w", arc_type="standard") as writer:
        writer["a"] = pynini.accep("abc")
    with pytest.raises(gf.FarError, match="not a grammar-fst archive"):
        far.read_far(path)


def test_not_a_far_at_all(tmp_path):
    path = tmp_path / "text.far"
    path.write_text("hello\n")
    with pytest.raises(gf.FarError, match="not a readable FST archive"):
        far.read_far(path)


def test_failed_write_keeps_the_previous_file(toy, tmp_path, monkeypatch):
    target = tmp_path / "toy.far"
    target.write_bytes(b"previous")

    class Full(io.BytesIO):
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode, **options: Full())  # a full disk
    with pytest.raises(gf.OutputError, match="No space left on device; the previous file, if"):
        gf.load(toy).write_far(target)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toy.far", "toy.grm"]


def test_an_fst_openfst_cannot_read_is_an_error_naming_the_archive():
    fsts = Archived({"Stop": b"not an FST"}, "a.far")
    with pytest.raises(gf.OpenFstError, match="^reading Stop from a.far failed: "):
        fsts["Stop"]


def test_a_grammar_read_from_an_archive_pickles(toy, tmp_path):
    """Its FSTs are views into the archive's bytes, which pickle cannot take: a grammar
    sent to `multiprocessing` or saved with `pickle` carries the bytes themselves."""
    import multiprocessing
    import pickle

    path = tmp_path / "toy.far"
    gf.load(toy).write_far(path)
    archived = gf.load(path)
    again = pickle.loads(pickle.dumps(archived))
    assert list(again.sample(20, seed=4)) == list(archived.sample(20, seed=4))
    assert again.parse("play some rock music") == archived.parse("play some rock music")
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_texts, (archived,)) == [u.text for u in archived.sample(5, seed=1)]


def _texts(grammar) -> list[str]:
    return [u.text for u in grammar.sample(5, seed=1)]
