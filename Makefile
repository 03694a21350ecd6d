# Hulpregie — the two commands of the README, and the ones around them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
# Debian packages the app and the test suite need (installed with apt-get when missing):
# wkhtmltopdf renders the wallet card as PDF; poppler-utils (pdfinfo, pdftotext) checks it.
RUN_DEBS ?= wkhtmltopdf
TEST_DEBS ?= postgresql-15 chromium wkhtmltopdf poppler-utils

.PHONY: run serve test bench load soak install install-dev system-deps clean

$(BIN)/.runtime: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(BIN)/.dev: requirements-dev.txt $(BIN)/.runtime
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(BIN)/.runtime
install-dev: $(BIN)/.dev

system-deps:
	@scripts/system-deps.sh $(TEST_DEBS)

## make run: migrate the SQLite default, sync roles, load demo data once, serve on PORT.
run: install
	@PORT=$(PORT) RUN_DEBS="$(RUN_DEBS)" scripts/run.sh

## make serve: production (README "Deployment"): keys and DATABASE_URL from the environment;
## migrate, sync roles, then gunicorn (gunicorn.conf.py: HOST, PORT, HULPREGIE_WORKERS) and one
## `flask --app run scheduler run` beside it (SCHEDULER=0 to leave the scheduler out).
serve: install
	@scripts/system-deps.sh $(RUN_DEBS)
	@scripts/serve.sh

## make test: everything the tests need, then the whole suite (SQLite and PostgreSQL 15).
test: install-dev system-deps
	@scripts/security-checks.sh
	$(BIN)/python -m pytest

## make bench: every benchmark (bench/run.py): list page and search, matching, PDF, access export,
## control room export, evaluation scan at 1,000,000 cards, API throughput under gunicorn against
## a bare Flask-AppBuilder app; one table, also written to bench/results/<UTC time>.json.
## Data (bench/generate.py) is made once and reused; BENCH_SCALE=0.01 for a quick run.
## SQLite in /tmp; BENCH_DATABASE_URL=postgresql+psycopg2://… for PostgreSQL.
bench: install-dev
	$(BIN)/python -m bench.run

## make load: the load test alone (bench/load.py; BENCH_LOAD_SECONDS, BENCH_LOAD_USERS).
load: install-dev
	$(BIN)/python -m bench.load

## make soak: 10 minutes under load (SOAK_SECONDS); 0 errors and worker memory that does not grow.
soak: install-dev
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) .pytest_cache
