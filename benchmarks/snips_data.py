"""The SNIPS benchmark files, as the benchmarks read them: per intent, `train_<Intent>.json`
(the pool of 300 the SNIPS benchmark drew its small training sets from) and
`train_<Intent>_full.json` (about 2,000). Each file is read once per process."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import grammar_fst as gf
from grammar_fst.data import formats
from grammar_fst.text import tokens

logging.getLogger("grammar_fst").setLevel(logging.ERROR)  # skipped records (PlayMusic_full)

INTENTS = (
    "AddToPlaylist",
    "BookRestaurant",
    "GetWeather",
    "PlayMusic",
    "RateBook",
    "SearchCreativeWork",
    "SearchScreeningEvent",
)


def folder(data: Path) -> Path:
    return data / "snips"


def intents_in(data: Path) -> tuple[str, ...]:
    """The intents that have a full training file in `data`, in name order."""
    files = sorted(folder(data).glob("train_*_full.json"))
    return tuple(f.name.removeprefix("train_").removesuffix("_full.json") for f in files)


@cache
def read(path: Path) -> tuple[gf.Utterance, ...]:
    """The utterances of a SNIPS file, bad records skipped."""
    return tuple(formats.read(path, "snips", on_error="skip"))


def pool_of(data: Path, intent: str) -> tuple[gf.Utterance, ...]:
    return read(folder(data) / f"train_{intent}.json")


def full_of(data: Path, intent: str) -> tuple[gf.Utterance, ...]:
    return read(folder(data) / f"train_{intent}_full.json")


def text_key(u: gf.Utterance) -> str:
    """What makes two utterances the same sentence: their case-folded words."""
    return " ".join(tokens.words(u.text.casefold()))


def catalogue_value(value: str) -> str:
    """A slot value as the catalogues write it: case-folded words, single spaces."""
    return " ".join(tokens.words(value.casefold()))


def write_catalogues(utterances: Iterable[gf.Utterance], into: Path) -> dict[str, Path]:
    """One `.txt` catalogue per slot type of `utterances` in folder `into`, its values
    case-folded and sorted. A value starting with '#' would read as a comment line, so it
    is left out."""
    values: dict[str, set[str]] = {}
    for u in utterances:
        for s in u.slots:
            value = catalogue_value(s.value)
            if value and not value.startswith("#"):
                values.setdefault(s.slot, set()).add(value)
    into.mkdir(parents=True, exist_ok=True)
    paths = {}
    for slot, known in sorted(values.items()):
        paths[slot] = into / f"{slot}.txt"
        paths[slot].write_text("".join(f"{v}\n" for v in sorted(known)), encoding="utf-8")
    return paths
