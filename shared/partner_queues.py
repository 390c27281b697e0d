"""Provisioned partner queues (issue 12, design §2): partners consume, they never declare topology.

Each department gets a RabbitMQ user `partner-<dept>` and one durable quorum queue `partner.<dept>` (with its
dead-letter twin `partner.<dept>.dead`) bound to exactly its partner-facing routing keys. The user's permissions
(configure `^$`, write `^$`, read `^partner\\.<dept>$`) let it consume that queue and nothing else: binding needs
write on the queue and read on the exchange, declaring needs configure, reading another queue needs read on it.

The answers to a department's own submissions (`task.accepted.<dept>`, `task.rejected.<dept>`) are not partner
events; they are bound only when asked (`answers=True`), and unbound otherwise, so a queue converges on exactly
the chosen keys. Broker users are managed through the management HTTP API when one is configured, else through
`rabbitmqctl` on the broker's own machine.
"""
from __future__ import annotations

import base64
import json
import re
import secrets
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import pika

from . import topology
from .amqp import close_quietly, connect

PARTNER_EVENTS = ("letter.issued", "visit.scheduled", "result.published", "result.voided", "rectification.updated")
ANSWER_EVENTS = ("task.accepted", "task.rejected")
# one message for every department, routed without a department suffix (docs/asyncapi.yaml `x-every-department`)
BROADCAST_EVENTS = ("audit.checkpoint", "draw.committed")
USER_PREFIX = "partner-"
_CODE = re.compile(r"^[A-Z0-9]{2,20}$")


class ProvisioningError(RuntimeError):
    """A provisioning step the broker refused; the message says which, in Chinese."""


@dataclass(frozen=True)
class Permissions:
    configure: str
    write: str
    read: str


@dataclass(frozen=True)
class Provisioned:
    department: str
    user: str
    vhost: str
    queue: str
    dead_queue: str
    bindings: tuple[str, ...]
    permissions: Permissions
    created: bool
    password: str | None  # only when it was set now (a new user, or a rotation)


def check_code(department: str) -> str:
    if not _CODE.match(department or ""):
        raise ProvisioningError(f"部门代码 {department!r} 无效：应为 2–20 位大写字母或数字，例如 SCJG")
    return department


def partner_queue(department: str) -> str:
    return f"partner.{department.lower()}"


def partner_user(department: str) -> str:
    return f"{USER_PREFIX}{department.lower()}"


def binding_keys(department: str, answers: bool = False) -> tuple[str, ...]:
    names = PARTNER_EVENTS + (ANSWER_EVENTS if answers else ())
    return tuple(f"{name}.{department}" for name in names) + BROADCAST_EVENTS


def permissions(department: str) -> Permissions:
    """Consume its own queue only: no declaring (configure), no binding or publishing (write), no other queue."""
    return Permissions(configure="^$", write="^$", read=f"^{re.escape(partner_queue(department))}$")


def department_of(grants: dict) -> str | None:
    """The department whose partner queue a user's read permission names (None: not a partner user)."""
    found = re.fullmatch(r"\^partner\\\.([a-z0-9]{2,20})\$", grants.get("read", ""))
    return found.group(1).upper() if found and grants.get("configure") == "^$" else None


def vhost_of(amqp_url: str) -> str:
    return pika.URLParameters(amqp_url).virtual_host


def declare_partner_queue(channel, department: str, delivery_limit: int, answers: bool = False) -> tuple[str, ...]:
    """Idempotent: the exchange (so a partner starting before any worker finds it), the queue, its dead twin and
    exactly the chosen bindings."""
    queue, keys = partner_queue(department), binding_keys(department, answers)
    topology.declare_exchanges(channel)
    topology.declare_queue(channel, queue, keys[0], delivery_limit)
    for key in keys[1:]:
        channel.queue_bind(queue, topology.EXCHANGE, routing_key=key)
    for key in set(binding_keys(department, True)) - set(keys):
        channel.queue_unbind(queue, topology.EXCHANGE, routing_key=key)
    return keys


def queue_depths(amqp_url: str, department: str) -> tuple[int | None, int | None]:
    """Messages waiting in `partner.<dept>` and its dead twin (None when not provisioned)."""
    depths = []
    for name in (partner_queue(department), topology.dead_queue_name(partner_queue(department))):
        connection = connect(amqp_url, "jointinspect-partners")
        try:
            depths.append(connection.channel().queue_declare(name, passive=True).method.message_count)
        except pika.exceptions.ChannelClosedByBroker:
            depths.append(None)
        finally:
            close_quietly(connection)
    return depths[0], depths[1]


