"""P3 (issue 15): the outbox relay against raw pika with pipelined confirms, measured in the same run.

Both publish N messages of the same size and properties, with publisher confirms and at most 100 unconfirmed,
to the same topology: the `jointinspect` topic exchange and a durable quorum queue bound to the routing key, in a
vhost of their own (created and deleted here). A publish is counted only when confirmed and the queue is checked
to hold exactly N messages afterwards: an unbound exchange would confirm messages it never stored.

Baseline: raw pika `SelectConnection`, one channel in confirm mode, a window of 100 (what the relay is measured
          against; connection set-up included, as for the relay).
Subject:  N outbox rows of the results service in PostgreSQL, written beforehand, published by `OutboxRelay` with
          RELAY_BATCH rows per transaction (or --batch) and the baseline's window, and marked sent; timed from the
          relay's start until its `published` counter reaches N.

Usage: python bench/relay_throughput.py [--n 20000] [--runs 3] [--batch 1000]
Needs RabbitMQ on 127.0.0.1 (rabbitmqctl on the path) and PostgreSQL on 127.0.0.1.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import threading
import time
import uuid

import pika
from support import scratch_postgres

GOAL = 0.5  # issue 15, P3: the relay at ≥ 0.5 × raw pika with pipelined confirms
WINDOW = 100
QUEUE = "bench.relay"
ROUTING_KEY = "result.published.SCJG"


def scratch_vhost() -> str:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", name], check=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", name, "guest", ".*", ".*", ".*"], check=True)
    return name


def declare_topology(url: str) -> None:
    from shared.topology import EXCHANGE, declare_exchanges
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    declare_exchanges(channel)
    channel.queue_declare(QUEUE, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(QUEUE, EXCHANGE, ROUTING_KEY)
    connection.close()


def take_queue(url: str, n: int) -> None:
    """Check the queue holds exactly `n` messages (bounded wait for the count to settle), then empty it."""
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    deadline, depth = time.monotonic() + 10, -1
    while time.monotonic() < deadline:
        depth = channel.queue_declare(QUEUE, passive=True).method.message_count
        if depth == n:
            break
        time.sleep(0.05)
    channel.queue_purge(QUEUE)
    connection.close()
    if depth != n:
        raise SystemExit(f"the queue holds {depth} messages, expected {n}: the figure would not be a fair one")


class RawPipelined:
    """Raw pika: publish `n` messages keeping at most WINDOW unconfirmed; the ioloop runs until all confirmed."""

    def __init__(self, url: str, n: int, body: bytes):
        self.url, self.n, self.body = url, n, body
        self.sent, self.unsettled, self.channel, self.finished = 0, set(), None, 0.0
        self.connection = None

    def run(self) -> float:
        from shared.topology import EXCHANGE
        self.exchange = EXCHANGE
        start = time.perf_counter()
        self.connection = pika.SelectConnection(pika.URLParameters(self.url), on_open_callback=self.opened,
                                                on_close_callback=lambda _c, _r: self.connection.ioloop.stop())
        self.connection.ioloop.start()
        if self.sent != self.n or self.unsettled:
            raise SystemExit("baseline: the connection closed before every message was confirmed")
        return self.n / (self.finished - start)

    def opened(self, connection) -> None:
        connection.channel(on_open_callback=self.channel_opened)

    def channel_opened(self, channel) -> None:
        self.channel = channel
        channel.confirm_delivery(self.confirmed, callback=lambda _frame: self.fill())

    def fill(self) -> None:
        while self.sent < self.n and len(self.unsettled) < WINDOW:
            self.sent += 1
            self.channel.basic_publish(self.exchange, ROUTING_KEY, self.body, pika.BasicProperties(
                content_type="application/cloudevents+json", message_id=str(uuid.uuid4()), type="bench",
                delivery_mode=2, timestamp=int(time.time())), mandatory=True)
            self.unsettled.add(self.sent)

    def confirmed(self, frame) -> None:
        method = frame.method
        if not isinstance(method, pika.spec.Basic.Ack):
            raise SystemExit("baseline: the broker nacked a message")
        tag = method.delivery_tag
        self.unsettled -= {t for t in self.unsettled if t <= tag} if method.multiple else {tag}
        if self.sent == self.n and not self.unsettled:
            self.finished = time.perf_counter()
            self.connection.close()
        else:
            self.fill()


def results_runtime(database_url: str):
    from services import registry
    from shared.config import load_settings
    env = {"JOINTINSPECT_VAR": tempfile.mkdtemp(), "SECRET_KEY": "bench", "RESULTS_DATABASE_URL": database_url}
    return registry.start("results", load_settings("results", env))


def write_rows(runtime, n: int) -> int:
    """N outbox rows like a results publication's; returns their mean body size (the baseline uses it)."""
    from sqlalchemy import func, select
    for start in range(0, n, 1000):
        with runtime.unit_of_work() as uow:
            for i in range(start, min(n, start + 1000)):
                uow.emit("result.published", {"n": i, "pad": "x" * 300}, subject=str(i), department="SCJG")
            uow.commit()
    outbox = runtime.models["Outbox"]
    with runtime.unit_of_work(read_only=True) as uow:
        return int(uow.session.execute(select(func.avg(func.length(outbox.body)))
                                       .where(outbox.published_at.is_(None))).scalar_one())


