"""The `grammar-fst` command line: the parser and the entry point (`main`), one module per
group of commands (`grammar`, `sample`, `data`, `induce`, `importing`), the arguments and
option values they share (`arguments`, `values`), what they read and write (`io`), their
warnings on standard error (`logs`), and the generated reference pages (`reference`).
Library errors come here and become messages and exit statuses; nothing else in the
package imports it."""

PROG = "grammar-fst"  # the command's name, at the start of its messages
