#!/usr/bin/env bash
# What the browser tests need: Debian's Chromium (Playwright cannot download browsers here) and axe-core
# from npm. Installs what is missing when it can; in CI, a missing browser is an error, never a skip.
set -euo pipefail

chromium=${TRACKER_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests …"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium >/dev/null
  fi
fi
if [ ! -x "$chromium" ]; then
  echo "error: the browser tests need Chromium at $chromium (apt-get install chromium, as root)." >&2
  exit 1
fi

# axe-core, pinned in tests/browser/package.json and its lock file.
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  if ! command -v npm >/dev/null; then
    echo "error: the accessibility tests need npm to install axe-core (apt-get install npm)." >&2
    exit 1
  fi
  (cd tests/browser && npm ci --silent --no-audit --no-fund >/dev/null)
fi
