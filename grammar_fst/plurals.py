"""Counts as messages and grammar comments say them: `1 rule`, `3 rules`."""


def amount(count: int, noun: str) -> str:
    """`3 rules`, `1 rule`, `1,204 states`."""
    return f"{count:,} {noun}{'s' * (count != 1)}"
