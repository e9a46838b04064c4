"""No timing oracle: every sign-in attempt checks exactly one password hash, account or not."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

import tracker.auth.services as services
from tests.auth.conftest import sign_in
from tests.helpers import PASSWORD


@pytest.fixture
def hash_checks(monkeypatch):
    """The password hashes the sign-in code checks, in order (the real check still runs)."""
    calls = []

    def spy(stored_hash, password):
        calls.append(stored_hash)
        return check_password_hash(stored_hash, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    return calls


def test_unknown_email_checks_one_hash_of_the_same_method(client, make_user, hash_checks):
    user = make_user("organiser")
    assert sign_in(client, "nobody@example.org", "whatever it is").status_code == 422
    assert len(hash_checks) == 1
    assert hash_checks[0].split("$")[0] == user.password_hash.split("$")[0]  # e.g. scrypt:32768:8:1


@pytest.mark.parametrize("password", ["not the password", PASSWORD])
def test_known_account_checks_one_hash(client, make_user, hash_checks, password):
    user = make_user("organiser")
    sign_in(client, user.email, password)
    assert hash_checks == [user.password_hash]


def test_disabled_account_checks_one_hash_too(client, make_user, hash_checks):
    user = make_user("organiser", active=False)
    assert sign_in(client, user.email).status_code == 422
    assert hash_checks == [user.password_hash]


def test_production_hashes_passwords_with_scrypt():
    """The suite hashes cheaply (tests/conftest.py); a process without that setting pays scrypt's full cost."""
    import subprocess
    import sys

    made = subprocess.run(
        [sys.executable, "-c", "from tracker.models import User; u = User(); u.set_password('a password');"
                               "print(u.password_hash.split('$')[0])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    assert made.startswith("scrypt:")
    assert int(made.split(":")[1]) >= 2**15  # Werkzeug's cost parameter N
