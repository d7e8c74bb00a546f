"""How well a grammar covers real utterances, and how real its own sentences look.

Recall, on held-out annotated utterances:
- `recall`: the share the grammar says with the right intent;
- `slot_recall`: ... with the right intent and exactly the right slots (a reading of the
  sentence has them);
- `delexicalized_recall`: the share whose carrier phrase the intent has, each slot value
  replaced by its slot: it separates the phrases a grammar knows from the values its
  catalogues know.

Precision proxies, on sentences sampled from the grammar, with the held-out utterances
as the reference (a grammar that says everything would have perfect recall):
- `exact`: the share of samples that occur in the held-out data (same intent);
- `template`: ... whose delexicalized form occurs;
- `trigram`: ... every trigram of whose delexicalized form (with sentence boundaries)
  occurs in the held-out data of the same intent.

When the grammar's words are all in lower case, the held-out text and values are case-
folded before they are compared. Held-out slots the grammar does not define count
against recall and slot recall, and are left as their value in delexicalized forms.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from . import parallel, progress
from .data.formats._common import utterances_argument
from .data.records import Utterance
from .defaults import DEFAULT_SAMPLES
from .errors import kind_argument, whole_argument
from .fst import counting, labels
from .grm import ast as g
from .model import CompiledGrammar
from .plurals import amount
from .text import tokens

log = logging.getLogger("grammar_fst")


@dataclass
class Report:
    """What `evaluate` measures (the JSON output's fields)."""

    heldout: int
    recall: float
    slot_recall: float
    delexicalized_recall: float
    samples: int
    exact: float
    template: float
    trigram: float
    rules: int  # the source's rules; for a .far, the rules its network holds
    alternatives: int | None  # from the grammar's source; None for a .far
    states: int
    arcs: int
    sentences: int | str  # distinct, or at most (see sentences_exact); text if too long
    sentences_exact: bool  # False: `sentences` counts derivations, a bound

    def as_dict(self) -> dict:
        """The fields as JSON holds them: a proxy with nothing to measure (NaN: no samples,
        no held-out utterance) is None, since NaN is not JSON."""
        return {k: None if _unmeasured(v) else v for k, v in asdict(self).items()}

    def __str__(self) -> str:
        rows = [
            ("held-out utterances", f"{self.heldout:,}"),
            ("recall (right intent)", _share(self.recall)),
            ("slot recall (right intent and slots)", _share(self.slot_recall)),
            ("delexicalized recall", _share(self.delexicalized_recall)),
            ("samples", f"{self.samples:,}"),
            ("exact precision (sample in held-out)", _share(self.exact)),
            ("template precision", _share(self.template)),
            ("trigram precision", _share(self.trigram)),
            ("rules / alternatives", f"{self.rules:,} / {_count(self.alternatives)}"),
            ("states / arcs", f"{self.states:,} / {self.arcs:,}"),
            ("distinct sentences", self._sentences_shown()),
        ]
        return "".join(f"{name:40} {value}\n" for name, value in rows)

    def _sentences_shown(self) -> str:
        shown = f"{self.sentences:,}" if isinstance(self.sentences, int) else self.sentences
        return shown if self.sentences_exact else f"at most {shown} (derivations)"


def _count(value: int | None) -> str:
    return "n/a (not kept in a .far)" if value is None else f"{value:,}"


def _sentences(size: counting.Count) -> int | str:
    """A count, exact or a bound, as an int; one too long for an int (a Huge) as text."""
    return size.value if isinstance(size.value, int) else counting.shown(size.value)


def _unmeasured(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _share(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def evaluate(
    grammar: CompiledGrammar,
    heldout: Sequence[Utterance],
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    jobs: int = 1,
    client=None,
) -> Report:
    """Recall of `grammar` on `heldout`, precision proxies of `samples` of its sentences.
    The held-out utterances are parsed, and the samples walked, on `jobs` processes or on
    the workers of a Dask `client` (the compiled grammar is sent to each once); the
    report is the same whichever. The arguments are checked before any work."""
    how = "; load it with grammar_fst.load(path)"
    kind_argument(grammar, "grammar", CompiledGrammar, "a CompiledGrammar", how)
    whole_argument(samples, "samples")
    whole_argument(seed, "seed")
    whole_argument(jobs, "jobs", least=1)
    parallel.client_argument(client)
    heldout = utterances_argument(heldout, "heldout")
    words = [grammar.fsts.symbols.find(i) for i in range(grammar.fsts.symbols.num_symbols())]
    fold = all(w == w.casefold() for w in words if labels.parse_tag(w) is None)
    reference = [normalized(u, fold) for u in heldout]
    _warn_unknown_intents(reference, grammar)
    pieces = (reference[at : at + PIECE] for at in range(0, len(reference), PIECE))
    found = parallel.mapped(_recalled, pieces, grammar, jobs, client)
    said = right_slots = carried = 0
    for piece in progress.counted(found, len(reference), "utterances", size=lambda r: r.count):
        said += piece.said
        right_slots += piece.right_slots
        carried += piece.carried
    drawn = list(grammar.sample(samples, seed=seed, jobs=jobs, client=client)) if samples else []
    exact = {(u.text, u.intent) for u in reference}
    shapes = {(" ".join(delexicalized(u, grammar.slots)), u.intent) for u in reference}
    seen: dict[str, set[tuple[str, ...]]] = {}
    for u in reference:
        seen.setdefault(u.intent, set()).update(trigrams(delexicalized(u, grammar.slots)))
    exact_hits = template_hits = trigram_hits = 0
    for u in drawn:
        shape = delexicalized(u, grammar.slots)
        exact_hits += (u.text, u.intent) in exact
        template_hits += (" ".join(shape), u.intent) in shapes
        trigram_hits += set(trigrams(shape)) <= seen.get(u.intent, set())
    all_fsts = grammar.fsts.all_fsts()
    size = grammar.sizes()[1]
    return Report(
        heldout=len(reference),
        recall=_ratio(said, len(reference)),
        slot_recall=_ratio(right_slots, len(reference)),
        delexicalized_recall=_ratio(carried, len(reference)),
        samples=len(drawn),
        exact=_ratio(exact_hits, len(drawn)),
        template=_ratio(template_hits, len(drawn)),
        trigram=_ratio(trigram_hits, len(drawn)),
        rules=len(grammar.fsts.rules if grammar.grammar is None else grammar.grammar.rules),
        alternatives=None if grammar.grammar is None else _alternatives(grammar.grammar),
        states=sum(f.num_states() for f in all_fsts),
        arcs=sum(f.num_arcs(s) for f in all_fsts for s in f.states()),
        sentences=_sentences(size),
        sentences_exact=size.exact,
    )


PIECE = 256  # held-out utterances a worker parses at a time


@dataclass(frozen=True)
class _Recalled:
    """What parsing a piece of the held-out utterances found."""

    count: int
    said: int
    right_slots: int
    carried: int


def _recalled(grammar: CompiledGrammar, piece: list[Utterance]) -> _Recalled:
    """How many of `piece` the grammar says with the right intent (as `parse` reads the
    text, or in its words as annotated), with the right slots too, and by their carrier
    phrase."""
    parser = grammar._recognizer  # the grammar's own: its FSTs are indexed once
    said = right_slots = carried = 0
    for u in piece:
        if u.intent not in grammar.fsts.intents:
            continue
        own = [r for r in grammar.readings(u.text, limit=50) if r.intent == u.intent]
        # as annotated, a slot edge is a word boundary, whatever the segmenter; as `parse`
        # reads it, an edge inside a word the grammar has (`เมฆ|มาก` of `เมฆมาก`) is none
        if own or parser.derives(u.intent, delexicalized(u, ())):
            said += 1
            right_slots += any(r.slots == u.slots for r in own)
        carried += parser.derives(u.intent, delexicalized(u, grammar.slots), carrier=True)
    return _Recalled(len(piece), said, right_slots, carried)


def _warn_unknown_intents(reference: Sequence[Utterance], grammar: CompiledGrammar) -> None:
    """Say which held-out intents the grammar lacks: they count against recall, and when
    the names differ only in spelling (an induced grammar's `alarm_set_alarm` for the
    data's `alarm/set_alarm`) every figure would be 0 without a word why."""
    unknown = sorted({u.intent for u in reference} - set(grammar.fsts.intents))
    if unknown:
        share = sum(u.intent in unknown for u in reference) / len(reference)
        log.warning(
            "%s lacks %s of the held-out data (%.0f%% of the utterances), counted as "
            "missed: %s; its intents: %s",
            grammar.source,
            amount(len(unknown), "intent"),
            100 * share,
            ", ".join(unknown[:5]) + (", ..." if len(unknown) > 5 else ""),
            ", ".join(grammar.intents[:5]) + (", ..." if len(grammar.intents) > 5 else ""),
        )


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else math.nan


def normalized(u: Utterance, fold: bool) -> Utterance:
    """The utterance as the grammar's sentences are written: its NFC words, segmented
    between slot edges, joined as their scripts write them (offsets recomputed),
    case-folded when asked; its intent and slot names in NFC, as a grammar's are."""
    change = (lambda t: t.casefold()) if fold else (lambda t: t)
    cuts = [0, *itertools.chain.from_iterable((s.start, s.end) for s in u.slots), len(u.text)]
    pieces = [tokens.words(change(u.text[a:b])) for a, b in zip(cuts, cuts[1:])]
    text, spans = tokens.spelled(pieces)
    slots = tuple(
        s._replace(slot=tokens.normalize(s.slot), value=text[a:b], start=a, end=b)
        for s, (a, b) in zip(u.slots, spans[1::2])
    )
    return Utterance(text, tokens.normalize(u.intent), slots)


def delexicalized(u: Utterance, slots: Sequence[str]) -> list[str]:
    """The words of `u`, each slot value the grammar knows replaced by its class."""
    out, pos = [], 0
    for s in u.slots:
        out += tokens.words(u.text[pos : s.start])
        out += [labels.slot_class(s.slot)] if s.slot in slots else tokens.words(s.value)
        pos = s.end
    return out + tokens.words(u.text[pos:])


def trigrams(words: list[str]) -> list[tuple[str, ...]]:
    """The trigrams of a sentence's words, with two start marks and an end mark."""
    padded = ["<s>", "<s>", *words, "</s>"]
    return [tuple(padded[i : i + 3]) for i in range(len(padded) - 2)]


def _alternatives(grammar: g.Grammar) -> int:
    """Options of every alternation of the grammar, and every definition's body once."""
    total = 0
    for statement in grammar.statements:
        if isinstance(statement, g.Definition):
            total += (
                sum(
                    len(node.options) if isinstance(node, g.Alternation) else 0
                    for node in g.walk(statement.body)
                )
                or 1
            )
    return total
