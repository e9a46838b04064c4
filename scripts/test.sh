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

# One test process per core (pytest-xdist; PYTEST_XDIST_AUTO_NUM_WORKERS=N to choose), each test handed to
# whichever process is free. Coverage of tracker/ is summed over them and printed at the end; under the floor
# in pyproject.toml the run fails.
"$bin/pytest" --numprocesses auto --dist worksteal --cov=tracker --cov-report=term "$@"
