"""Annotated utterances and the files they live in: the record (`records`), every file
format (`formats`), slot catalogues, semantic patterns and their shares (`distribution`),
slot swapping (`resample`, gated by `context` and scored by `naturalness`), and taking or
cutting parts of data sets (`selection`, `partition`). It knows nothing of sampling."""
