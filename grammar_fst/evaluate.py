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

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pynini

from . import counting, labels, openfst, tokens
from . import grammar as g
from .model import CompiledGrammar
from .utterance import Utterance


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
    rules: int | None  # from the grammar's source; None for a .far
    alternatives: int | None
    states: int
    arcs: int
    sentences: int

    def as_dict(self) -> dict:
        return asdict(self)

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
            ("rules / alternatives", f"{self.rules} / {self.alternatives}"),
            ("states / arcs", f"{self.states:,} / {self.arcs:,}"),
            ("distinct sentences", f"{self.sentences:,}"),
        ]
        return "".join(f"{name:40} {value}\n" for name, value in rows)


def _share(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def evaluate(
    grammar: CompiledGrammar,
    heldout: Sequence[Utterance],
    samples: int = 1000,
    seed: int = 0,
) -> Report:
    """Recall of `grammar` on `heldout`, precision proxies of `samples` of its sentences."""
    words = [grammar.fsts.symbols.find(i) for i in range(grammar.fsts.symbols.num_symbols())]
    fold = all(w == w.casefold() for w in words if labels.parse_tag(w) is None)
    reference = [normalized(u, fold) for u in heldout]
    templates = Templates(grammar)
    said = right_slots = carried = 0
    for u in reference:
        if u.intent not in grammar.fsts.intents:
            continue
        if templates.says(u.intent, tokens.words(u.text), surface=True):
            said += 1
            readings = grammar.readings(u.text, limit=50)
            right_slots += any(r.intent == u.intent and r.slots == u.slots for r in readings)
        carried += templates.says(u.intent, delexicalized(u, grammar.slots), surface=False)
    drawn = list(grammar.sample(samples, seed=seed)) if samples else []
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
    all_fsts = [*grammar.fsts.intents.values(), *grammar.fsts.slots.values()]
    return Report(
        heldout=len(reference),
        recall=_ratio(said, len(reference)),
        slot_recall=_ratio(right_slots, len(reference)),
        delexicalized_recall=_ratio(carried, len(reference)),
        samples=len(drawn),
        exact=_ratio(exact_hits, len(drawn)),
        template=_ratio(template_hits, len(drawn)),
        trigram=_ratio(trigram_hits, len(drawn)),
        rules=None if grammar.grammar is None else len(grammar.grammar.rules),
        alternatives=None if grammar.grammar is None else _alternatives(grammar.grammar),
        states=sum(f.num_states() for f in all_fsts),
        arcs=sum(f.num_arcs(s) for f in all_fsts for s in f.states()),
        sentences=grammar.count(),
    )


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else math.nan


def normalized(u: Utterance, fold: bool) -> Utterance:
    """The utterance as the grammar's sentences are written: NFC words joined by single
    spaces (offsets recomputed), case-folded when asked."""
    change = (lambda t: t.casefold()) if fold else (lambda t: t)
    text, slots, pos = "", [], 0
    for s in u.slots:
        text = _joined(text, change(u.text[pos : s.start]))
        value = " ".join(tokens.words(change(s.value)))
        text += " " if text and value else ""
        slots.append(s._replace(value=value, start=len(text), end=len(text) + len(value)))
        text += value
        pos = s.end
    return Utterance(_joined(text, change(u.text[pos:])), u.intent, tuple(slots))


def _joined(text: str, more: str) -> str:
    words = " ".join(tokens.words(more))
    return f"{text} {words}" if text and words else text + words


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


class Templates:
    """Membership of word sequences in an intent, by walking minimal deterministic
    acceptors: of its surface sentences (slots filled), or of its carrier phrases
    (each slot a single class symbol)."""

    def __init__(self, grammar: CompiledGrammar):
        self.grammar = grammar
        self.symbols = grammar.fsts.symbols
        self._tables: dict[tuple[str, bool], tuple[int, list[dict[int, int]], set[int]]] = {}

    def says(self, intent: str, words: list[str], surface: bool) -> bool:
        start, arcs, finals = self._table(intent, surface)
        state = start
        for word in words:
            label = self.symbols.find(word)
            state = arcs[state].get(label, -1) if state >= 0 and label >= 0 else -1
        return state in finals

    def _table(self, intent: str, surface: bool):
        key = (intent, surface)
        if key not in self._tables:
            if surface:
                acceptor = counting.sentences(self.grammar.fsts, intent)
            else:
                fst = self.grammar.fsts.intents[intent]
                with openfst.captured(f"carrier phrases of intent {intent}"):
                    plain = pynini.arcmap(fst, map_type="rmweight").project("input")
                    acceptor = openfst.optimize(plain)
            zero = pynini.Weight.zero(acceptor.weight_type())
            arcs = [{a.ilabel: a.nextstate for a in acceptor.arcs(s)} for s in acceptor.states()]
            finals = {s for s in acceptor.states() if acceptor.final(s) != zero}
            self._tables[key] = (acceptor.start(), arcs, finals)
        return self._tables[key]
