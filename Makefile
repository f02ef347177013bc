# UMKM Blitar — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve loadtest loadtest-busy loadtest-capacity test install install-dev chromium pango lint format migrate demo clean backup restore

$(PY):
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); \
	  else echo "Buat virtualenv gagal: pasang paket python3-venv dulu." >&2; exit 1; fi; }
	@$(PIP) install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed pango
install-dev: $(VENV)/.installed-dev pango

## WeasyPrint draws the quarterly brief's PDF (coaching/brief/) with Debian's Pango and its fonts.
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
pango:
	@dpkg -s $(PANGO_PACKAGES) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $(PANGO_PACKAGES) >/dev/null; \
	  else echo "Pasang Pango dulu: sudo apt-get install -y $(PANGO_PACKAGES)" >&2; exit 1; fi; }

## Install, migrate a SQLite database in the project folder, load demo data once, serve the app.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Buka http://$(HOST):$(PORT) dan masuk dengan salah satu akun demo di atas."
	@# The queue's worker (imports, long exports) runs beside the dev server and stops with it.
	@$(PY) manage.py task_workers & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

## Run as the office's server does: gunicorn, DJANGO_DEBUG off, PostgreSQL from DATABASE_URL, static
## files collected for WhiteNoise; needs DJANGO_SECRET_KEY and DATABASE_URL (README: Production).
serve: install
	PY=$(PY) bin/serve

## Load test: 50 logged-in users for 60 s against `bin/serve` on PostgreSQL with the demo data
## (tests/load/run.sh; USERS, DURATION, LOAD_DB, LOAD_PG to change). Locust has a virtualenv of its own.
.venv-load/.installed: requirements-load.txt
	$(PYTHON) -m venv .venv-load
	.venv-load/bin/pip install -q -r requirements-load.txt
	@touch $@

loadtest: install .venv-load/.installed
	tests/load/run.sh

## The same 50 people paced at 1–3 s between pages: 0 errors and p95 under 500 ms.
loadtest-busy: install .venv-load/.installed
	LOAD_WAIT_MIN=1 LOAD_WAIT_MAX=3 tests/load/run.sh

## What the server can take: 150 people at 1–3 s ask for more than two cores give, so the throughput
## is the server's; held to LOAD_MIN_RPS (44: twice the 22 requests/s measured before issue 18), p95 not.
loadtest-capacity: install .venv-load/.installed
	USERS=$${USERS:-150} SPAWN_RATE=$${SPAWN_RATE:-10} LOAD_WAIT_MIN=1 LOAD_WAIT_MAX=3 \
	  LOAD_MIN_RPS=$${LOAD_MIN_RPS:-44} LOAD_MAX_P95=0 tests/load/run.sh

## Debian's Chromium drives the browser tests (Playwright cannot download its own here).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Pasang Chromium dulu: sudo apt-get install -y chromium" >&2; exit 1; fi; }

## Install what the tests need and run the whole suite (lint, unit, view and browser tests), a file at
## a time on each core (pytest-xdist), each worker with a database of its own; TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto
test: install-dev chromium lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run >/dev/null

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .venv-load db.sqlite3 staticfiles .pytest_cache .ruff_cache

## Dump the whole database to backups/umkm-blitar-YYYYMMDD-HHMM.dump (or FILE=...), see README.
backup: install
	$(PY) manage.py backup_db $(if $(FILE),--output "$(FILE)")

## Restore a dump into the configured database, which must be new and empty: make restore FILE=...
restore: install
	@test -n "$(FILE)" || { echo "Sebutkan berkas cadangannya: make restore FILE=backups/....dump" >&2; exit 1; }
	$(PY) manage.py restore_db "$(FILE)"
