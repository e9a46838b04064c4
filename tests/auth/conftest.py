"""Fixtures of the sign-in tests: more app servers on the same database, cookies, a throwaway Redis."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from tests.helpers import PASSWORD


def sign_in(client: Any, email: str, password: str = PASSWORD, *, remember: bool = False, **kwargs: Any) -> Any:
    """Post the sign-in form (ticking "keep me signed in" when asked)."""
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data, **kwargs)


def cookie(client: Any, name: str) -> str:
    """The value of the cookie ``name`` the client holds (fails when it holds none)."""
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return str(found.value)


def signed_in(client: Any) -> bool:
    """Whether the client's cookies open a page that needs a signed-in account."""
    response = client.get("/events")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Any) -> Iterator[str]:
    """A private ``redis-server`` on a free port, without persistence; its URL.

    Skipped only on a machine without redis-server outside CI: in CI (``CI`` set) a missing server fails.
    """
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(binary):
        if os.environ.get("CI"):
            pytest.fail("redis-server is needed to test the shared throttling counts (CI is set)")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603  (a fixed binary and arguments)
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)
