# The two commands of the quick start: `make demo` and `make test`.
# Each creates .venv with the machine's Python 3.11+ and installs what it needs.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export MONEYTRAIL_DATA_DIR ?= $(abspath ../shared/data)

.PHONY: demo test install bench clean postgres java

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "moneytrail needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The Spark engine is an optional extra; make test installs it (and Java) to test it.
$(VENV)/.installed-spark: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $@

install: $(VENV)/.installed

# Loads every list into a throw-away store and prints the summary and the newest SDN change.
demo: install
	MONEYTRAIL_HOME=$${MONEYTRAIL_HOME:-$(CURDIR)/.demo-home} $(BIN)/moneytrail demo

test: install postgres java $(VENV)/.installed-spark
	$(BIN)/python -m pytest -q

# The store's tests also run on a real PostgreSQL server, which the tests start on loopback.
# Install it from the machine's packages where it is missing (best effort: without it those
# tests are skipped with a loud message).
postgres:
	@if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing PostgreSQL for the store tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
			|| echo "WARNING: could not install PostgreSQL; its tests will be skipped"; \
	else \
		echo "WARNING: no PostgreSQL server on this machine; its tests will be skipped"; \
	fi

# Java 17+ for the Spark tests, from the machine's packages where it is missing (best effort:
# without it those tests are skipped with a loud message).
java:
	@if command -v java >/dev/null; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Java for the Spark tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null) \
			|| echo "WARNING: could not install Java; the Spark tests will be skipped"; \
	else \
		echo "WARNING: no Java on this machine; the Spark tests will be skipped"; \
	fi

bench: install
	$(BIN)/python benchmarks/load.py

clean:
	rm -rf $(VENV) .demo-home .pytest_cache
