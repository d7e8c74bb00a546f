"""The sampling benchmark's workload: three music intents around a 1,000-artist slot,
written once as a grammar-fst grammar so that other generators can be given the same
templates and values.

Intents and quotas (100,000 unique sentences in all):

    play_music       40,000   [please] PLAY ARTIST [on_speaker]
                              CAN_YOU PLAY some GENRE by ARTIST [please]
                              i want to hear ARTIST
    add_to_playlist  30,000   add ARTIST to my PLAYLIST playlist [please]
                              CAN_YOU put ARTIST on PLAYLIST
    get_artist_info  30,000   who is ARTIST
                              tell me about ARTIST [please]
                              CAN_YOU show me songs by ARTIST [from_year]

PLAY = play | put on | start playing; CAN_YOU = can you | could you | would you;
on_speaker = on the kitchen speaker | in the living room; from_year = from 2000 ... from
2019; ARTIST = 40 adjectives x 25 plural nouns; GENRE and PLAYLIST 10 values each.
"""

from __future__ import annotations

from pathlib import Path

ADJECTIVES = (
    "red blue green black white golden silver silent wild lonely electric crystal velvet "
    "neon broken burning frozen hollow iron lucky midnight northern paper purple quiet "
    "rolling rusty scarlet secret shining sleepy smoking spinning stone sugar sunset "
    "thunder twisted urban wandering"
).split()
NOUNS = (
    "wolves foxes tigers ravens rivers stones hearts ghosts kings queens pilots sailors "
    "rebels dreamers strangers giants angels robots monkeys owls lions bears comets "
    "shadows horses"
).split()
ARTISTS = [f"{a} {n}" for a in ADJECTIVES for n in NOUNS]
GENRES = "pop rock jazz blues soul funk reggae metal techno disco".split()
PLAYLISTS = "workout party chill study sleep running focus dinner travel morning".split()
PLAY = ["play", "put on", "start playing"]
CAN_YOU = ["can you", "could you", "would you"]
ON_SPEAKER = ["on the kitchen speaker", "in the living room"]
FROM_YEAR = [f"from {year}" for year in range(2000, 2020)]

QUOTAS = {"play_music": 40_000, "add_to_playlist": 30_000, "get_artist_info": 30_000}

assert len(ADJECTIVES) == 40 and len(NOUNS) == 25 and len(set(ARTISTS)) == 1000
assert len(GENRES) == len(PLAYLISTS) == 10


def _alternatives(values: list[str]) -> str:
    return " | ".join(values)


def grammar_text() -> str:
    """The workload as a `.grm` grammar (artists as a catalogue slot)."""
    return f"""\
# The sampling benchmark's workload (benchmarks/music_workload.py).
slot artist from "artists.txt"
slot genre = {_alternatives(GENRES)}
slot playlist = {_alternatives(PLAYLISTS)}

$please = please
$play = {_alternatives(PLAY)}
$can_you = {_alternatives(CAN_YOU)}
$on_speaker = {_alternatives(ON_SPEAKER)}
$from_year = {_alternatives(FROM_YEAR)}

intent play_music =
    [$please] $play {{artist}} [$on_speaker]
  | $can_you $play some {{genre}} by {{artist}} [$please]
  | i want to hear {{artist}}

intent add_to_playlist =
    add {{artist}} to my {{playlist}} playlist [$please]
  | $can_you put {{artist}} on {{playlist}}

intent get_artist_info =
    who is {{artist}}
  | tell me about {{artist}} [$please]
  | $can_you show me songs by {{artist}} [$from_year]
"""


def write_grammar(folder: Path) -> Path:
    """Write `music_workload.grm` and its `artists.txt` catalogue into `folder`."""
    (folder / "artists.txt").write_text("\n".join(ARTISTS) + "\n", encoding="utf-8")
    path = folder / "music_workload.grm"
    path.write_text(grammar_text(), encoding="utf-8")
    return path
