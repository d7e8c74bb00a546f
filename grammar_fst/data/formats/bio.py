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
slots' offsets are computed in that text. Where that is not the text (a slot edge between
two tokens written together that the script would space, `ตอน|10โมง`, `"|Kenzo"`; a
space the script would not write, `เร็ว ๆ นี้`, `music .`), the block also holds the text
as written, `# text = ตั้งปลุกตอน10โมง` after the intent line (as CoNLL-U has it), and
reading finds the tokens in it: every record that reads can be written, with its text and
slots.

Streams: `line` gives a block ending with a newline, so that the lines a caller writes
(`line(u, i) + "\\n"`) leave the blank line that ends a block.

Cannot carry: `canonical` values (dropped on writing), runs of whitespace other than one
space (normalised to one), an empty slot value, one starting or
ending with whitespace, one that cuts a word of a script written with spaces (`play|rock`,
as readers refuse it too), whitespace in a slot name, an intent with whitespace other
than inner spaces. The writer refuses what it cannot write. Lines starting with `#` and
holding no tab are comments (but for the intent and text lines).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...text import tokens
from ..records import SlotValue, Utterance
from ._common import FormatError, Parsed, Source, lines_document, problem, reader

INTENT_PREFIX = "# intent = "
TEXT_PREFIX = "# text = "  # the text as written, where the tokens cannot say its spacing


def tags(utterance: Utterance) -> tuple[list[tuple[str, str]], bool]:
    """(token, tag) pairs, and whether the block needs its text line: the tokens joined
    as their scripts write them are not the text (`ตอน|10` read back `ตอน 10`, `a : b`
    read back `a: b`, two Thai clauses a space apart read back as one); a FormatError if
    a slot cuts a word of a script written with spaces (`play|rock`)."""
    message = problem(utterance)
    if message:
        raise FormatError(f"cannot write {utterance.text!r} as BIO: {message}")
    text = utterance.text
    edges = [edge for slot in utterance.slots for edge in (slot.start, slot.end)]
    spans = tokens.spans(text, edges)
    tags = ["O"] * len(spans)
    for slot in utterance.slots:
        if slot.value != slot.value.strip():
            raise FormatError(
                f"cannot write {text!r} as BIO: slot '{slot.slot}' ({slot.value!r}) starts or "
                "ends with whitespace, which no token holds"
            )
        touched = [k for k, (s, e) in enumerate(spans) if s < slot.end and e > slot.start]
        if (
            not touched
            or spans[touched[0]][0] != slot.start
            or spans[touched[-1]][1] != slot.end
            or tokens.inside_word(text, slot.start)
            or tokens.inside_word(text, slot.end)
        ):
            raise FormatError(
                f"cannot write {text!r} as BIO: slot '{slot.slot}' ({slot.value!r}) does "
                "not cover whole words"
            )
        for k in touched:
            tags[k] = f"{'B' if k == touched[0] else 'I'}-{slot.slot}"
    pairs = [(text[s:e], tag) for (s, e), tag in zip(spans, tags)]
    return pairs, tokens.join([token for token, _ in pairs]) != " ".join(text.split())


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
    pairs, spaced = tags(utterance)
    rows = [INTENT_PREFIX + intent]
    if spaced:
        rows.append(TEXT_PREFIX + " ".join(utterance.text.split()))
    rows += [f"{token}\t{tag}" for token, tag in pairs]
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
    written: tuple[str, int] | None = None  # the text line and where it is
    rows: list[tuple[str, str, int]] = []  # token, tag, where the tag is
    for _, pos, text in block:
        if "\t" not in text and text.startswith("#"):
            if text.startswith(INTENT_PREFIX.rstrip()):
                if intent is not None:
                    return source.error("a second intent line in one block", pos)
                intent = text[len(INTENT_PREFIX.rstrip()) :].strip()
            elif text.startswith(TEXT_PREFIX.rstrip()):
                if written is not None:
                    return source.error("a second text line in one block", pos)
                written = (text[len(TEXT_PREFIX.rstrip()) :].strip(), pos)
            continue
        columns = text.split("\t")
        if len(columns) != 2 or not columns[0] or columns[0] != "".join(columns[0].split()):
            return source.error("expected 'token<TAB>tag' (one token, no spaces)", pos)
        rows.append((columns[0], columns[1].strip(), pos + len(columns[0]) + 1))
    words = [token for token, _, _ in rows]
    if written is None:  # the words as their script writes them, each where it starts
        said, spans = tokens.spelled([[word] for word in words])
        starts = [start for start, _ in spans]
    else:
        said, found = written[0], _found(words, written[0])
        if found is None:
            prefix = TEXT_PREFIX.rstrip()
            return source.error(f"the tokens do not spell the '{prefix}' line", written[1])
        starts = found
    slots = _slots(rows, starts, said, source)
    if not isinstance(slots, list):
        return slots
    if intent is None:
        return source.error(f"a block without a '{INTENT_PREFIX}NAME' line", block[0][1])
    utterance = Utterance(said, intent, tuple(slots))
    message = problem(utterance)
    return source.error(message, block[0][1]) if message else utterance


def _slots(
    rows: list[tuple[str, str, int]], starts: list[int], said: str, source: Source
) -> list[SlotValue] | FormatError:
    """The slots the tags of `rows` (token, tag, where the tag is) mark in the text `said`,
    where the tokens start at `starts`; the error of a bad tag."""
    slots: list[SlotValue] = []
    open_slot: tuple[str, int] | None = None  # name, start
    end = 0  # of the token before
    for (token, tag, at), start in zip(rows, starts):
        if tag == "O" or tag.startswith("B-"):
            if open_slot is not None:
                slots.append(SlotValue(open_slot[0], said[open_slot[1] : end], open_slot[1], end))
                open_slot = None
            if tag.startswith("B-"):
                if not tag[2:]:
                    return source.error("a B- tag without a slot name", at)
                open_slot = (tag[2:], start)
        elif tag.startswith("I-"):
            if open_slot is None or open_slot[0] != tag[2:]:
                return source.error(
                    f"'{tag}' does not continue a slot '{tag[2:]}' (B-{tag[2:]} first)", at
                )
        else:
            return source.error(f"unknown tag '{tag}' (expected O, B-slot or I-slot)", at)
        end = start + len(token)
    if open_slot is not None:
        slots.append(SlotValue(open_slot[0], said[open_slot[1] : end], open_slot[1], end))
    return slots


def _found(words: list[str], text: str) -> list[int] | None:
    """Where each word starts in `text`, which holds them in order with nothing but
    whitespace around them; None if it does not."""
    starts, at = [], 0
    for word in words:
        while at < len(text) and text[at].isspace():
            at += 1
        if not text.startswith(word, at):
            return None
        starts.append(at)
        at += len(word)
    return starts if not text[at:].strip() else None


write_document = lines_document(line)
read = reader(parse)
