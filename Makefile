# `make run` sets up a virtualenv and starts the bot on its embedded default;
# `make test` sets up the same virtualenv and runs lint, types and the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup run test lint bench clean lexicon

# Offline lexicons from Debian's packages: FreeDict English-Norwegian (cross-language
# answers), FreeDict Nynorsk-Bokmål (Nynorsk questions), WordNet (English base forms:
# "won" -> "win") and an English word list. Installed where apt-get is there and allowed, quietly;
# without them newsbot works as before, with cross-language lookup off.
LEXICON_PACKAGES := dict-freedict-eng-nor dict-freedict-nno-nob wordnet-base wamerican
LEXICON_FILES := /usr/share/dictd/freedict-eng-nor.index /usr/share/wordnet/index.noun \
	/usr/share/dict/american-english /usr/share/dictd/freedict-nno-nob.index

# pip stays as `python -m venv` brings it: a user's install must work with that pip too.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed lexicon

lexicon:
	@for f in $(LEXICON_FILES); do [ -f $$f ] || missing=1; done; \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq $(LEXICON_PACKAGES) >/dev/null 2>&1 || \
	  { apt-get update -qq >/dev/null 2>&1 && \
	    apt-get install -y -qq $(LEXICON_PACKAGES) >/dev/null 2>&1; } || \
	  echo "note: could not install $(LEXICON_PACKAGES); cross-language answers are off"; \
	fi; true

run: setup
	$(BIN)/newsbot run

lint: setup
	$(BIN)/ruff format --check bot adapters storage tests benchmarks
	$(BIN)/ruff check bot adapters storage tests benchmarks
	$(BIN)/mypy --strict bot storage adapters
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile

test: lint
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/quality.py
	$(BIN)/python benchmarks/speed.py
	$(BIN)/python benchmarks/tenants.py

clean:
	rm -rf $(VENV) newsbot.db newsbot.db-wal newsbot.db-shm
