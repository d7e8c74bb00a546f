"""What an option's text means: the parser's `type=` functions. Each refuses what its
option cannot take with one line that argparse prefixes with the option's name."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..defaults import AUTO


def whole_number(text: str) -> int:
    """0 or more: a seed, --floor, --samples (0: no precision proxies), sample's -n and
    quotas (0 with --cover: the covering sentences alone)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is negative")
    return value


def at_least_one(text: str) -> int:
    """1 or more: where 0 would ask for nothing (resample's -n, --jobs, --limit, --budget);
    at most the largest size Python and OpenFst count in (2**63 - 1)."""
    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is less than 1")
    if value > sys.maxsize:
        raise argparse.ArgumentTypeError(f"'{text}' is more than {sys.maxsize:,}")
    return value


def text_argument(value: str) -> str:
    """Text that becomes content (a sentence, an intent's name), refused when the command
    line gave bytes that are not UTF-8: Python holds them as lone surrogates, which
    nothing can write."""
    from ..text import tokens

    if tokens.surrogate(value) >= 0:
        said = value.encode("utf-8", "surrogateescape")
        raise argparse.ArgumentTypeError(f"'{str(said)[2:-1]}' is not valid UTF-8")
    return value


def folder(text: str) -> str:
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"'{text}' is not a folder")
    return text


def intent_quota(text: str) -> tuple[str, int | None]:
    name, sep, count = text.partition("=")
    if not sep:
        return name, None
    return name, whole_number(count)


def binding(text: str) -> tuple[str, str]:
    slot, sep, file = text.partition("=")
    if not sep or not all(slot.split(":")) or not file:  # INTENT:SLOT, neither empty
        raise argparse.ArgumentTypeError(f"'{text}' is not SLOT=FILE (or INTENT:SLOT=FILE)")
    return slot, file


def language_tag(text: str) -> str:
    from ..grm.syntax import LANGUAGE_TAG

    if not LANGUAGE_TAG.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a language tag such as th or es-MX")
    return text


def snips_language(text: str) -> str:
    """snips-nlu's spelling of a language (`pt-BR` -> `pt_br`): either spelling is one."""
    from ..data.formats._format import locale_key

    return locale_key(text).replace("-", "_")


def lambda_value(text: str) -> float | str:
    """`induce --lambda`: auto, or a number of 0 or more."""
    if text == AUTO:
        return AUTO
    try:
        return non_negative(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is neither {AUTO} nor a number of 0 or more"
        ) from None


def non_negative(text: str) -> float:
    value = _number(text)
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of 0 or more")
    return value


def fraction(text: str) -> float:
    value = _number(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not between 0 and 1")
    return value


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None


def partition_shares(text: str) -> dict[str, float]:
    """--partition NAME=SHARE,...: `partition.parse_shares` (imported when it is given:
    the partition module loads numpy)."""
    from ..data.partition import parse_shares

    return parse_shares(text)
