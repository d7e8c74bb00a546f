"""The Chatette half of the side-by-side sampling benchmark.

The workload of `music_workload.py` is written as a Chatette 1.6.3 template, Chatette runs
in a child process (so its CPU time and peak RSS are its own, not this process's), and its
`jsonl` output is read back into (text, intent, slots) triples for checking.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import measure  # noqa: E402
from music_workload import (  # noqa: E402
    ARTISTS,
    CAN_YOU,
    FROM_YEAR,
    GENRES,
    ON_SPEAKER,
    PLAY,
    PLAYLISTS,
    QUOTAS,
)

CHATETTE_VERSION = "1.6.3"
SEED = "1"


def _definition(sigil: str, name: str, values: list[str]) -> str:
    return f"{sigil}[{name}]\n" + "".join(f"    {value}\n" for value in values)


def template_text() -> str:
    """The workload as a Chatette template.

    `~[x?]` is Chatette's random-generation modifier: the alias is present or absent, which
    is how the grammar's `[$x]` optionals are written. Quotas go in the `training` annotation.
    """
    q = QUOTAS
    return f"""\
%[play_music]('training': '{q["play_music"]}')
    ~[please?] ~[PLAY] @[artist] ~[on_speaker?]
    ~[CAN_YOU] ~[PLAY] some @[genre] by @[artist] ~[please?]
    i want to hear @[artist]

%[add_to_playlist]('training': '{q["add_to_playlist"]}')
    add @[artist] to my @[playlist] playlist ~[please?]
    ~[CAN_YOU] put @[artist] on @[playlist]

%[get_artist_info]('training': '{q["get_artist_info"]}')
    who is @[artist]
    tell me about @[artist] ~[please?]
    ~[CAN_YOU] show me songs by @[artist] ~[from_year?]

{_definition("~", "please", ["please"])}
{_definition("~", "PLAY", PLAY)}
{_definition("~", "CAN_YOU", CAN_YOU)}
{_definition("~", "on_speaker", ON_SPEAKER)}
{_definition("~", "from_year", FROM_YEAR)}
{_definition("@", "artist", ARTISTS)}
{_definition("@", "genre", GENRES)}
{_definition("@", "playlist", PLAYLISTS)}"""


def _read_jsonl(out_dir: Path) -> list[tuple[str, str, list[tuple[str, str, int, int]]]]:
    """Chatette writes `train/output.jsonl`, or `train/output.N.jsonl` per 10,000 examples."""
    files = sorted(
        (out_dir / "train").glob("output*.jsonl"),
        key=lambda p: int(p.suffixes[0][1:]) if len(p.suffixes) > 1 else 0,
    )
    utterances = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            ex = json.loads(line)
            slots = [
                (e["slot-name"], e["value"], e["start-index"], e["end-index"])
                for e in ex["entities"]
            ]
            utterances.append((ex["text"], ex["intent-name"], slots))
    return utterances


def run(folder: Path) -> dict:
    """Run Chatette on the template in a child process and measure that child alone."""
    folder = Path(folder)
    template = folder / "music_workload.chatette"
    template.write_text(template_text(), encoding="utf-8")
    out_dir = folder / "chatette_out"
    cmd = [
        sys.executable,
        "-m",
        "chatette",
        str(template),
        "-o",
        str(out_dir),
        "-a",
        "jsonl",
        "-s",
        SEED,
        "-f",
    ]
    usage = measure(cmd, folder, folder / "chatette.log")
    return {"cmd": cmd, "usage": usage, "utterances": _read_jsonl(out_dir)}
