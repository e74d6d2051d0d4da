"""Start a throw-away PostgreSQL server for the tests (as an unprivileged user when run as root)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN_CANDIDATES = ["/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin"]


def _find(tool: str) -> str:
    for folder in PG_BIN_CANDIDATES:
        path = Path(folder) / tool
        if path.exists():
            return str(path)
    found = shutil.which(tool)
    if found:
        return found
    raise RuntimeError(
        f"PostgreSQL's `{tool}` was not found. Install the server (Debian: "
        "`apt-get install -y postgresql-15`) or point TRACKER_TEST_POSTGRES_URL at a server."
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as(user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--"] if user else []


def _service_user() -> str | None:
    """Return the user to run postgres as: None if we are not root, else an unprivileged one."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "trackerpg"], check=True)
    return "trackerpg"


MEMORY_FOLDER_MIN_BYTES = 2 * 1024**3


def _memory_folder() -> str | None:
    """A folder in memory (tmpfs) for the server's files, where the machine has one.

    The tests create and drop a database per test; on this machine's disk each CREATE DATABASE
    took 0.3-0.4 s (the files of ~400 relations), in /dev/shm 0.02-0.03 s. The data are thrown
    away after the run, and the server runs with fsync off anyway."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK | os.X_OK)):
        return None
    usage = shutil.disk_usage(shm)  # a container's default /dev/shm is only 64 MB
    return str(shm) if usage.free >= MEMORY_FOLDER_MIN_BYTES else None


class PostgresServer:
    """A PostgreSQL server in a temporary folder, listening on 127.0.0.1."""

    def __init__(self) -> None:
        self.user = _service_user()
        self.base = Path(tempfile.mkdtemp(prefix="tracker-pg-", dir=_memory_folder()))
        self.data = self.base / "data"
        self.port = _free_port()
        self.started = False

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> PostgresServer:
        if self.user:
            shutil.chown(self.base, user=self.user)
        prefix = _run_as(self.user)
        subprocess.run(
            [
                *prefix,
                _find("initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            [
                *prefix,
                _find("pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.base / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            subprocess.run(
                [
                    *_run_as(self.user),
                    _find("pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                check=False,
                capture_output=True,
            )
            self.started = False
        shutil.rmtree(self.base, ignore_errors=True)
