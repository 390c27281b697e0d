"""`jointinspect dead-letters list|replay` (design §3.4, issue 14): what kept failing, and putting it back once.

Both modes: on the broker the `<queue>.dead` queues (shared/dead_letters.py), embedded the `dead_letter` tables
(shared/dead_letters_embedded.py). Every service unless `--service` names one."""
from __future__ import annotations

import json
import logging
import unicodedata
from zoneinfo import ZoneInfo

from shared.config import SERVICES, load_settings
from shared.events import TYPE_PREFIX, TYPE_SUFFIX

log = logging.getLogger(__name__)
COLUMNS = ("队列", "事件 ID", "事件类型", "路由键", "首次失败原因", "失败次数", "进入死信次数", "首次失败时间",
           "最近进入死信")


def register(sub) -> None:
    dead = sub.add_parser("dead-letters", help="messages that kept failing: list them, replay them once")
    actions = dead.add_subparsers(required=True, metavar="action")
    list_ = actions.add_parser("list", help="each dead message: id, type, routing key, reason, counts, times")
    _service_arguments(list_)
    list_.add_argument("--json", action="store_true")
    list_.add_argument("--limit", type=int, default=1000, help="at most this many per queue (default 1000)")
    list_.set_defaults(func=dead_list)
    replay = actions.add_parser("replay", help="put dead messages back on their queue, each once")
    _service_arguments(replay)
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", dest="ids", action="append", metavar="EVENT_ID", help="an event id (repeatable)")
    which.add_argument("--all", action="store_true", help="every dead message of the service(s)")
    replay.add_argument("--actor", default="cli:operator", help="who replays, for the audit chain")
    replay.set_defaults(func=dead_replay)


def _service_arguments(parser) -> None:
    parser.add_argument("service", nargs="?", choices=SERVICES, help="(as --service)")
    parser.add_argument("--service", dest="service_option", choices=SERVICES, help="default: every service")


def _services(args) -> list[str]:
    chosen = args.service_option or args.service
    return [chosen] if chosen else list(SERVICES)


def dead_list(args) -> int:
    from shared import dead_letters, dead_letters_embedded

    from .. import registry
    letters, zone = [], None
    for name in _services(args):
        settings = load_settings(name)
        # on the broker the list needs no database: it works during a database outage too
        runtime = (registry.bootstrap if settings.distributed else registry.start)(name, settings)
        zone = ZoneInfo(runtime.settings.tz)
        if runtime.settings.distributed:
            letters += dead_letters.list_broker(runtime.settings.amqp_url, runtime.queues(), args.limit)
        else:
            letters += dead_letters_embedded.list_embedded(runtime)[-args.limit:]
        runtime.dispose()
    if args.json:
        print(json.dumps([letter.as_json() for letter in letters], ensure_ascii=False, indent=2))
        return 0
    if not letters:
        print(f"{'、'.join(_services(args))}：没有死信。")
        return 0
    print(_table(COLUMNS, [_row(letter, zone) for letter in letters]))
    print(f"共 {len(letters)} 条死信。重新投递：jointinspect dead-letters replay --id <事件 ID> 或 --all")
    return 0


def _row(letter, zone) -> list[str]:
    type_ = letter.type or "-"
    if type_.startswith(TYPE_PREFIX) and type_.endswith(TYPE_SUFFIX):
        type_ = type_[len(TYPE_PREFIX):-len(TYPE_SUFFIX)]
    return [letter.queue, letter.event_id or "-", type_, letter.routing_key or "-", _short(letter.reason),
            "-" if letter.attempts is None else str(letter.attempts), str(letter.deaths),
            _local(letter.first_failure_at, zone), _local(letter.dead_at, zone)]


def _short(text: str | None, width: int = 60) -> str:
    text = " ".join((text or "-").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _local(value, zone) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header, rows) -> str:
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(r, widths)).rstrip()
                     for r in [header, *rows])


def dead_replay(args) -> int:
    """Each chosen dead message once per invocation (a snapshot is taken first), audited in its service."""
    from shared import dead_letters, dead_letters_embedded

    from .. import registry
    ids = set(args.ids) if args.ids else None
    replayed, kept, failed_again, found, distributed = 0, [], 0, set(), False
    for name in _services(args):
        runtime = registry.start(name)
        distributed = runtime.settings.distributed
        if distributed:
            def audit(queue, letter, runtime=runtime):
                dead_letters_embedded.record_replay(runtime, args.actor, queue, letter)
            done = dead_letters.replay_broker_queues(runtime.settings.amqp_url, runtime.queues(), ids, audit)
        else:
            done = dead_letters_embedded.replay_embedded_letters(runtime, ids, args.actor)
        runtime.dispose()
        replayed += len(done.replayed)
        failed_again += len(done.failed_again)
        kept += done.kept
        found |= set(done.replayed) | {event_id for event_id, _ in done.kept}
        if done.replayed or done.kept:
            log.info("dead-letters replay by %s: %s replayed %d, kept %d", args.actor, name, len(done.replayed),
                     len(done.kept))
    not_found = sorted((ids or set()) - found)
    summary = f"已重新投递 {replayed} 条"
    if failed_again:
        summary += f"（其中 {failed_again} 条再次失败，已回到死信）"
    if not_found:
        summary += f"；{len(not_found)} 条未找到：{'、'.join(not_found)}"
    if kept:
        summary += f"；{len(kept)} 条未投递"
    print(summary + "。")
    for event_id, why in kept:
        print(f"  {event_id}：{why}")
    if distributed and replayed:
        print("仍然失败的消息会在重试后回到死信队列（本次不会重复投递），可用 jointinspect dead-letters list 查看。")
    return 1 if not_found or kept else 0
