"""CoNLL-style BIO tagging: one block per utterance, blank line after each.

    # intent = PlayMusic
    play	O
    some	O
    hard	B-genre
    rock	I-genre

Tokens are the text's words (`tokens.words`: split at whitespace, Thai or Japanese
segmented, a slot's edges always a boundary); a slot covers whole tokens, tagged `B-slot`
on the first and `I-slot` on the rest, other tokens `O`. Reading joins the tokens as their
script writes them (`tokens.join`: single spaces, none between two Thai words), and the
slots' offsets are computed in that text.

Streams: `line` gives a block ending with a newline, so that the lines a caller writes
(`line(u, i) + "\\n"`) leave the blank line that ends a block.

Cannot carry: `canonical` values (dropped on writing), runs of whitespace other than one
space (normalised to one), spacing other than the script's (`0ข` reads back `0 ข`), an
empty slot value or one that does not cover whole tokens,
whitespace in a slot name, an intent with whitespace other than inner spaces. The writer
refuses what it cannot write. Lines starting with `#` and holding no tab are comments.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...text import scripts, tokens
from ..records import SlotValue, Utterance
from ._common import FormatError, Parsed, Source, lines_document, problem, reader

INTENT_PREFIX = "# intent = "


def tags(utterance: Utterance) -> list[tuple[str, str]]:
    """(token, tag) pairs; a FormatError if a slot does not cover whole tokens."""
    message = problem(utterance)
    if message:
        raise FormatError(f"cannot write {utterance.text!r} as BIO: {message}")
    text = utterance.text
    edges = [edge for slot in utterance.slots for edge in (slot.start, slot.end)]
    spans = tokens.spans(text, edges)
    tags = ["O"] * len(spans)
    for slot in utterance.slots:
        touched = [k for k, (s, e) in enumerate(spans) if s < slot.end and e > slot.start]
        if (
            not touched
            or spans[touched[0]][0] != slot.start
            or spans[touched[-1]][1] != slot.end
            or _spaced_apart(text, slot.start)
            or _spaced_apart(text, slot.end)
        ):
            raise FormatError(
                f"cannot write {text!r} as BIO: slot '{slot.slot}' ({slot.value!r}) does "
                "not cover whole words"
            )
        for k in touched:
            tags[k] = f"{'B' if k == touched[0] else 'I'}-{slot.slot}"
    return [(text[s:e], tag) for (s, e), tag in zip(spans, tags)]


def _spaced_apart(text: str, at: int) -> bool:
    """Whether a token edge at `at` would read back with a space the text does not have
    (`jazz|.`, `play|rock`); between two Thai letters it would not."""
    if not 0 < at < len(text) or text[at - 1].isspace() or text[at].isspace():
        return False
    return scripts.gap(text[at - 1], text[at])


def writable_intent(name: str) -> bool:
    """Whether an intent's comment line reads back as this name (inner spaces only)."""
    return name == name.strip() and not any(c.isspace() and c != " " for c in name)


def writable_slot(name: str) -> bool:
    """Whether a slot name can be a tag (`B-name`): not empty, no whitespace."""
    return bool(name) and name == "".join(name.split())


def line(utterance: Utterance, index: int) -> str:
    """One block: the intent comment, a `token<TAB>tag` line per token, and a newline
    (so that the newline a caller adds makes the blank line between blocks)."""
    intent = utterance.intent
    if not writable_intent(intent):
        raise FormatError(f"cannot write the intent {intent!r} as BIO")
    for slot in utterance.slots:
        if not writable_slot(slot.slot):
            raise FormatError(f"cannot write the slot name {slot.slot!r} as a BIO tag")
    rows = [INTENT_PREFIX + intent] + [f"{token}\t{tag}" for token, tag in tags(utterance)]
    return "\n".join(rows) + "\n"


def parse(source: Source) -> Iterator[Parsed]:
    """Blocks are separated by blank lines; each needs an intent line."""
    block: list[tuple[int, int, str]] = []
    for number, pos, text in source.lines():
        if text.strip():
            block.append((number, pos, text))
        elif block:
            yield _block(block, source)
            block = []
    if block:
        yield _block(block, source)


def _block(block: list[tuple[int, int, str]], source: Source) -> Parsed:
    for _, pos, text in block:
        bad = source.bad_bytes(pos, pos + len(text))
        if bad is not None:
            return bad
    intent: str | None = None
    words: list[str] = []
    slots: list[SlotValue] = []
    length = 0
    open_slot: tuple[str, int] | None = None  # name, start
    for _, pos, text in block:
        if "\t" not in text and text.startswith("#"):
            if text.startswith(INTENT_PREFIX.rstrip()):
                if intent is not None:
                    return source.error("a second intent line in one block", pos)
                intent = text[len(INTENT_PREFIX.rstrip()) :].strip()
            continue
        columns = text.split("\t")
        if len(columns) != 2 or not columns[0] or columns[0] != "".join(columns[0].split()):
            return source.error("expected 'token<TAB>tag' (one token, no spaces)", pos)
        token, tag = columns[0], columns[1].strip()
        start = length + (1 if words and scripts.gap(words[-1], token) else 0)
        if tag == "O" or tag.startswith("B-"):
            if open_slot is not None:
                slots.append(_slot(open_slot, words, length))
                open_slot = None
            if tag.startswith("B-"):
                if not tag[2:]:
                    return source.error("a B- tag without a slot name", pos + len(token) + 1)
                open_slot = (tag[2:], start)
        elif tag.startswith("I-"):
            if open_slot is None or open_slot[0] != tag[2:]:
                return source.error(
                    f"'{tag}' does not continue a slot '{tag[2:]}' (B-{tag[2:]} first)",
                    pos + len(token) + 1,
                )
        else:
            return source.error(
                f"unknown tag '{tag}' (expected O, B-slot or I-slot)", pos + len(token) + 1
            )
        words.append(token)
        length = start + len(token)
    if open_slot is not None:
        slots.append(_slot(open_slot, words, length))
    if intent is None:
        return source.error(f"a block without a '{INTENT_PREFIX}NAME' line", block[0][1])
    utterance = Utterance(tokens.join(words), intent, tuple(slots))
    message = problem(utterance)
    return source.error(message, block[0][1]) if message else utterance


def _slot(open_slot: tuple[str, int], words: list[str], length: int) -> SlotValue:
    name, start = open_slot
    text = tokens.join(words)
    return SlotValue(name, text[start:length], start, length)


write_document = lines_document(line)
read = reader(parse)
