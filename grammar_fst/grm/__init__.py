"""The `.grm` language: its syntax tree (`ast`), tokens and parser (`syntax`), files and
imports (`sources`, with the folders a grammar may read in `folders`), static checks
(`validate`) and an editor lexer (`highlight`). No pynini and no numpy: a grammar can be
read, checked and rewritten without the FST machinery."""
