#!/usr/bin/env bash
# Servers the tests start themselves: Redis (shared sign-in throttling across app servers) and Dovecot (the
# organiser's mailbox over IMAP, read by `mail fetch`). Installs Debian's package when it is missing and we are
# root; in CI a missing server is an error, never a skip.
set -euo pipefail

if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's redis-server for the tests …"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq redis-server >/dev/null
  fi
fi
if ! command -v redis-server >/dev/null && [ -n "${CI:-}" ]; then
  echo "error: the tests need redis-server (apt-get install redis-server, as root)." >&2
  exit 1
fi

# Dovecot's IMAP server: the tests run it unprivileged on a free port with a throwaway configuration
# (tests/imap_server.py). Debian's package starts a system service on install; the tests never use it.
dovecot=${TRACKER_DOVECOT:-/usr/sbin/dovecot}
if [ ! -x "$dovecot" ] || [ ! -e /usr/lib/dovecot/imap ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's dovecot-imapd for the tests …"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq dovecot-imapd >/dev/null
  fi
fi
if { [ ! -x "$dovecot" ] || [ ! -e /usr/lib/dovecot/imap ]; } && [ -n "${CI:-}" ]; then
  echo "error: the tests need Dovecot's IMAP server (apt-get install dovecot-imapd, as root)." >&2
  exit 1
fi

# WeasyPrint (PDF releases) subsets the fonts it embeds with HarfBuzz's subsetter; without it, it warns (an
# error under the tests' filterwarnings) and embeds whole fonts.
if ! ldconfig -p | grep -q 'libharfbuzz-subset\.so\.0'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's libharfbuzz-subset0 for PDF output …"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq libharfbuzz-subset0 >/dev/null
  fi
fi
if ! ldconfig -p | grep -q 'libharfbuzz-subset\.so\.0' && [ -n "${CI:-}" ]; then
  echo "error: PDF output needs libharfbuzz-subset0 (apt-get install libharfbuzz-subset0, as root)." >&2
  exit 1
fi
