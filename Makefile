# The two commands a new user needs: `make digest` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: digest test lint types unit golden bench-conflicts bench-cleaning bench-summaries bench-clusters bench-continuity bench-feeds bench-real-day bench-startup bench-shared-store clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

digest: $(STAMP)
	$(BIN)/digest build

test: lint types unit

lint: $(STAMP)
	$(BIN)/ruff format --check digest tests benchmarks
	$(BIN)/ruff check digest tests benchmarks

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

bench-cleaning: $(STAMP)
	$(BIN)/python benchmarks/cleaning.py

bench-summaries: $(STAMP)
	$(BIN)/python benchmarks/summaries.py

bench-clusters: $(STAMP)
	$(BIN)/python benchmarks/clusters.py
	$(BIN)/python benchmarks/build_scale.py

bench-continuity: $(STAMP)
	$(BIN)/python benchmarks/continuity.py

bench-conflicts: $(STAMP)
	$(BIN)/python benchmarks/conflicts.py

bench-real-day: $(STAMP)
	$(BIN)/python benchmarks/real_day.py

bench-startup: $(STAMP)
	$(BIN)/python benchmarks/startup.py

# Needs PostgreSQL's server binaries (Debian: apt-get install postgresql) and psycopg.
bench-shared-store: $(STAMP)
	$(BIN)/python benchmarks/shared_store.py

golden: $(STAMP)
	$(BIN)/python -m tests.golden

bench-feeds: $(STAMP)
	$(BIN)/python benchmarks/feeds_corpus.py
	$(BIN)/python benchmarks/feeds_fetch.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
