"""Outbox relay throughput against a raw pika baseline measured in the same run (README: benchmarks report
ratios plus absolute figures, never timed assertions).

Baseline: a plain BlockingConnection publishing N messages with publisher confirms, one at a time.
Subject:  N outbox rows written by the unit of work, then published by OutboxRelay and marked sent.

Usage: python bench/relay_throughput.py [--n 2000] [--postgres]
Needs RabbitMQ on 127.0.0.1 (a throw-away vhost is created) and, with --postgres, PostgreSQL.
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


def vhost() -> str:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", name], check=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", name, "guest", ".*", ".*", ".*"], check=True)
    return name


def baseline(url: str, n: int) -> float:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.confirm_delivery()
    channel.exchange_declare("jointinspect", exchange_type="topic", durable=True)
    body = b'{"specversion":"1.0"}' * 20
    start = time.perf_counter()
    for i in range(n):
        channel.basic_publish("jointinspect", "bench.baseline", body,
                              pika.BasicProperties(delivery_mode=2, message_id=str(i)))
    elapsed = time.perf_counter() - start
    connection.close()
    return n / elapsed


def relay(url: str, n: int, database_url: str | None) -> float:
    from services import registry
    from shared.config import load_settings
    from shared.relay import OutboxRelay
    from shared.web import runtime_of
    env = {"JOINTINSPECT_VAR": tempfile.mkdtemp(), "SECRET_KEY": "bench"}
    if database_url:
        env["RESULTS_DATABASE_URL"] = database_url
    app = registry.build("results", load_settings("results", env))
    runtime = runtime_of(app)
    with app.app_context():
        uow = runtime.unit_of_work()
        for i in range(n):
            uow.emit("result.published", {"n": i, "pad": "x" * 300}, subject=str(i), department="SCJG")
        uow.commit()
    part = OutboxRelay(runtime, url, batch=200)
    stop = threading.Event()
    start = time.perf_counter()
    thread = threading.Thread(target=part.run, args=(stop,), daemon=True)
    thread.start()
    while part.published < n:
        stop.wait(0.005)  # poll the relay's counter; the relay thread does the work
    elapsed = time.perf_counter() - start
    stop.set()
    thread.join()
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    name = vhost()
    url = f"amqp://guest:guest@127.0.0.1:5672/{name}"
    try:
        with scratch_postgres(args.postgres) as database_url:
            raw = [baseline(url, args.n) for _ in range(args.runs)]
            ours = [relay(url, args.n, database_url) for _ in range(args.runs)]
    finally:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", name], check=False)
    raw_m, ours_m = statistics.median(raw), statistics.median(ours)
    store = "PostgreSQL" if args.postgres else "SQLite"
    print(f"raw pika, confirm per message : {raw_m:8.0f} msg/s (median of {args.runs})")
    print(f"outbox relay ({store:10s})    : {ours_m:8.0f} msg/s (median of {args.runs})")
    print(f"ratio relay / raw             : {ours_m / raw_m:8.2f}")


if __name__ == "__main__":
    main()
