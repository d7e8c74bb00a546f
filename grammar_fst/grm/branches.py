"""How likely each branch of a choice is: the probability rules of the language, stated
once for the compiler (the weights of its FSTs) and for covering derivations (their draws).

An alternation's options weigh 1 unless weighted, and an option weighted 0 is never
taken; an optional part is present half the time unless given a probability; a repetition
takes each of its counts equally often.
"""

from __future__ import annotations

from . import ast as g

DEFAULT_PRESENCE = 0.5  # an optional part without a probability: `x?`, `[x y]`


def weight(option: g.Option) -> float:
    """The relative weight of one option of an alternation (unweighted: 1)."""
    return 1.0 if option.weight is None else option.weight


def can_take(option: g.Option) -> bool:
    """Whether a derivation may take `option`: not weighted `<0>`."""
    return option.weight != 0


def option_probabilities(alternation: g.Alternation) -> list[float] | None:
    """Each option's probability, in order; None when every option weighs 0 (the
    alternation then derives nothing)."""
    weights = [weight(o) for o in alternation.options]
    total = sum(weights)
    if total == 0:
        return None
    return [w / total for w in weights]


def presence(optional: g.OptionalPart) -> float:
    """The probability that an optional part is present."""
    return DEFAULT_PRESENCE if optional.probability is None else optional.probability


def counts(repeat: g.Repeat) -> range:
    """The numbers of copies a repetition can take, each equally likely."""
    return range(repeat.low, repeat.high + 1)


def stop_probability(repeat: g.Repeat, copies: int) -> float:
    """After `copies` copies (at least `low`), the probability of stopping there, given
    that the count is at least `copies`: 1 / (the counts left). Stopping this way after
    each copy from `low` on gives every count the same probability."""
    return 1 / (repeat.high - copies + 1)
