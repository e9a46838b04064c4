#!/usr/bin/env bash
# What `make bench` would like: Debian's wrk, the HTTP load generator. Installs it when missing and we can
# (root with apt-get, or sudo without a password); otherwise says so and carries on: the benchmark then drives
# the servers with its own Python load generator. Never fails the run.
set -uo pipefail

if command -v wrk >/dev/null; then
  exit 0
fi
install=()
if [ "$(id -u)" = 0 ]; then
  install=(env)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  install=(sudo -n env)
fi
if [ ${#install[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's wrk for the HTTP benchmark …"
  "${install[@]}" DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
  "${install[@]}" DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || true
fi
if ! command -v wrk >/dev/null; then
  echo "note: wrk is not installed (apt-get install wrk, as root); the benchmark uses its Python load generator." >&2
fi
exit 0
