"""The symbols of a compiled grammar beyond its words: intent tags, slot boundaries, and
the nonterminals of slot classes and rules. Each holds a space, which no word can, so the
two never clash.
"""

from __future__ import annotations

# Reserved names hold a space too, so a word spelled "<eps>" is just a word.
EPSILON = "<eps >"
ROOT = "<root >"  # the label `replace` needs for the top-level FST; never on an arc


def intent_tag(name: str) -> str:
    """The output-only symbol that opens every sentence of intent `name`."""
    return f"<intent {name}>"


def slot_open(name: str) -> str:
    """The output-only symbol before a value of slot `name`."""
    return f"<slot {name}>"


def slot_close(name: str) -> str:
    """The output-only symbol after a value of slot `name`."""
    return f"</slot {name}>"


def slot_class(name: str) -> str:
    """The nonterminal that stands for slot class `name` inside intent FSTs."""
    return f"<class {name}>"


def rule_call(name: str) -> str:
    """The nonterminal that stands for rule `name` wherever it is used: the rule is
    compiled once, to its own FST, and entered from every place that names it."""
    return f"<rule {name}>"


def parse_tag(symbol: str) -> tuple[str, str] | None:
    """`("intent"|"open"|"close"|"class"|"rule", name)` for a tag symbol, None for a word."""
    if " " not in symbol or not symbol.endswith(">"):
        return None
    head, name = symbol[1:-1].split(" ", 1)
    kind = {
        "intent": "intent",
        "slot": "open",
        "/slot": "close",
        "class": "class",
        "rule": "rule",
    }.get(head)
    return (kind, name) if kind else None
