# The README's two commands: `make demo` (main job) and `make test` (whole suite).
# Both create .venv in the repository root when it is missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HASH := $(shell sha1sum pyproject.toml | cut -c1-12)
CORE := $(VENV)/.core-$(HASH)
FULL := $(VENV)/.full-$(HASH)

.PHONY: demo test lint bench system docs clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo needs only the core dependencies.
$(CORE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $(CORE)

# Tests, lint and benchmarks need every extra (web, spark, dev, bench).
$(FULL): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[web,spark,dev,bench]'
	@touch $(FULL) $(CORE)

demo: $(CORE)
	$(BIN)/ccecon demo

system:
	bash scripts/setup-system.sh

test: $(FULL) system
	bash scripts/run-tests.sh

lint: $(FULL)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: $(FULL)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

docs: $(CORE)
	$(BIN)/python -m ccecon.scenario.docs > docs/scenario-reference.md

clean:
	rm -rf $(VENV) ccecon-demo .pytest_cache .mypy_cache .ruff_cache .hypothesis
