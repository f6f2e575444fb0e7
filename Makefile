# The two commands of the quick start: `make demo` and `make test`.
# Each creates .venv with the machine's Python 3.11+ and installs what it needs.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export MONEYTRAIL_DATA_DIR ?= $(abspath ../shared/data)

.PHONY: demo test install bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "moneytrail needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Loads every list into a throw-away store and prints the summary and the newest SDN change.
demo: install
	MONEYTRAIL_HOME=$${MONEYTRAIL_HOME:-$(CURDIR)/.demo-home} $(BIN)/moneytrail demo

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/load.py

clean:
	rm -rf $(VENV) .demo-home .pytest_cache
