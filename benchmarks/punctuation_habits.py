"""Punctuation and spacing habits of texts, to compare sampled sentences with the data
they were induced from: marks written twice, `¿`/`¡` without their closing mark (and closing
marks without the opening one), and spaced against glued boundaries between a Thai
letter and a digit.

    cut -f3 ../shared/data/tod/train-es.tsv | python benchmarks/punctuation_habits.py
    grammar-fst sample es.far -n 2000 --format text | python benchmarks/punctuation_habits.py
"""

from __future__ import annotations

import re
import sys
import unicodedata

THAI = r"[\u0e00-\u0e7f]"


def doubled(text: str) -> bool:
    """Whether a mark is written twice running (`??`, `. .`), an ellipsis (`...`) not
    counting."""
    runs = re.finditer(r"([?!.,¿¡])(?:\s*\1)+", text)
    return any(len(run.group().replace(" ", "")) == 2 for run in runs)


def habits(texts: list[str]) -> dict[str, int]:
    def unopened(t: str, opening: str, closing: str) -> bool:
        return closing in t and opening not in t[: t.rindex(closing)]

    def unclosed(t: str, opening: str, closing: str) -> bool:
        return opening in t and closing not in t[t.index(opening) :]

    joined = "\n".join(texts)
    spaced = [bool(re.search(f"{THAI} +\\d|\\d +{THAI}", t)) for t in texts]
    glued = [bool(re.search(f"{THAI}\\d|\\d{THAI}", t)) for t in texts]
    return {
        "texts": len(texts),
        "doubled marks": sum(doubled(t) for t in texts),
        "with ¿": sum("¿" in t for t in texts),
        "¿ without a later ?": sum(unclosed(t, "¿", "?") for t in texts),
        "with ?": sum("?" in t for t in texts),
        "? without an earlier ¿": sum(unopened(t, "¿", "?") for t in texts),
        "¡ without a later !": sum(unclosed(t, "¡", "!") for t in texts),
        "Thai|digit spaced": len(re.findall(f"{THAI} +\\d|\\d +{THAI}", joined)),
        "Thai|digit glued": len(re.findall(f"{THAI}\\d|\\d{THAI}", joined)),
        "texts only spaced": sum(s and not g for s, g in zip(spaced, glued)),
        "only glued": sum(g and not s for s, g in zip(spaced, glued)),
        "both": sum(s and g for s, g in zip(spaced, glued)),
    }


def main() -> None:
    texts = [unicodedata.normalize("NFC", line.strip()) for line in sys.stdin]
    print("; ".join(f"{name} {n}" for name, n in habits([t for t in texts if t]).items()))


if __name__ == "__main__":
    main()
