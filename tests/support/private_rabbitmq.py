"""A RabbitMQ node of the test's own, to crash and restart at will: a broker outage without touching the
machine's shared node on 5672 (other tests and helpers use it). The node has its own name, AMQP and
distribution ports, data and log directories, no plugins, and its own config file (the machine's
/etc/rabbitmq/rabbitmq.conf pins 5672). It runs as the `rabbitmq` user, which owns the Erlang cookie that
`rabbitmqctl` needs."""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from tests.conftest import free_port


class PrivateRabbitMQ:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="ji-private-mq-"))
        self.port = free_port()
        self.dist_port = free_port()
        self.node = f"ji_fault_{uuid.uuid4().hex[:8]}@localhost"
        (self.root / "mnesia").mkdir()
        (self.root / "log").mkdir()
        (self.root / "enabled_plugins").write_text("[].\n")
        (self.root / "rabbitmq.conf").write_text(
            f"listeners.tcp.1 = 127.0.0.1:{self.port}\nloopback_users = none\n")
        if os.geteuid() == 0:
            user = pwd.getpwnam("rabbitmq")
            for path in (self.root, *self.root.iterdir()):
                os.chown(path, user.pw_uid, user.pw_gid)
        try:
            self.start()
        except BaseException:  # a VM that came up too late must not outlive the test
            self.close()
            raise

    @property
    def env(self) -> dict:
        return {**os.environ, "HOME": "/var/lib/rabbitmq", "RABBITMQ_NODENAME": self.node,
                "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(self.dist_port),
                "RABBITMQ_MNESIA_BASE": str(self.root / "mnesia"), "RABBITMQ_LOG_BASE": str(self.root / "log"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.root / "enabled_plugins"),
                "RABBITMQ_CONFIG_FILE": str(self.root / "rabbitmq.conf"),
                "RABBITMQ_PID_FILE": str(self.root / "node.pid")}

    def _run(self, script: str, *args: str, timeout: float = 120, check: bool = True):
        prefix = ["runuser", "-u", "rabbitmq", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, f"/usr/lib/rabbitmq/bin/{script}", *args], env=self.env, check=check,
                              capture_output=True, text=True, timeout=timeout)

    def ctl(self, *args: str, timeout: float = 120, check: bool = True):
        return self._run("rabbitmqctl", "-q", "-n", self.node, *args, timeout=timeout, check=check)

    def start(self) -> None:
        """`await_startup` fails at once while the detached VM has not yet registered its name: retry it."""
        self._run("rabbitmq-server", "-detached")
        deadline = time.monotonic() + 120
        while self.ctl("await_startup", "--timeout", "60", timeout=90, check=False).returncode:
            if time.monotonic() > deadline:
                raise AssertionError(f"private RabbitMQ {self.node} did not start")
            time.sleep(0.5)

    def stop(self) -> None:
        self.ctl("stop", timeout=120)

    def beam_pid(self) -> int:
        return int(self.ctl("eval", "list_to_integer(os:getpid()).").stdout.strip())

    def crash(self) -> None:
        """kill -9 of the Erlang VM: no goodbye to clients, no flush beyond what is already on disk."""
        pid = self.beam_pid()
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        raise AssertionError("the broker's VM outlived kill -9")

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    def close(self) -> None:
        try:
            if self.ctl("ping", check=False, timeout=30).returncode == 0:
                self.crash()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
