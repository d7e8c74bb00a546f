# make demo: set up .venv if needed, compile a bundled grammar and print sampled sentences.
# make test: set up .venv if needed, run the whole test suite.
# make bench: the benchmarks of docs/benchmarks.md (several minutes).
# make bench-nlu: the downstream NLU benchmark on SNIPS (about 20 minutes).
# make fuzz: the long fuzz run (FUZZ_CASES cases or FUZZ_SECONDS seconds, whichever ends first).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install bench bench-nlu fuzz graphviz clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@command -v dot >/dev/null 2>&1 && [ -n "$$(fc-list :lang=th 2>/dev/null)" ] || \
	  $(MAKE) --no-print-directory graphviz
	touch $(STAMP)

# Graphviz's dot draws grammars as SVG/PNG (`grammar-fst draw`, notebooks) and its tests
# need it; fonts for Thai and for Chinese and Japanese draw the bundled grammars' words
# (without them they are empty boxes, and drawing warns). Installed with apt-get where
# that is possible (root on Debian/Ubuntu).
FONTS := fonts-thai-tlwg fonts-noto-cjk
graphviz:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Graphviz and fonts ($(FONTS)) with apt-get"; \
	  apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz $(FONTS) >/dev/null; \
	else \
	  echo "install graphviz to draw SVG/PNG and pass its tests, and $(FONTS)"; \
	  echo "to draw Thai, Chinese and Japanese words"; \
	fi

demo: $(STAMP)
	@mkdir -p out
	$(BIN)/grammar-fst compile grammars/music.grm -o out/music.far
	$(BIN)/grammar-fst count out/music.far
	$(BIN)/grammar-fst sample out/music.far -n 8 --seed 7 --format jsonl

test: $(STAMP)
	$(BIN)/python -m pytest

# the benchmarks of docs/benchmarks.md (Chatette and aalpy, optional dependencies, come with them)
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/sampling_speed.py
	$(BIN)/python benchmarks/catalogue_scale.py
	$(BIN)/python benchmarks/counting_speed.py
	$(BIN)/python benchmarks/parse_speed.py
	$(BIN)/python benchmarks/induction_snips.py
	$(BIN)/python benchmarks/tod_scripts.py --data $(DATA)
	$(BIN)/python benchmarks/network_scale.py --data $(DATA)
	$(BIN)/python benchmarks/resample_command.py --data $(DATA)

# the downstream benchmark: an NLU model trained on SNIPS with and without synthetic data
# (about 20 minutes on 2 cores; DATA=folder if the data is not in ../shared/data)
DATA ?= ../shared/data
bench-nlu: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/nlu_snips.py --data $(DATA)

# mutated grammars, data and archives under a per-case budget; prints a table, and keeps one
# case per distinct failure in tests/fuzz_cases/open/
FUZZ_CASES ?= 100000
FUZZ_SECONDS ?= 3600
FUZZ_JOBS ?= $(shell nproc)
fuzz: $(STAMP)
	nice $(BIN)/python benchmarks/fuzz.py --cases $(FUZZ_CASES) --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS) --keep

# ruff, then mypy (configured in pyproject.toml): an operation that misses one of the
# grammar's operators is a type error
lint: $(STAMP)
	$(BIN)/ruff check grammar_fst tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf out .pytest_cache .hypothesis .mypy_cache
