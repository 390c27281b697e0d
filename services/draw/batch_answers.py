"""The answer to a batch of people steps (issue #15): per item, in the submitted order, what the single endpoint
would have answered — `ok` with its view, or its refusal in the one error format's inner shape."""
from __future__ import annotations

from typing import Callable


def batch_answer(outcomes, key: str, present: Callable) -> dict:
    items = [_item(outcome, key, present) for outcome in outcomes]
    applied = sum(item["ok"] for item in items)
    return {"items": items, "applied": applied, "refused": len(items) - applied}


def _item(outcome, key: str, present: Callable) -> dict:
    if outcome.ok:
        return {"inspection_id": outcome.inspection_id, "ok": True, key: present(outcome.result)}
    error = outcome.error
    return {"inspection_id": outcome.inspection_id, "ok": False,
            "error": {"code": error.code, "message": error.message, "fields": error.fields}}
