#!/usr/bin/env bash
# Static security checks run by `make test`: bandit on our code, pip-audit on the packages.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "bandit: app/ security/ workflows/ config.py run.py"
"$BIN/bandit" -q -r app security workflows config.py run.py || { echo "bandit found problems"; exit 1; }

echo "pip-audit: the packages in .venv"
out=$("$BIN/pip-audit" --progress-spinner off 2>&1); status=$?
if echo "$out" | grep -q "Found [0-9]* known vulnerabilit"; then
  echo "$out"; exit 1
fi
if [ $status -ne 0 ]; then
  # No answer from the vulnerability service is no finding; say so and go on.
  echo "pip-audit could not run: $(echo "$out" | tail -1)"
  exit 0
fi
skipped=$(echo "$out" | grep -c "could not be audited" || true)
echo "pip-audit: no known vulnerabilities (${skipped} packages unknown to the vulnerability service were skipped)"
