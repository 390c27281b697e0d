"""What an operator runs in distributed mode: serve, worker, migrate, dead letters, fonts."""
from __future__ import annotations

import sys

from shared.config import load_settings, require_secret_key


def serve(args) -> int:
    from gunicorn.app.base import BaseApplication

    from .. import registry
    settings = require_secret_key(load_settings(args.service))  # no token signed or checked with a known key
    registry.migrate(args.service, settings)
    bind = args.bind or f"0.0.0.0:{settings.port}"
    workers = args.workers or settings.web_concurrency

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self):
            return registry.build(args.service, settings)

    Server().run()
    return 0


def worker(args) -> int:
    from shared.signing import require_signing_key
    from shared.worker import Worker

    from .. import registry
    settings = require_secret_key(load_settings(args.service))
    if not settings.distributed:
        print("worker 需要 AMQP_URL（分布式模式）。", file=sys.stderr)
        return 2
    require_signing_key(settings)  # the worker signs the audit checkpoints: with the configured key only
    Worker(registry.start(args.service, settings)).run_forever()
    return 0


def migrate(args) -> int:
    from .. import registry
    for name in args.services:
        registry.migrate(name)
        print(f"{name}: migrated")
    return 0


def dead_list(args) -> int:
    from shared import dead_letters

    from .. import registry
    runtime = registry.start(args.service)
    if runtime.settings.distributed:
        for queue, depth in dead_letters.broker_depths(runtime, runtime.settings.amqp_url).items():
            print(f"{queue}: {depth}")
        return 0
    for row in dead_letters.pending_embedded(runtime):
        print(f"{row.queue} {row.event_id} 尝试 {row.attempts} 次：{row.error.strip().splitlines()[-1]}")
    return 0


def dead_replay(args) -> int:
    from shared import dead_letters

    from .. import registry
    runtime = registry.start(args.service)
    if runtime.settings.distributed:
        moved = sum(dead_letters.replay_broker(runtime.settings.amqp_url, q) for q in runtime.queues())
    else:
        moved = dead_letters.replay_embedded(runtime)
    print(f"{args.service}: 已重新投递 {moved} 条消息")
    return 0


def fonts_build(args) -> int:
    from services.letters.adapters import fonts
    folder = load_settings("letters").letter_font_dir
    written = fonts.build(folder)
    built = fonts.built_faces(folder)
    print(f"letter fonts in {folder}: {len(built)} of {len(fonts.FACES)} ready"
          + (f", built now: {', '.join(written)}" if written else ""))
    return 0
