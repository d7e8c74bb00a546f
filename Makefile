# make demo: set up .venv if needed, compile a bundled grammar and print sampled sentences.
# make test: set up .venv if needed, run the whole test suite.
# make bench: the benchmarks of docs/benchmarks.md (several minutes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install bench clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p out
	$(BIN)/grammar-fst compile grammars/music.grm -o out/music.far
	$(BIN)/grammar-fst count out/music.far
	$(BIN)/grammar-fst sample out/music.far -n 8 --seed 7 --format jsonl

test: $(STAMP)
	$(BIN)/python -m pytest

# the benchmarks of docs/benchmarks.md (Chatette, an optional dependency, comes with them)
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/sampling_speed.py
	$(BIN)/python benchmarks/catalogue_scale.py

lint: $(STAMP)
	$(BIN)/ruff check grammar_fst tests benchmarks

clean:
	rm -rf out .pytest_cache .hypothesis
