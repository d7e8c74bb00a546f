"""Pictures of compiled grammars: Graphviz DOT text with words (not symbol ids) on the
arcs, slots by their class names, and each arc's probability of being taken, as the
sampler takes it (weights pushed toward the start, so the probabilities leaving a state
add up to 1, stopping included). SVG and PNG come from Graphviz's `dot` program, which
is needed only for them.
"""

from __future__ import annotations

import logging
import math
import shutil
import subprocess
from pathlib import Path

import pynini

from . import signals
from .errors import UsageError, not_a_folder
from .fst import labels
from .fst.compiler import CompiledFsts
from .output import atomic_file
from .sampling.walker import Walker
from .text import scripts

FORMATS = ("dot", "svg", "png")
SLOW_ARCS = 3_000  # Graphviz lays out 1,342 arcs in 2.6 s, 9,115 in more than a minute
log = logging.getLogger("grammar_fst")


def dot_source(fsts: CompiledFsts, drawn: list[tuple[str, pynini.Fst]]) -> str:
    """DOT text of the FSTs in `drawn` (title, FST), each in a box of its own; slot
    nonterminals in them are weighted by the slot classes of `fsts`. One walker holds
    them all: its probabilities of the network's rules and slots are found once, not
    once per FST drawn."""
    symbols = [fsts.symbols.find(i) for i in range(fsts.symbols.num_symbols())]
    walker = Walker(CompiledFsts(fsts.symbols, dict(drawn), fsts.slots, fsts.rules))
    lines = [
        "digraph grammar {",
        '  rankdir=LR; node [shape=circle, fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for number, (title, fst) in enumerate(drawn):
        choices = walker.choices(walker.states(("intent", title)))
        lines += [f"  subgraph cluster_{number} {{", f'    label="{_escape(title)}";']
        for state in range(fst.num_states()):
            arc_log_p, stop = choices.of(state)
            node = f"n{number}_{state}"
            if fst.final(state) != pynini.Weight.zero(fst.weight_type()):
                label = f"{state}\\nstop {_probability(stop)}"
                lines.append(f'    {node} [shape=doublecircle, label="{label}"];')
            else:
                lines.append(f'    {node} [label="{state}"];')
            for arc, log_p in zip(fst.arcs(state), arc_log_p):
                text = _escape(arc_label(arc.ilabel, arc.olabel, symbols))
                p = _probability(log_p)
                lines.append(f'    {node} -> n{number}_{arc.nextstate} [label="{text}\\n{p}"];')
        if fst.start() >= 0:
            lines.append(
                f"    start{number} [shape=point]; start{number} -> n{number}_{fst.start()};"
            )
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def arc_label(ilabel: int, olabel: int, symbols: list[str]) -> str:
    """What an arc says: a word; `{slot}` for a slot class; `$rule` for a rule; `[slot` and
    `slot]` around a slot's value; `PlayMusic:` for the intent tag; `in:out` where the
    sides differ."""
    tag = labels.parse_tag(symbols[olabel]) if olabel else None
    if tag and tag[0] == "class":
        return "{" + tag[1] + "}"
    if tag and tag[0] == "rule":
        return "$" + tag[1]
    if tag and ilabel == 0:
        return {"intent": f"{tag[1]}:", "open": f"[{tag[1]}", "close": f"{tag[1]}]"}[tag[0]]
    if ilabel == olabel:
        return symbols[ilabel] if ilabel else "ε"
    side = [symbols[label] if label else "ε" for label in (ilabel, olabel)]
    return f"{side[0]}:{side[1]}"


def _probability(log_p: float) -> str:
    return f"p={math.exp(log_p):.3g}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


# fontconfig's language and a Debian package with a font for each script
FONTS = {
    scripts.THAI: ("th", "fonts-thai-tlwg"),
    scripts.LAO: ("lo", "fonts-lao"),
    scripts.KHMER: ("km", "fonts-khmeros"),
    scripts.MYANMAR: ("my", "fonts-noto-core"),
    scripts.CJK: ("ja", "fonts-noto-cjk"),
}


def missing_fonts(source: str) -> list[str]:
    """A warning for each script of `source` that no installed font covers (its letters
    would be drawn as empty boxes), as fontconfig's `fc-list` tells; none without it."""
    program = shutil.which("fc-list")
    if program is None:
        return []
    warnings = []
    for script in sorted(scripts.used(source)):
        lang, package = FONTS[script]
        found = subprocess.run(
            [program, f":lang={lang}", "family"], capture_output=True, check=False
        ).stdout.strip()
        if not found:
            warnings.append(
                f"no installed font covers {scripts.NAMES[script]}: its words will be drawn "
                f"as empty boxes; install one (e.g. apt-get install {package})"
            )
    return warnings


def render(source: str, fmt: str) -> bytes:
    """`source` drawn by Graphviz as `fmt` (svg or png); a clear error without `dot`, a
    warning for a script no installed font covers."""
    for warning in missing_fonts(source):
        log.warning("%s", warning)
    program = shutil.which("dot")
    if program is None:
        raise UsageError(
            f"drawing {fmt.upper()} needs Graphviz's dot program, which is not on the PATH: "
            "install Graphviz (e.g. apt-get install graphviz), or write a .dot file"
        )
    arcs = source.count(" -> ")
    if arcs > SLOW_ARCS:
        log.warning(
            "Graphviz lays out %s arcs slowly (minutes or more): Ctrl-C stops it; a .dot "
            "file is written at once, and --intent, --rule or --slot draws one part",
            f"{arcs:,}",
        )
    dot = subprocess.Popen(
        [program, f"-T{fmt}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    signals.CHILDREN.add(dot.pid)  # a signal to this process stops dot too
    try:
        picture, err = dot.communicate(source.encode("utf-8"))
    finally:
        signals.CHILDREN.discard(dot.pid)
    if dot.returncode != 0:
        said = "; ".join(err.decode("utf-8", errors="replace").split("\n")).strip("; ")
        reason = said or f"it stopped with status {dot.returncode}"
        raise UsageError(f"Graphviz's dot failed: {reason}")
    return picture


def write(source: str, path: str | Path) -> None:
    """Write the picture to `path`, in the format its ending names (atomically)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    not_a_folder(path, "a file to write")
    if fmt not in FORMATS:
        raise UsageError(
            f"{path}: cannot draw as '{path.suffix}'; end the name with .dot, .svg or .png"
        )
    data = source.encode("utf-8") if fmt == "dot" else render(source, fmt)
    with atomic_file(path, "wb") as out:
        out.write(data)
