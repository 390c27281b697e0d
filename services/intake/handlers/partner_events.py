"""Each department's own event log (issue #12): the partner-facing events kept exactly as received, in the order a
department's cursor gives them, and one webhook delivery per active webhook, in the same transaction."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shared.errors import Forbidden, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters.db import Department
from ..adapters.partner_db import PartnerEvent, PartnerFeed, Webhook, WebhookDelivery
from ..commands import RecordBroadcastEvent, RecordPartnerEvent
from ..queries import PartnerEvents

FEED_LIMIT_MAX = 1000


@dataclass(frozen=True)
class FeedPage:
    events: list[PartnerEvent]
    next: int
    last: int  # the department's newest cursor, for "latest events" on its page


def check_viewer(uow: UnitOfWork, department: str, viewer: str | None) -> None:
    """A department sees and manages only its own; staff (viewer None) any department that exists."""
    if viewer is not None and viewer != department:
        raise Forbidden("只能查看或管理本部门的事件与推送设置")
    if uow.get(Department, department) is None:
        raise NotFound("部门不存在")


def record_partner_event(cmd: RecordPartnerEvent, uow: UnitOfWork) -> int | None:
    """Idempotent by (department, event id) as well as by the consumer's inbox; answers the new cursor."""
    seen = uow.session.execute(select(PartnerEvent.seq).where(PartnerEvent.department == cmd.department,
                                                              PartnerEvent.event_id == cmd.event_id)).scalar()
    if seen is not None:
        return None
    seq = _next_cursor(uow, cmd.department)
    now = uow.now
    uow.add(PartnerEvent(department=cmd.department, seq=seq, event_id=cmd.event_id, event_type=cmd.event_type,
                         body=cmd.body, received_at=now))
    hooks = uow.session.execute(select(Webhook.id).where(Webhook.department == cmd.department,
                                                         Webhook.active.is_(True))).scalars()
    for hook_id in hooks:
        uow.add(WebhookDelivery(id=new_id(), webhook_id=hook_id, department=cmd.department, event_seq=seq,
                                event_id=cmd.event_id, status="pending", attempts=0, next_attempt_at=now,
                                window_started_at=now, created_at=now))
    return seq


def record_broadcast_event(cmd: RecordBroadcastEvent, uow: UnitOfWork) -> int:
    """Into every department's log (and its webhooks), in department-code order so concurrent writers lock the
    feed counters in one order; answers how many departments got it now."""
    codes = uow.session.execute(select(Department.code).order_by(Department.code)).scalars().all()
    return sum(record_partner_event(RecordPartnerEvent(code, cmd.event_id, cmd.event_type, cmd.body), uow) is not None
               for code in codes)


def _next_cursor(uow: UnitOfWork, department: str) -> int:
    """The department's counter row, locked until commit (FOR UPDATE on PostgreSQL; SQLite has one writer):
    cursors commit in the order they are given, so a reader that moved past n never misses an n-1 committed later."""
    def locked():
        return uow.session.execute(select(PartnerFeed).where(PartnerFeed.department == department)
                                   .with_for_update().execution_options(populate_existing=True)).scalar()
    feed = locked()
    if feed is None:
        try:
            with uow.savepoint():
                uow.add(PartnerFeed(department=department, last_seq=0))
                uow.session.flush()
        except IntegrityError:
            pass  # another transaction created it first; take its lock below
        feed = locked()
    feed.last_seq += 1
    return feed.last_seq


def partner_events(query: PartnerEvents, uow: UnitOfWork) -> FeedPage:
    check_viewer(uow, query.department, query.viewer)
    after, limit = max(query.after, 0), min(max(query.limit, 1), FEED_LIMIT_MAX)
    events = list(uow.session.execute(
        select(PartnerEvent).where(PartnerEvent.department == query.department, PartnerEvent.seq > after)
        .order_by(PartnerEvent.seq).limit(limit)).scalars())
    feed = uow.get(PartnerFeed, query.department)
    return FeedPage(events, events[-1].seq if events else after, feed.last_seq if feed else 0)
