"""Load generators for ``bench.http``: ``wrk`` when it is on the PATH, else threads with keep-alive connections.

Both keep ``connections`` requests in flight against one URL for ``seconds`` and count every answer by its
status, so that a redirect to the sign-in page or an error is seen as such and never taken for a fast page.
"""

from __future__ import annotations

import http.client
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CONNECTIONS = 8
THREADS = 2

#: Counts the answers of each wrk thread by status and prints them with the figures as one JSON line.
_WRK_SCRIPT = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  statuses = {}
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local parts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      parts[#parts + 1] = string.format('"%d": %d', status, count)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d, "statuses": [{%s}]}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, table.concat(parts, "}, {")))
end
"""


@dataclass
class Load:
    """What one load run measured."""

    tool: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    #: Answers by status code.
    statuses: dict[int, int] = field(default_factory=dict)
    #: Connections refused, reset or timed out: requests without an answer.
    errors: int = 0

    @property
    def rps(self) -> float:
        """Requests answered per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def unexpected(self, expected: int) -> int:
        """How many requests did not get the ``expected`` status (errors included)."""
        return self.errors + sum(count for status, count in self.statuses.items() if status != expected)


def have_wrk() -> bool:
    """Whether ``wrk`` is installed (``scripts/bench-deps.sh`` installs it when it can)."""
    return shutil.which("wrk") is not None


def measure(url: str, headers: dict[str, str] | None = None, seconds: float = 4.0) -> Load:
    """Load ``url`` with ``CONNECTIONS`` connections for ``seconds``, with wrk when present."""
    if have_wrk():
        return wrk(url, headers or {}, seconds)
    return python_load(url, headers or {}, seconds)


def wrk(url: str, headers: dict[str, str], seconds: float) -> Load:
    """Run ``wrk --latency`` with a script that counts statuses; its percentiles come from the same run."""
    with tempfile.TemporaryDirectory(prefix="tracker-wrk-") as folder:
        script = Path(folder) / "count.lua"
        script.write_text(_WRK_SCRIPT, encoding="utf-8")
        command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--latency",
                   "--timeout", "30s", "-s", str(script)]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, url],  # noqa: S603 - wrk with our own arguments
                                capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    statuses: dict[int, int] = {}
    for part in figures["statuses"]:
        for status, count in part.items():
            statuses[int(status)] = statuses.get(int(status), 0) + count
    return Load(tool="wrk", requests=figures["requests"], seconds=figures["duration_us"] / 1e6,
                p50_ms=figures["p50_us"] / 1000, p99_ms=figures["p99_us"] / 1000, statuses=statuses,
                errors=figures["errors"])


def python_load(url: str, headers: dict[str, str], seconds: float) -> Load:
    """``CONNECTIONS`` threads, each with one keep-alive connection, requesting ``url`` until time is up."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    lock = threading.Lock()
    start = threading.Barrier(CONNECTIONS + 1)
    deadline = 0.0

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        mine: list[float] = []
        counts: dict[int, int] = {}
        failed = 0
        start.wait()
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
                continue
            mine.append(time.perf_counter() - began)
            counts[response.status] = counts.get(response.status, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed
            for status, count in counts.items():
                statuses[status] = statuses.get(status, 0) + count

    workers = [threading.Thread(target=client, daemon=True) for _ in range(CONNECTIONS)]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    deadline = began + seconds
    start.wait()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    return Load(tool="python", requests=len(latencies), seconds=elapsed, p50_ms=percentile(latencies, 50) * 1000,
                p99_ms=percentile(latencies, 99) * 1000, statuses=statuses, errors=errors)


def percentile(values: list[float], rank: float) -> float:
    """The ``rank``-th percentile (0–100) of ``values``; 0 when there are none."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[min(98, max(0, round(rank) - 1))]
