#!/usr/bin/env bash
# Runs lint, types and the whole pytest suite. pytest's exit code 5 (no tests collected)
# is a failure here, like any other non-zero code.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/ruff check src tests benchmarks || exit 1
$BIN/ruff format --check src tests benchmarks || exit 1
$BIN/mypy || exit 1
$BIN/lint-imports || exit 1
$BIN/python -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "run-tests: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$rc"
