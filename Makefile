# Two commands on a fresh clone: `make serve` and `make test` (see README.md).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

.PHONY: install serve test lint bench
install: $(BIN)/.installed

serve: $(BIN)/.installed
	$(BIN)/cpms-kg serve

lint: $(BIN)/.installed
	$(BIN)/ruff check cpms_kg api tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/foundation.py
	$(BIN)/python bench/conformance.py --sizes 10000,100000,1000000
	$(BIN)/python bench/search.py
