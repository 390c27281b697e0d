"""Rules for turning departments' tasks into one visit (N5, S12) — no I/O here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Window:
    start: date
    end: date


def visit_window(plan_start: date, plan_end: date, task_windows: list[Window]) -> Window | None:
    """The visit must suit every department that asked for a window: intersect them inside the plan period.
    None when they do not overlap (the clerk must then arrange the visit)."""
    start, end = plan_start, plan_end
    for window in task_windows:
        start, end = max(start, window.start), min(end, window.end)
    return Window(start, end) if start <= end else None


def order_departments(lead: str, codes: set[str]) -> list[str]:
    """Lead department first (N5: it leads the group), then partners in a stable order."""
    return ([lead] if lead in codes else []) + sorted(codes - {lead})
