# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test install install-dev lint format migrate bench sample clean messages mutate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

install: $(STAMP)          ## create .venv and install the app

install-dev: $(DEVSTAMP)   ## .venv with the dev extras (tests, ruff)

migrate: install           ## apply database migrations (DATABASE_URL or the SQLite default)
	$(BIN)/python -m storage.migrate

run: install               ## install, migrate and start the app (python -m bot migrates too)
	$(BIN)/python -m bot

test: install-dev          ## install with dev extras and run the whole suite
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install-dev      ## update the gettext catalogues from the code (Babel)
	$(BIN)/python -m bot.catalog

mutate: install-dev        ## mutation testing of bot/core, a module at a time (slow: not in test or CI); MODULES="money slots"
	$(BIN)/python -c "import mutmut" 2>/dev/null || $(BIN)/python -m pip install --quiet 'mutmut>=3.8,<4'
	$(BIN)/python -m tools.mutate $(MODULES)

bench: install-dev         ## every row of the performance table (SQLite, PostgreSQL); rewrites docs/PERFORMANCE.md
	$(BIN)/python -m bench --write $(BENCH_ARGS)

sample: install-dev        ## regenerate docs/sample-digest.txt and .png from a made-up pipeline
	$(BIN)/python -m bench.sample

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
