"""A real IMAP server for the tests: Debian's Dovecot, run unprivileged on free ports with a throwaway config.

Each server has its own configuration, mail store, sockets and self-signed certificate in one folder, one
user (``organiser`` / ``TEST_PASSWORD``), IMAPS on one port and IMAP with STARTTLS on another. It runs as the
current user; under root (a container) it runs as Dovecot's own unprivileged user in a folder under /tmp
that user can reach (Dovecot refuses to serve mail as root). Several pytest-xdist workers each start their own.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from imapclient import IMAPClient

DOVECOT = os.environ.get("TRACKER_DOVECOT") or shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "organiser"
TEST_PASSWORD = "s3cret pass"  # a space: the URL must percent-encode it
#: What the server says after login when MOVE and IDLE are taken away (``plain_capabilities=True``).
NO_MOVE_NO_IDLE = ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT THREAD=REFERENCES MULTIAPPEND UNSELECT "
                   "CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH SEARCHRES "
                   "LITERAL+ BINARY")


def dovecot_available() -> bool:
    """Whether Dovecot and its IMAP service are installed (scripts/server-deps.sh installs them)."""
    return os.access(DOVECOT, os.X_OK) and Path("/usr/lib/dovecot/imap").exists()


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ImapServer:
    """A running Dovecot: its ports, certificate and test user; ``stop()`` ends it."""

    folder: Path
    port: int
    tls_port: int
    cafile: Path
    process: subprocess.Popen[bytes] | None = None
    owned_folder: bool = False
    password: str = TEST_PASSWORD
    user: str = USER

    def url(self, *, tls: bool = True, folder: str = "INBOX", password: str | None = None, **query: str) -> str:
        """``IMAP_URL`` of this server: ``imaps://`` (``tls=True``) or ``imap://`` on the STARTTLS port."""
        secret = quote(self.password if password is None else password, safe="")
        scheme, port = ("imaps", self.tls_port) if tls else ("imap", self.port)
        query.setdefault("cafile", str(self.cafile))
        tail = "&".join(f"{key}={quote(value, safe='/')}" for key, value in query.items() if value)
        return f"{scheme}://{self.user}:{secret}@127.0.0.1:{port}/{quote(folder)}" + (f"?{tail}" if tail else "")

    def client(self) -> IMAPClient:
        """A logged-in session over IMAPS, for the test to look at or fill the mailbox."""
        context = ssl.create_default_context(cafile=str(self.cafile))
        client = IMAPClient("127.0.0.1", port=self.tls_port, ssl=True, ssl_context=context, timeout=60)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX", flags: tuple[bytes, ...] = ()) -> None:
        """Put one message into ``folder``, as a delivery would."""
        client = self.client()
        try:
            client.append(folder, raw, flags=flags)
        finally:
            client.logout()

    def messages(self, folder: str = "INBOX") -> list[tuple[bytes, tuple[bytes, ...]]]:
        """(raw message, flags) of each message in ``folder`` (read with PEEK: flags unchanged); [] if none."""
        client = self.client()
        try:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = client.search()
            if not uids:
                return []
            data = client.fetch(uids, ["BODY.PEEK[]", "FLAGS"])
            return [(data[uid][b"BODY[]"], tuple(data[uid][b"FLAGS"])) for uid in sorted(data)]
        finally:
            client.logout()

    def folders(self) -> list[str]:
        """Every folder's name."""
        client = self.client()
        try:
            return [name for _flags, _delimiter, name in client.list_folders()]
        finally:
            client.logout()

    def stop(self) -> None:
        """End the server and remove its folder when it is not the test's own tmp_path."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.owned_folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def _config(folder: Path, port: int, tls_port: int, uid: int, gid: int, user: str, group: str,
            capabilities: str | None) -> str:
    capability_line = f"  imap_capability = {capabilities}\n" if capabilities else ""
    return f"""\
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
instance_name = tracker-test-{port}
log_path = {folder}/dovecot.log
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
first_valid_gid = {gid}
ssl = yes
ssl_cert = <{folder}/cert.pem
ssl_key = <{folder}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/home/%u
}}
mail_location = maildir:~/Maildir
protocol imap {{
  mail_max_userip_connections = 50
{capability_line}}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


def start_imap_server(tmp_path: Path, *, plain_capabilities: bool = False) -> ImapServer:
    """Start Dovecot; returns once it accepts logins. ``plain_capabilities``: a server without MOVE and IDLE."""
    if os.getuid() == 0:
        # Dovecot serves no mail as root; its own user cannot reach a root-only tmp_path: a folder under /tmp.
        account = pwd.getpwnam("dovecot")
        folder = Path(tempfile.mkdtemp(prefix="tracker-dovecot-"))
        owned = True
    else:
        account = pwd.getpwuid(os.getuid())
        folder = tmp_path / "dovecot"
        folder.mkdir()
        owned = False
    group = account.pw_gid
    group_name = grp.getgrgid(group).gr_name
    for sub in ("run", "state", "home"):
        (folder / sub).mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(folder / "key.pem"),
         "-out", str(folder / "cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    (folder / "passwd").write_text(f"{USER}:{{PLAIN}}{TEST_PASSWORD}::::::\n", encoding="utf-8")
    port, tls_port = free_port(), free_port()
    (folder / "dovecot.conf").write_text(
        _config(folder, port, tls_port, account.pw_uid, group, account.pw_name, group_name,
                NO_MOVE_NO_IDLE if plain_capabilities else None), encoding="utf-8")
    if owned:
        os.chmod(folder, 0o755)  # noqa: S103 (a test folder the server's user must enter)
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, account.pw_uid, group)
    server = ImapServer(folder, port, tls_port, folder / "cert.pem", owned_folder=owned)
    as_user = {"user": account.pw_uid, "group": group, "extra_groups": []} if owned else {}
    server.process = subprocess.Popen(  # noqa: S603 (a fixed binary and arguments)
        [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **as_user,  # type: ignore[call-overload]
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            server.client().logout()
            return server
        except (OSError, ssl.SSLError) as error:
            if server.process.poll() is not None or time.monotonic() > deadline:
                log = folder / "dovecot.log"
                written = log.read_text(errors="replace") if log.exists() else ""
                server.stop()
                raise RuntimeError(f"dovecot did not start: {error}\n{written}") from error
            time.sleep(0.1)
