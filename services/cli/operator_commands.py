"""What an operator runs in distributed mode: serve, worker, migrate, fonts (dead letters: dead_letter_commands.py)."""
from __future__ import annotations

import logging
import os
import signal
import sys

from shared import logs
from shared.config import SERVICES, load_settings, require_secret_key

log = logging.getLogger("jointinspect")


# gunicorn's worker (issue 15, P2). `gthread`, not the default `sync`: a sync worker tells the master it is alive
# only between requests, so one request longer than `timeout` (30 s by default) was killed mid-way — 3 of 9
# concurrent 1,000-task batches died that way and their 3,000 tasks were answered 500. A gthread worker's main
# loop keeps telling the master it is alive while its threads answer, so `timeout` catches a hung worker, never a
# long batch; and a worker holds THREADS requests at once, so a batch waiting on the database (its locks, its
# commit) does not keep a small request queued behind it. Threads share the GIL, hence few of them: CPU comes
# from WEB_CONCURRENCY processes (one per core by default); threads overlap database waits. Measured with
# bench/gunicorn_batches.py (sync vs gthread, 9 concurrent batches). Each thread holds at most one database
# connection, within SQLAlchemy's default pool (5 + 10 overflow). Dispatch is bounded by chunks
# (DISPATCH_CHUNK visits per request), a batch by JSON_MAX_BYTES, so no request needs more than TIMEOUT.
WORKER_CLASS = "gthread"
THREADS = 4
TIMEOUT = 120  # seconds a worker may fail to report before the master restarts it (a hang, not a slow request)
GRACEFUL_TIMEOUT = 60  # seconds a stopping worker gets to finish the requests it holds (a batch commits)


def serve(args) -> int:
    from .. import registry
    settings = require_secret_key(load_settings(args.service))  # no token signed or checked with a known key
    registry.migrate(args.service, settings)
    bind = args.bind or f"0.0.0.0:{settings.port}"
    run_gunicorn(args.service, settings, gunicorn_options(bind, args.workers or settings.web_concurrency))
    return 0


def gunicorn_options(bind: str, workers: int, **changes) -> dict:
    """What `serve` runs gunicorn with; `changes` for the benchmark that compares worker classes."""
    return {"bind": bind, "workers": workers, "worker_class": WORKER_CLASS, "threads": THREADS,
            "timeout": TIMEOUT, "graceful_timeout": GRACEFUL_TIMEOUT, "accesslog": "-", **changes}


def run_gunicorn(service: str, settings, options: dict) -> None:
    from gunicorn.app.base import BaseApplication

    from .. import registry
    bind, workers = options["bind"], options["workers"]

    class Server(BaseApplication):
        def load_config(self):
            for name, value in options.items():
                self.cfg.set(name, value)
            for hook, run in _serve_hooks(service, bind, workers, settings).items():
                self.cfg.set(hook, run)
            self.cfg.set("control_socket", control_socket(service, bind, settings.var_dir))

        def load(self):
            return registry.build(service, settings)

    Server().run()


def _serve_hooks(service: str, bind: str, workers: int, settings) -> dict:
    """gunicorn master hooks: the start and stop lines (issue 14), and the multiprocess metrics of a dead worker
    removed (PROMETHEUS_MULTIPROC_DIR) so its gauges do not linger."""
    from shared import metrics
    mode = "distributed" if settings.distributed else "standalone"
    return {"when_ready": lambda server: logs.lifecycle(log, "serve started", service, mode, bind=bind,
                                                        workers=workers),
            "on_exit": lambda server: logs.lifecycle(log, "serve stopped", service, mode),
            "on_starting": lambda server: metrics.reset_multiproc_dir(settings.prometheus_multiproc_dir),
            "child_exit": lambda server, child: metrics.mark_process_dead(settings.prometheus_multiproc_dir,
                                                                          child.pid)}


def control_socket(service: str, bind: str, var_dir) -> str:
    """gunicorn ≥ 24 opens a control socket at $XDG_RUNTIME_DIR/gunicorn.ctl (or ~/.gunicorn/) by default: the
    same path for every master on the machine, so each `serve` took it over from the previous one (issue 14).
    One per service and bind instead, under var/run — or the temp dir when that path is too long for a socket."""
    import tempfile
    from pathlib import Path
    name = f"gunicorn-{service}-{bind.rsplit(':', 1)[-1]}.ctl"
    folder = Path(var_dir) / "run"
    if len(str(folder / name)) > 100:  # AF_UNIX paths are limited to 108 bytes
        folder = Path(tempfile.gettempdir()) / f"jointinspect-{os.getuid()}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return str(folder / name)


def worker(args) -> int:
    from shared.health import serve_worker_health
    from shared.signing import require_signing_key
    from shared.worker import Worker

    from .. import registry
    settings = require_secret_key(load_settings(args.service))
    if not settings.distributed:
        print("worker 需要 AMQP_URL（分布式模式）。", file=sys.stderr)
        return 2
    require_signing_key(settings)  # the worker signs the audit checkpoints: with the configured key only
    runtime = _start_waiting(lambda: registry.start(args.service, settings), f"{args.service} worker")
    process = Worker(runtime)
    probe = serve_worker_health(process, runtime)  # /healthz /readyz /metrics on WORKER_HEALTH_PORT (0: none)
    signal.signal(signal.SIGTERM, _interrupt)  # `docker stop`: stop the threads and log it, like Ctrl-C
    logs.lifecycle(log, "worker started", args.service, "distributed", health_port=probe.port if probe else 0)
    code = process.run_forever() or 0
    if probe:
        probe.stop()
    logs.lifecycle(log, "worker stopped", args.service, "distributed", exit_code=code)
    return code


def _start_waiting(start, who: str):
    """Start-up waits a database outage out like a running worker does (issue 14): a worker restarted while
    PostgreSQL restarts must not need a second restart. One warning when it begins, one line when it is back."""
    import time

    from shared.amqp import Backoff
    from shared.outages import Outage, is_database_outage
    outage, backoff = Outage(who, "database", log), Backoff(first=0.5, cap=15)
    while True:
        try:
            runtime = start()
        except Exception as exc:
            if not is_database_outage(exc):
                raise
            delay = backoff.next()
            outage.failed(exc, retry_in=delay)
            time.sleep(delay)
            continue
        outage.recovered()
        return runtime


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def migrate(args) -> int:
    """Every service by default (issue 14): create its PostgreSQL database if missing, upgrade it to head and, in
    distributed mode, declare its queues (broker_setup.py). Idempotent, so an operator can run it before every
    start."""
    from .. import registry
    from .broker_setup import declare_queues
    from .database_creation import ensure_database
    for name in args.services or list(SERVICES):
        settings = load_settings(name)
        settings.var_dir.mkdir(parents=True, exist_ok=True)  # SQLite files live there
        created = ensure_database(settings.database_url)
        registry.migrate(name, settings)
        queues = f"，消息队列 {declare_queues(name, settings)} 个已就绪" if settings.distributed else ""
        print(f"{name}：{'已新建数据库并' if created else ''}升级到最新结构{queues}")
    return 0


def fonts_build(args) -> int:
    from services.letters.adapters import fonts
    folder = load_settings("letters").letter_font_dir
    written = fonts.build(folder)
    built = fonts.built_faces(folder)
    print(f"letter fonts in {folder}: {len(built)} of {len(fonts.FACES)} ready"
          + (f", built now: {', '.join(written)}" if written else ""))
    return 0
