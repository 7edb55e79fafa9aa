# The two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Seconds between the message worker's passes under `make run`.
WORKER_INTERVAL ?= 2
# PostgreSQL for the second test run; the database is created when missing.
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/family_events_test
export FLASK_APP := wsgi

.PHONY: run test test-sqlite test-postgres install install-test translations messages lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-test: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

# The portal itself, editable: scripts such as bench/ import it from anywhere.
$(VENV)/.installed-project: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e . --no-deps
	@touch $@

install: $(VENV)/.installed $(VENV)/.installed-project translations

install-test: $(VENV)/.installed-test $(VENV)/.installed-project translations test-tools

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

translations: $(VENV)/.installed
	@$(BIN)/pybabel compile -d translations >/dev/null

# Re-extract the strings after changing them, then translate every new entry.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _p:1c,2 -k lazy_pgettext:1c,2 -o translations/messages.pot \
	  --no-location --sort-output --project "Family Events Portal" --version 1.0 \
	  --copyright-holder "Family Events Portal" .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

# axe-core for the accessibility checks, when npm is there.
test-tools:
	@if [ -f node_modules/axe-core/axe.min.js ]; then :; \
	elif command -v npm >/dev/null; then npm install --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility checks will be skipped (install Node.js to run them)."; fi

# The key that signs sessions: made once, kept in instance/ (not in git), and
# used unless SECRET_KEY is set in the environment.
SECRET_KEY_FILE := instance/secret_key

$(SECRET_KEY_FILE):
	@mkdir -p instance
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@

# The portal and, in the background, the message worker (stopped with the
# server): with no SMTP or SMS provider, every message is printed here.
run: install $(SECRET_KEY_FILE)
	@export SECRET_KEY="$${SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}" && \
	$(BIN)/flask db upgrade && \
	$(BIN)/flask seed-demo --if-empty && \
	$(BIN)/flask demo-info --url http://127.0.0.1:$(PORT) && \
	{ $(BIN)/flask send-due --loop --interval $(WORKER_INTERVAL) & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	  $(BIN)/flask run --host 127.0.0.1 --port $(PORT); }

test: install-test
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== Test suite on SQLite =="
	$(BIN)/python -m pytest

test-postgres:
	@if $(BIN)/python -m portal.devtools "$(TEST_POSTGRES_URL)"; then \
	  echo "== Test suite on PostgreSQL =="; \
	  TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/python -m pytest; \
	elif [ -n "$$REQUIRE_ALL" ]; then \
	  echo "PostgreSQL is required (REQUIRE_ALL is set) but not reachable at $(TEST_POSTGRES_URL)."; exit 1; \
	else \
	  echo "SKIPPED: the PostgreSQL run. No server at $(TEST_POSTGRES_URL);"; \
	  echo "  start one, or set TEST_POSTGRES_URL=postgresql+psycopg://USER@HOST:PORT/DB, then run make test again."; \
	fi
