"""The one clock: store UTC, show Asia/Shanghai. Injectable so tests can fix "now"."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    """`tz` is the local zone (`JOINTINSPECT_TZ`, Asia/Shanghai by default) in which days begin and end."""

    def __init__(self, tz: ZoneInfo | str = SHANGHAI):
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def today_local(self, tz: ZoneInfo | None = None) -> date:
        """The calendar day in China: deadlines and visit dates are local days."""
        return self.now().astimezone(tz or self.tz).date()

    def local(self, dt: datetime) -> datetime:
        return utc(dt).astimezone(self.tz)


class FixedClock(Clock):
    def __init__(self, at: datetime, tz: ZoneInfo | str = SHANGHAI):
        super().__init__(tz)
        self.at = at

    def now(self) -> datetime:
        return self.at


def utc(dt: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC, so say so."""
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def iso(dt: datetime) -> str:
    return utc(dt).isoformat().replace("+00:00", "Z")


def local_display(dt: datetime | str, seconds: bool = False, tz: ZoneInfo = SHANGHAI) -> str:
    """Stored UTC, shown in Asia/Shanghai. Also takes the ISO strings of a public JSON record (`…Z`); seconds
    where their order is the point (a seed committed before the draw that used it)."""
    if isinstance(dt, str):
        dt = datetime.fromisoformat(dt)
    return utc(dt).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def chinese_date(d: date) -> str:
    """Dates on documents use Arabic numerals without leading zeros (GB/T 9704)."""
    return f"{d.year}年{d.month}月{d.day}日"
