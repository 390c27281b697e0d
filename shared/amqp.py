"""Connection helpers shared by the relay and the consumer (pika 1.4: one connection per thread, design §9)."""
from __future__ import annotations

import logging

import pika
from pika.exceptions import AMQPError

RECOVERABLE = (AMQPError, OSError)

# pika logs every failed connection attempt itself, with tracebacks, at ERROR (~10 lines a try, measured: 239
# lines and 18 tracebacks for a 26 s outage). The relay and the consumer say it once per outage (shared/outages.py),
# so pika speaks only of what nobody else reports — unless an operator set its level on purpose.
if logging.getLogger("pika").level == logging.NOTSET:
    logging.getLogger("pika").setLevel(logging.CRITICAL)


def connection_parameters(url: str, name: str) -> pika.URLParameters:
    """The settings every connection of ours uses, blocking (`connect`) or not (the relay's publisher)."""
    params = pika.URLParameters(url)
    if "heartbeat=" not in url:  # an operator (or a test) may choose it in the URL
        params.heartbeat = 30
    params.blocked_connection_timeout = 60
    params.connection_attempts = 1
    params.client_properties = {"connection_name": name}
    return params


def connect(url: str, name: str) -> pika.BlockingConnection:
    return pika.BlockingConnection(connection_parameters(url, name))


class Backoff:
    """Exponential reconnect delay, capped, so a broker restart is waited out rather than hammered."""

    def __init__(self, first: float = 0.2, cap: float = 5.0):
        self.first, self.cap, self.delay = first, cap, first

    def next(self) -> float:
        delay, self.delay = self.delay, min(self.delay * 2, self.cap)
        return delay

    def reset(self) -> None:
        self.delay = self.first


def close_quietly(connection) -> None:
    try:
        if connection is not None and connection.is_open:
            connection.close()
    except RECOVERABLE:
        pass
