# The two set-up commands of the README: `make demo` (the main job) and `make test`.
# `make bench` is optional (README, Performance): every benchmark in one table.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench lint system-deps clean

$(BIN)/koers: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[all,dev,postgres,spark]'
	touch $@

# The main job on the embedded default (SQLite file koers.db in this directory).
demo: $(BIN)/koers
	$(BIN)/koers demo

# What the tests use for real, from Debian's packages: a PostgreSQL server, pdftoppm to look
# at the PDF reports, Pango and fonts for WeasyPrint, Chromium for the browser tests (driven
# by Playwright; never `playwright install`), Java for the local Spark of the Basismonitor and
# wrk for the load on the website (bench/load.py, make bench).
SYSTEM_PACKAGES := postgresql poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium openjdk-17-jre-headless wrk
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# Style, types, the architecture's contracts (pyproject.toml [tool.importlinter],
# docs/architecture.md) and declared against imported dependencies.
lint: $(BIN)/koers
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/deptry src

test: $(BIN)/koers system-deps lint
	KOERS_REQUIRE_POSTGRES=1 KOERS_REQUIRE_BROWSER=1 KOERS_REQUIRE_LOAD=1 KOERS_REQUIRE_SPARK=1 $(BIN)/pytest -q

# Every benchmark against its reference, one table (about 10 minutes; needs a quiet machine).
# BENCH_FLAGS=--quick for a short smoke run, BENCH_FLAGS=--full for the 210M panel as well.
BENCH_FLAGS ?=
bench: $(BIN)/koers system-deps
	$(BIN)/python bench/run.py $(BENCH_FLAGS)

clean:
	rm -rf $(VENV) koers.db koers.db-wal koers.db-shm
