#!/usr/bin/env bash
# `make test`: lint and type check, then the whole suite (unit, CLI, HTTP and browser tests).
set -euo pipefail
bin=.venv/bin

"$bin/ruff" check --quiet .
"$bin/mypy"

bash scripts/server-deps.sh

if [ -d tests/browser ]; then
  bash scripts/browser-deps.sh
fi

# Coverage of tracker/ is printed at the end; under the floor in pyproject.toml the run fails.
"$bin/pytest" --cov=tracker --cov-report=term "$@"
