# Lockstep: `make run` serves the demo on SQLite; `make test` runs the whole suite on SQLite and PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_DATA_DIR := $(CURDIR)/var/test
PYTEST_ARGS ?=
BENCH_ROWS ?= 1000000

.PHONY: run install install-dev messages chromium fonts test test-sqlite test-postgres check fmt bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Compiled translation catalogues (.mo) are built, not committed.
messages: install
	cd lockstep && ../$(BIN)/django-admin compilemessages --ignore '.venv' -v 0

run: install messages
	LOCKSTEP_DEMO=true $(BIN)/lockstep migrate --noinput -v 0
	LOCKSTEP_DEMO=true $(BIN)/lockstep demo --if-empty
	LOCKSTEP_DEMO=true $(BIN)/lockstep serve

# Browser tests drive Debian's Chromium (Playwright cannot download browsers here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

# Fonts for printable notices in every script (DejaVu: Latin, Cyrillic, Greek, Arabic; WenQuanYi: CJK, Hangul).
fonts:
	@if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then \
		echo "installing Debian's fonts for printable notices"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		($$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-dejavu-core fonts-wqy-microhei) \
			|| echo "WARNING: the fonts could not be installed; PDFs will show other scripts as '?' and their tests are skipped"; \
	fi

test: install-dev messages chromium fonts test-sqlite test-postgres

test-sqlite: install-dev messages
	@echo "== test suite on SQLite"
	LOCKSTEP_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: install-dev messages
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=5).close()" 2>/dev/null; then \
		echo "== test suite on PostgreSQL ($(PG_URL))"; \
		DATABASE_URL=$(PG_URL) LOCKSTEP_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/pytest -n 2 $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(PG_URL) is unreachable: in CI that is a failure"; exit 1; \
	else \
		echo "WARNING: PostgreSQL at $(PG_URL) is unreachable; the PostgreSQL run was SKIPPED"; \
	fi

check: install-dev
	$(BIN)/ruff check lockstep tests bench conftest.py
	$(BIN)/ruff format --check lockstep tests bench conftest.py
	LOCKSTEP_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/mypy lockstep
	LOCKSTEP_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/python manage.py makemigrations --check --dry-run

fmt: install-dev
	$(BIN)/ruff check --fix lockstep tests bench conftest.py
	$(BIN)/ruff format lockstep tests bench conftest.py

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,bench]'
	touch $@

# Benchmarks print the figures recorded in docs/benchmarks.md (they take several minutes; wrk comes from Debian).
bench: install-dev $(VENV)/.installed-bench messages
	@command -v wrk >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get install -y -qq wrk; }
	LOCKSTEP_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/python bench/audit_chain.py
	LOCKSTEP_DATA_DIR=$(TEST_DATA_DIR) DJANGO_SETTINGS_MODULE=lockstep.settings $(BIN)/python bench/extraction.py
	LOCKSTEP_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/python bench/correlation.py --rows $(BENCH_ROWS)
	LOCKSTEP_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/python bench/lookup.py
	LOCKSTEP_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/python bench/taxii.py
	LOCKSTEP_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/python bench/stix_import.py
	$(BIN)/python bench/operations.py --items 150000
	$(BIN)/python bench/names.py

clean:
	rm -rf $(VENV) var
