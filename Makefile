# The README's commands. `make run` and `make test` work on a fresh machine with Python 3.11+
# and Node.js/npm: each installs what it needs first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-stamp
ASSETS := node_modules/.package-lock.json
# Tests never use a real secret; production must set SECRET_KEY (see .env.example).
TEST_ENV := SECRET_KEY=insecure-test-only-key DEBUG=0 UHBPLAN_ENV_FILE=
PG_URL ?= postgres://postgres@127.0.0.1:5432/uhbplan
# `make run PORT=8001 DATABASE_URL=sqlite:////tmp/other.sqlite3`: a second demo beside the first.
PORT ?= 8000

.PHONY: install lock assets run test test-postgres test-scale test-browser lint format check-migrations bench loadtest scaleout-test ci clean

# Python packages come from the hash-locked list (requirements-dev.lock; the image uses
# requirements.lock): exactly the versions CI tested, each checked against its hash.
$(INSTALLED): pyproject.toml requirements-dev.lock
	$(PYTHON) -c 'import sys; sys.exit("uhbplan needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	@# WeasyPrint (the board report PDF) needs Pango; Debian's package, where it is missing.
	@$(PYTHON) -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("pango-1.0") else 1)' \
	  || (command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0) \
	  || echo "NOTE: Pango not found: install libpango-1.0-0 and libpangoft2-1.0-0 for the board report PDF (see README)."
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(INSTALLED) assets

# After changing pyproject.toml's dependencies: both locks again, with hashes (pip-tools).
lock: $(INSTALLED)
	$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --extra dev --no-emit-index-url --no-emit-find-links -o requirements-dev.lock pyproject.toml

assets: $(ASSETS)

# .env (git-ignored) turns DEBUG on with a generated key, for `make run` and every local
# `python manage.py ...` after it; settings read it, and real environment variables win.
.env:
	$(PY) tools/dev_env.py $@

run: install .env
	@# A demo key and self-signed certificate sign the closed quarters' board record PDFs.
	$(PY) manage.py make_signing_key
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_plan
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on every core (pytest-xdist), up to four workers, each with its own test
# database: on CI's two cores, about 40% off each pass. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
XDIST := -n $(PYTEST_WORKERS) --maxprocesses=4

test: install
	@test -x /usr/bin/chromium || echo "NOTE: /usr/bin/chromium not found: the browser tests will be SKIPPED (install it with: apt-get install -y chromium)."
	node --test tests/js/
	$(TEST_ENV) $(PY) -m pytest $(XDIST) -m "not scale"

# The browser journeys run in `make test`; here the rest of the suite runs on PostgreSQL.
test-postgres: install
	$(TEST_ENV) DATABASE_URL=$(PG_URL) $(PY) -m pytest $(XDIST) -m "not browser and not scale"

# Slow: query counts at factor 100 of the plan (minutes). Kept out of `make test` and CI so
# .ci/run stays well inside its time; run it before resolving a performance or scale issue.
test-scale: install
	$(TEST_ENV) $(PY) -m pytest -m scale

test-browser: install
	$(TEST_ENV) $(PY) -m pytest $(XDIST) -m browser

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: $(INSTALLED)
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

# Performance: docs/performance.md explains the figures.
bench: install
	$(PY) tools/bench.py

# A morning's users (issue 32): 100 arriving over two minutes, then a minute more, through nginx
# to two app servers on one PostgreSQL, as `make scaleout-test` sets them up. Fails if any
# page's 95th percentile reaches 500 ms, any request fails, or either server logs an error.
# LOAD_USERS, LOAD_RAMP (seconds), LOAD_HOLD (seconds) and LOAD_P95_MS change the run.
loadtest: install
	$(PY) tools/loadtest.py

# Two app servers behind nginx on one PostgreSQL, one stopped and started mid-run: nothing
# lost or doubled, no 5xx, sessions kept, reminders sent once (docs/deployment.md). Minutes.
scaleout-test: install
	$(PY) tools/scaleout.py

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules staticfiles
