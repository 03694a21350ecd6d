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

.PHONY: run test bench install install-dev system-deps clean

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

## make test: everything the tests need, then the whole suite (SQLite and PostgreSQL 15).
test: install-dev system-deps
	@scripts/security-checks.sh
	$(BIN)/python -m pytest

## make bench: encryption and blind index, matching, PDF, access export, control room export
## (bench/run.py), and the evaluation scan at 1,000,000 cards (bench/evaluations.py)
## (SQLite in /tmp; BENCH_DATABASE_URL=postgresql+psycopg2://… for PostgreSQL).
bench: install-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/evaluations.py

clean:
	rm -rf $(VENV) .pytest_cache
