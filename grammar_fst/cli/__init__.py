"""The `grammar-fst` command line: the parser and the entry point (`main`), one module per
group of commands (`grammar`, `sample`, `data`, `induce`, `importing`), the arguments and
option values they share (`arguments`, `values`), what they read and write (`io`), their
warnings on standard error (`logs`), and the generated reference pages (`reference`).
Library errors come here and become messages and exit statuses; nothing else in the
package imports it."""

PROG = "grammar-fst"  # the command's name, at the start of its messages

# control characters (but line breaks and tabs) as the escapes that name them
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in "\n\t"}


def printable(message: str) -> str:
    """`message` with its control characters (but line breaks and tabs) as escapes: a
    file's text quoted in a message must neither vanish (a NUL) nor drive the terminal
    (an escape sequence)."""
    return message.translate(_ESCAPES)