def provision(amqp_url: str, department: str, users, delivery_limit: int, *, user: str | None = None,
              password: str | None = None, rotate: bool = False, answers: bool = False) -> Provisioned:
    """Create (or bring back to the intended state) one department's partner user, queue and permissions."""
    check_code(department)
    user, vhost, grants = user or partner_user(department), vhost_of(amqp_url), permissions(department)
    connection = connect(amqp_url, "jointinspect-partners")
    try:
        keys = declare_partner_queue(connection.channel(), department, delivery_limit, answers)
    except pika.exceptions.ChannelClosedByBroker as error:
        raise ProvisioningError(f"声明队列 {partner_queue(department)} 被拒绝：{error.reply_text}") from None
    finally:
        close_quietly(connection)
    created = not users.exists(user)
    if created or rotate or password:
        password = password or secrets.token_urlsafe(24)
        users.put(user, password, created)
    users.grant(vhost, user, grants)
    return Provisioned(department, user, vhost, partner_queue(department),
                       topology.dead_queue_name(partner_queue(department)), keys, grants, created, password)


class RabbitmqctlUsers:
    """Broker users through `rabbitmqctl` (the broker's own machine; no management plugin needed)."""

    def __init__(self, node: str | None = None):
        self.node = node

    def _run(self, *args: str, stdin: str | None = None) -> str:
        command = ["rabbitmqctl", "-q", *(["-n", self.node] if self.node else []), *args]
        try:
            done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=60, input=stdin)
        except FileNotFoundError:
            raise ProvisioningError("找不到 rabbitmqctl：请在 RabbitMQ 所在机器上运行，或设置 "
                                    "RABBITMQ_MANAGEMENT_URL 使用管理接口") from None
        except subprocess.CalledProcessError as error:
            raise ProvisioningError(f"rabbitmqctl {args[0]} 失败：{(error.stderr or error.stdout).strip()}") from None
        return done.stdout

    def exists(self, user: str) -> bool:
        return any(row["user"] == user for row in json.loads(self._run("list_users", "--formatter", "json")))

    def put(self, user: str, password: str, new: bool) -> None:
        # The password goes on stdin: as an argument one starting with "-" (token_urlsafe makes those) is read as an
        # option, and arguments are visible to every user of the machine in the process list.
        self._run("add_user" if new else "change_password", user, stdin=password + "\n")

    def grant(self, vhost: str, user: str, grants: Permissions) -> None:
        self._run("set_permissions", "-p", vhost, user, grants.configure, grants.write, grants.read)

    def permissions(self, vhost: str) -> list[dict]:
        return json.loads(self._run("list_permissions", "-p", vhost, "--formatter", "json"))

    def delete(self, user: str) -> None:
        if self.exists(user):
            self._run("delete_user", user)


class ManagementUsers:
    """Broker users through the management HTTP API (`http://admin:secret@host:15672`), for a remote broker."""

    def __init__(self, url: str, timeout: float = 15.0):
        parts = urlsplit(url)
        self.base = urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else ""),
                                              path=parts.path.rstrip("/")))
        token = base64.b64encode(f"{parts.username or ''}:{parts.password or ''}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(self.base + path, method=method, headers=self.headers,
                                         data=None if body is None else json.dumps(body).encode())
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                text = answer.read()
        except urllib.error.HTTPError as error:
            if error.code == 404 and method in ("GET", "DELETE"):
                return None
            raise ProvisioningError(f"管理接口 {method} {path} 答复 {error.code}：{error.read()[:200]!r}") from None
        except OSError as error:
            raise ProvisioningError(f"连不上管理接口 {self.base}：{error}") from None
        return json.loads(text) if text else {}

    def exists(self, user: str) -> bool:
        return self._call("GET", f"/api/users/{quote(user, safe='')}") is not None

    def put(self, user: str, password: str, new: bool) -> None:
        self._call("PUT", f"/api/users/{quote(user, safe='')}", {"password": password, "tags": ""})

    def grant(self, vhost: str, user: str, grants: Permissions) -> None:
        self._call("PUT", f"/api/permissions/{quote(vhost, safe='')}/{quote(user, safe='')}",
                   {"configure": grants.configure, "write": grants.write, "read": grants.read})

    def permissions(self, vhost: str) -> list[dict]:
        return self._call("GET", f"/api/vhosts/{quote(vhost, safe='')}/permissions") or []

    def delete(self, user: str) -> None:
        self._call("DELETE", f"/api/users/{quote(user, safe='')}")


def broker_users(settings):
    """The management API when `RABBITMQ_MANAGEMENT_URL` is set, else the local `rabbitmqctl`."""
    url = settings.rabbitmq_management_url
    return ManagementUsers(url) if url else RabbitmqctlUsers()
