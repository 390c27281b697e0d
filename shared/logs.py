"""Log set-up for every process (issue 14): LOG_LEVEL, and LOG_FORMAT=json for a log collector — one JSON object
per line (time, level, logger, message, service, exception text), so a traceback never splits into many records.

The start and stop lines of `serve` and `worker` (`lifecycle`) name service, mode, version and pid: after a
restart an operator sees in the log which process ended and which one replaced it.
"""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CHATTY = ("weasyprint", "fontTools", "alembic")  # their INFO lines drown the service's own
# pika is not here: shared/amqp.py quiets it further (CRITICAL) since relay and consumer report each outage once


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str | None = None):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                "service": getattr(record, "service", None) or self.service}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


def configure(level: str = "INFO", fmt: str = "text", service: str | None = None) -> None:
    """One handler on stderr in the chosen format; like `basicConfig`, a root logger that already has handlers
    (pytest's capture, an embedding application) is left as it is."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(service) if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])
    for chatty in CHATTY:
        logging.getLogger(chatty).setLevel(logging.WARNING)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed
    try:
        return installed("jointinspect")
    except PackageNotFoundError:
        return "unknown"


def lifecycle(logger: logging.Logger, what: str, service: str, mode: str, **more) -> None:
    """`serve intake started: mode=distributed version=0.1.0 pid=42 bind=0.0.0.0:8000`"""
    extra = "".join(f" {key}={value}" for key, value in more.items())
    logger.info("%s %s: mode=%s version=%s pid=%d%s", service, what, mode, version(), os.getpid(), extra)
