"""Phase two of every draw (design §4, N4, issue 13): external public randomness that nobody in the system controls —
the winning numbers of a named public lottery, drawn after the commitments they serve — is entered once, and that
one entry draws EVERY commitment made before the lottery's draw time that is still waiting (a day's dispatch waits
for one evening's numbers). The draws happen in the same unit of work as the entry: nobody can see the numbers
and then decide what to draw."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select

from shared.clock import utc
from shared.errors import Conflict, Invalid
from shared.uow import UnitOfWork

from ..adapters import commitments
from ..adapters.db import DrawRecord, PublicNumbers, SeedCommitment
from ..adapters.draws import record_draw
from ..commands import EnterRandomness
from ..domain.policy import DrawPolicy
from ..domain.rules import SUBJECT_INSPECTION
from ..queries import ListRandomness
from . import inspector_draws, target_draws

MAX_NUMBERS, MAX_NUMBER = 64, 10**9
NOTHING_PENDING = "没有在该期开奖时间之前公布承诺、等待公开随机数的抽取；请核对开奖时间"


@dataclass
class RandomnessEntered:
    entry: PublicNumbers
    draws: list[DrawRecord] = field(default_factory=list)


def enter_randomness(command: EnterRandomness, uow: UnitOfWork, policy: DrawPolicy) -> RandomnessEntered:
    """Refused (Chinese message, nothing stored): no numbers or out of range, no source or issue, a draw time in the
    future (numbers nobody can check yet), the same source and issue twice, and an entry that would serve no
    waiting commitment (its lottery was drawn before every one of them: it was known when they were made)."""
    numbers, source, issue = list(command.numbers), command.source.strip(), command.issue.strip()
    drawn_at, now = parse_drawn_at(command.drawn_at, uow.clock.tz), uow.now
    problems = _problems(numbers, source, issue, drawn_at, now)
    if problems:
        raise Invalid("公开随机数录入有误", fields=problems)
    if uow.session.execute(select(PublicNumbers.id).where(PublicNumbers.source == source,
                                                          PublicNumbers.issue == issue)).first():
        raise Conflict(f"「{source}」第 {issue} 期的开奖号码已录入", code="already_entered")
    pending = commitments.pending_before(uow.session, drawn_at)
    if not pending:
        raise Conflict(NOTHING_PENDING, code="nothing_pending")
    entry = PublicNumbers(numbers=numbers, source=source, issue=issue, drawn_at=drawn_at, entered_by=command.actor,
                          entered_at=now)
    uow.add(entry)
    uow.session.flush()
    uow.audit(command.actor, "randomness.entered", f"public_numbers:{entry.id}",
              after={"numbers": numbers, "source": source, "issue": issue, "drawn_at": drawn_at.isoformat(),
                     "commitments": [c.id for c in pending]})
    entered = RandomnessEntered(entry)
    for commitment in pending:
        record = record_draw(uow, commitment, entry)
        uow.session.flush()
        if commitment.subject_kind == SUBJECT_INSPECTION:
            inspector_draws.drawn(uow, policy, record)
        else:
            target_draws.stratum_drawn(uow, policy, record, commitment)
        entered.draws.append(record)
    return entered


def parse_drawn_at(text: str, tz) -> datetime | None:
    """The lottery's draw time: local time ("2026-11-28 21:15", seconds and fractions allowed) or ISO 8601 with
    an offset (scripts pass the exact instant); None when it is neither."""
    try:
        moment = datetime.fromisoformat(str(text or "").strip())
        return utc(moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(timezone.utc)
    except (ValueError, OverflowError):  # not a time, or one the calendar cannot hold in UTC (year 1 or 9999)
        return None


def list_randomness(query: ListRandomness, uow: UnitOfWork) -> list[tuple[PublicNumbers, int]]:
    """Every entry is public: anyone can check its numbers at the named source on the named date."""
    served = (select(SeedCommitment.randomness_id, func.count().label("draws"))
              .group_by(SeedCommitment.randomness_id).subquery())
    rows = uow.session.execute(select(PublicNumbers, served.c.draws).outerjoin(
        served, served.c.randomness_id == PublicNumbers.id).order_by(PublicNumbers.id.desc())
        .limit(query.limit)).all()
    return [(entry, draws or 0) for entry, draws in rows]


def _problems(numbers: list, source: str, issue: str, drawn_at, now) -> dict:
    problems = {}
    if not numbers or len(numbers) > MAX_NUMBERS or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n < MAX_NUMBER for n in numbers):
        problems["numbers"] = [f"应为 1 至 {MAX_NUMBERS} 个非负整数（开奖号码）"]
    if not source or len(source) > 200:
        problems["source"] = ["请填写随机数来源（如 中国福利彩票双色球），不超过 200 字"]
    if not issue or len(issue) > 60:
        problems["issue"] = ["请填写开奖期号，不超过 60 字"]
    if drawn_at is None:
        problems["drawn_at"] = ["开奖时间格式应为 YYYY-MM-DD HH:MM（北京时间）"]
    elif drawn_at >= utc(now):
        problems["drawn_at"] = ["开奖时间不能晚于当前时间：只能录入已经开奖、可供任何人核对的号码"]
    return problems