def relay(runtime, url: str, n: int, batch: int) -> float:
    from shared.relay import OutboxRelay
    part = OutboxRelay(runtime, url, batch=batch, window=WINDOW)  # the same window as the baseline
    stop = threading.Event()
    start = time.perf_counter()
    thread = threading.Thread(target=part.run, args=(stop,), daemon=True)
    thread.start()
    while part.published < n:
        stop.wait(0.002)  # poll the relay's counter; the relay thread does the work
    elapsed = time.perf_counter() - start
    stop.set()
    thread.join()
    return n / elapsed


def measure(url: str, n: int, runs: int, database_url: str, batch: int | None) -> tuple[list, list, int, int]:
    """Baseline and relay runs, alternating, so both see the same machine load; and the body size and batch."""
    runtime = results_runtime(database_url)
    raw, ours, size, batch = [], [], 0, batch or runtime.settings.relay_batch
    try:
        for _ in range(runs):
            size = write_rows(runtime, n)
            raw.append(RawPipelined(url, n, b"x" * size).run())
            take_queue(url, n)
            ours.append(relay(runtime, url, n, batch))
            take_queue(url, n)
    finally:
        runtime.dispose()
    return raw, ours, size, batch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, help="rows per relay transaction (default: RELAY_BATCH, 200)")
    args = parser.parse_args()
    name = scratch_vhost()
    url = f"amqp://guest:guest@127.0.0.1:5672/{name}"
    try:
        declare_topology(url)
        with scratch_postgres() as database_url:
            raw, ours, size, batch = measure(url, args.n, args.runs, database_url, args.batch)
    finally:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", name], check=False)
    raw_m, ours_m = statistics.median(raw), statistics.median(ours)
    print(f"P3 goal: outbox relay ≥ {GOAL} × raw pika with pipelined confirms (window {WINDOW}), "
          f"{args.n} messages of {size} bytes to a bound durable quorum queue, median of {args.runs}")
    print(f"baseline  raw pika, window {WINDOW}     : {raw_m:8.0f} msg/s  {[round(r) for r in raw]}")
    print(f"measured  outbox relay (PostgreSQL) : {ours_m:8.0f} msg/s  {[round(r) for r in ours]}"
          f"  (relay batch {batch}, window {WINDOW})")
    ratio = ours_m / raw_m
    print(f"ratio     relay / baseline          : {ratio:8.2f} ×  ({'meets' if ratio >= GOAL else 'below'} the goal)")
    print(f"checked   the queue held exactly {args.n} messages after each publish")


if __name__ == "__main__":
    main()
