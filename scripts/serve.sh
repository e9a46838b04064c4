#!/usr/bin/env bash
# Serve the app for `make run`: the mail worker in the background, the web server in the foreground.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-5000}
bin=.venv/bin

# Links built outside a request (the mail worker, commands) go to the address served here, unless the
# installation names its own (TRACKER_BASE_URL wins everywhere; TRACKER_DEFAULT_BASE_URL if set by hand).
# Pages and the emails a request queues use the address the browser reached (README.md, "Settings").
link_host=$host
case "$host" in
  0.0.0.0|::|"[::]") link_host=127.0.0.1 ;;
  \[*) ;;
  *:*) link_host="[$host]" ;;
esac
export TRACKER_DEFAULT_BASE_URL="${TRACKER_DEFAULT_BASE_URL:-http://$link_host:$port}"

worker_pid=""
if "$bin/flask" mail --help >/dev/null 2>&1; then
  "$bin/flask" mail worker &
  worker_pid=$!
fi
# Calendar replies from the organiser's mailbox, when there is one (docs/deploy.md).
fetcher_pid=""
if [ -n "${TRACKER_IMAP_URL:-}" ]; then
  "$bin/flask" mail fetch --watch &
  fetcher_pid=$!
fi
trap 'for pid in $worker_pid $fetcher_pid; do kill "$pid" 2>/dev/null || true; done' EXIT INT TERM

echo
echo "  Ceremony tracker: http://$link_host:$port"
echo
"$bin/flask" demo accounts || true
echo
exec_status=0
"$bin/flask" run --host "$host" --port "$port" || exec_status=$?
exit "$exec_status"
