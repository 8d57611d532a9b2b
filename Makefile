# The README's commands. `make run` and `make test` work on a fresh machine with Python 3.11+
# and Node.js/npm: each installs what it needs first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-stamp
ASSETS := node_modules/.package-lock.json
# Tests never use a real secret; production must set SECRET_KEY (see .env.example).
TEST_ENV := SECRET_KEY=insecure-test-only-key DEBUG=0
PG_URL ?= postgres://postgres@127.0.0.1:5432/uhbplan

.PHONY: install assets run test test-postgres test-browser lint format check-migrations ci clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("uhbplan needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(INSTALLED) assets

assets: $(ASSETS)

run: install
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_plan
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl+C to stop)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install
	@test -x /usr/bin/chromium || echo "NOTE: /usr/bin/chromium not found: the browser tests will be SKIPPED (install it with: apt-get install -y chromium)."
	$(TEST_ENV) $(PY) -m pytest

# The browser journeys run in `make test`; here the rest of the suite runs on PostgreSQL.
test-postgres: install
	$(TEST_ENV) DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not browser"

test-browser: install
	$(TEST_ENV) $(PY) -m pytest -m browser

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: $(INSTALLED)
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules staticfiles
