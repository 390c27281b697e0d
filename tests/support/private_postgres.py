"""A PostgreSQL server of the test's own, to stop and start at will: a database outage without touching the
machine's shared server at 5432 (other tests and helpers use it). `initdb` runs as the `postgres` user (the
server refuses to run as root) in a fresh directory; the server listens on a free TCP port on 127.0.0.1 and on
a socket in that directory, with trust authentication (tests only)."""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.conftest import free_port


def _as_postgres(*command: str, timeout: float = 60) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], check=True, capture_output=True, text=True, timeout=timeout)


class PrivatePostgres:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="ji-private-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        _as_postgres("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
                     "--locale=C.UTF-8")
        self.start()

    def start(self) -> None:
        _as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "30",
                     "-o", f"-p {self.port} -k {self.root} -c fsync=off -c listen_addresses=127.0.0.1", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every client connection, as a restart does; `immediate` is a crash."""
        _as_postgres("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    @property
    def running(self) -> bool:
        return subprocess.run(["runuser", "-u", "postgres", "--", "pg_ctl", "-D", str(self.data), "status"]
                              if os.geteuid() == 0 else ["pg_ctl", "-D", str(self.data), "status"],
                              capture_output=True).returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        try:
            if self.running:
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
