# `make run` sets up a virtualenv and starts the bot on its embedded default;
# `make test` sets up the same virtualenv and runs lint, types and the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup run test lint bench clean

# pip stays as `python -m venv` brings it: a user's install must work with that pip too.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/newsbot run

lint: setup
	$(BIN)/ruff format --check bot adapters storage tests benchmarks
	$(BIN)/ruff check bot adapters storage tests benchmarks
	$(BIN)/mypy --strict bot storage adapters
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/quality.py
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) newsbot.db newsbot.db-wal newsbot.db-shm
