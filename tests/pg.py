"""A throw-away PostgreSQL server on loopback for the tests: initdb, pg_ctl start, pg_ctl stop.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system user.
`make test` installs the server from the machine's packages where it is missing.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """Start with :meth:`start`, connect with :attr:`url`, stop with :meth:`stop`."""

    def __init__(self, bin_dir: Path) -> None:
        # Not under pytest's tmp_path: that tree is private to root, and the server is not root.
        base = Path(tempfile.mkdtemp(prefix="moneytrail-pg-"))
        self.base, self.bin = base, bin_dir
        self.data = base / "data"
        self.port = _free_port()
        self.url = f"postgresql+pg8000://moneytrail@127.0.0.1:{self.port}/moneytrail"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(base, "postgres")

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._as_user, *args], capture_output=True, text=True, cwd="/")
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "moneytrail",
                  "--auth=trust", "-E", "UTF8", "--no-locale")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
                  "-l", str(self.base / "log"),
                  "-o", f"-p {self.port} -h 127.0.0.1 -k {self.base} -F", "start")
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "moneytrail", "moneytrail")

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except RuntimeError:
            pass
        shutil.rmtree(self.base, ignore_errors=True)
