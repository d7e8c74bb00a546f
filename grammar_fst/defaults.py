"""Defaults that a library function and the command line's help both state, in a module
that imports nothing, so that `grammar-fst COMMAND --help` can show them without loading
pynini or numpy. The modules whose behaviour they set import them from here."""

DEFAULT_SEED = 0  # sampling: the seed of every random draw (sample, resample, --sample)
DEFAULT_BUDGET = 20_000  # fst.counting: states of a flat form, and of a determinization
DEFAULT_THRESHOLD = 0.1  # data.resample's Jaccard gate, chosen on SNIPS: see docs/resampling.md
AUTO = "auto"  # induction: lambda chosen per intent by cross-validation (the default)
DEFAULT_LAMBDA = 1.0  # induction: the weight of the structure prior where too few utterances
DEFAULT_INTENT = "Utterance"  # induction: the intent of utterances that name none
DEFAULT_SAMPLES = 1000  # evaluate: sentences sampled for the precision proxies
