"""One visit time (issue #11; S12: all items of a company are done in one visit): the team leader or a clerk fixes a
local date and time inside the visit window, during working hours; who leads the team. Pure rules, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.errors import Forbidden, Invalid

TIME_FORMAT = "%Y-%m-%d %H:%M"
SCHEDULING_STAFF = ("clerk", "admin")  # besides the team leader
READING_STAFF = ("clerk", "admin", "approver", "detachment")


@dataclass(frozen=True)
class WorkingHours:
    """A visit starts between `earliest`:00 and `latest`:00 local time (both inclusive)."""
    earliest: int = 7
    latest: int = 20

    @classmethod
    def from_settings(cls, settings) -> "WorkingHours":
        return cls(settings.draw_visit_earliest_hour, settings.draw_visit_latest_hour)

    def label(self) -> str:
        return f"{self.earliest:02d}:00 至 {self.latest:02d}:00"


def parse_local(text: str, tz: ZoneInfo) -> datetime:
    """"2026-12-03 09:30" in the local zone (Beijing) → an aware datetime; a Chinese message otherwise."""
    try:
        return datetime.strptime((text or "").strip(), TIME_FORMAT).replace(tzinfo=tz)
    except ValueError:
        raise Invalid("检查时间格式不正确", fields={"time": ["应为“年-月-日 时:分”，例如 2026-12-03 09:30"]}) from None


def check_visit_time(local: datetime, window_start: date, window_end: date, hours: WorkingHours) -> None:
    """Inside the window (both dates inclusive) and during working hours."""
    if not window_start <= local.date() <= window_end:
        raise Invalid("检查时间不在检查时段内",
                      fields={"time": [f"应在 {window_start} 至 {window_end} 之间（含首尾两日）"]})
    minutes = local.hour * 60 + local.minute
    if not hours.earliest * 60 <= minutes <= hours.latest * 60:
        raise Invalid("检查时间不在工作时间内", fields={"time": [f"应在 {hours.label()} 之间"]})


def may_schedule(leader_id: str, principal) -> bool:
    """The team leader (an inspector whose account is that officer) or a clerk."""
    if principal is None:
        return False
    return principal.role in SCHEDULING_STAFF or (principal.role == "inspector" and principal.subject == leader_id)


def ensure_may_schedule(leader_id: str, principal) -> None:
    if not may_schedule(leader_id, principal):
        raise Forbidden("只有检查组组长或综合科工作人员可以确定检查时间")


def may_read(team: list[dict], departments: list[dict], principal) -> bool:
    """Staff, the team's own members and the participating departments see the schedule (names are confidential
    until the visit, N4)."""
    if principal is None:
        return False
    if principal.role in READING_STAFF:
        return True
    if principal.role == "inspector":
        return principal.subject in {p["id"] for p in team}
    return principal.role == "department" and principal.department in {d["code"] for d in departments}


def choose_leader(team: list[dict], lead_department: str | None, announced: str | None = None,
                  current: str | None = None) -> str:
    """Who leads: the one the event names (`leader_id` or a member flagged `leader`); else the current leader while
    still on the team; else the lead department's first member (so a replaced leader passes the lead to the next
    member of the lead department); else the first member."""
    ids = [p["id"] for p in team]
    flagged = next((p["id"] for p in team if p.get("leader")), None)
    for candidate in (announced, flagged, current):
        if candidate and candidate in ids:
            return candidate
    return next((p["id"] for p in team if p.get("department") == lead_department), ids[0])
