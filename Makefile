# The two set-up commands of the README: `make demo` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint system-deps clean

$(BIN)/koers: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $@

# The main job on the embedded default (SQLite file koers.db in this directory).
demo: $(BIN)/koers
	$(BIN)/koers demo

# Servers the tests use for real: PostgreSQL from Debian's packages.
system-deps:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

lint: $(BIN)/koers
	$(BIN)/ruff check src tests
	$(BIN)/mypy

test: $(BIN)/koers system-deps lint
	KOERS_REQUIRE_POSTGRES=1 $(BIN)/pytest -q

clean:
	rm -rf $(VENV) koers.db koers.db-wal koers.db-shm
