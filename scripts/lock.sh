#!/usr/bin/env bash
# `make lock`: resolve every dependency of pyproject.toml (and the build backend) into pinned, hashed
# requirement files. `make run`, `make test` and `.ci/run` install only from these. See docs/dependencies.md.
set -euo pipefail
uv=${UV:-.venv/bin/uv}
common=(--quiet --universal --python-version 3.11 --generate-hashes --no-header --index-url https://pypi.org/simple)
"$uv" pip compile "${common[@]}" requirements/build.in -o requirements/requirements-build.txt
"$uv" pip compile "${common[@]}" pyproject.toml -o requirements/requirements-run.txt
"$uv" pip compile "${common[@]}" pyproject.toml --extra dev -c requirements/requirements-run.txt -o requirements/requirements-dev.txt
echo "Locked: requirements/requirements-{build,run,dev}.txt. Commit them with pyproject.toml."
