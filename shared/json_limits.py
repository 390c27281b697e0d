"""JSON as this system accepts it, from any channel (an HTTP body, a partner's AMQP message): bounded depth and
integer size, no NaN/Infinity, no lone surrogates. Python's own parser answers these with RecursionError,
ValueError (beyond 4300 digits) or a string nothing can encode, which reached callers as 500s.
"""
from __future__ import annotations

import json

from . import text

MAX_DEPTH = 32  # arrays/objects inside one another; our deepest body (a batch of tasks) uses 4
MAX_INT_DIGITS = 30  # beyond any id or count; schemas bound integers further (shared/schemas.Integer)


class MalformedJSON(ValueError):
    """A JSON body refused before any schema sees it; the message is Chinese."""


def loads(data: str | bytes):
    """`json.loads` with the limits above: raises MalformedJSON (or a ValueError for text that is not JSON)."""
    if isinstance(data, (bytes, bytearray)):
        data = data.decode("utf-8")
    try:
        value = json.loads(data, parse_int=_integer, parse_constant=_constant)
    except RecursionError:
        raise MalformedJSON(f"JSON 嵌套层数过多（最多 {MAX_DEPTH} 层）") from None
    check_structure(value)
    return value


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise MalformedJSON(f"JSON 中的整数位数过多（最多 {MAX_INT_DIGITS} 位）")
    return int(digits)


def _constant(name: str):
    raise MalformedJSON(f"JSON 不允许 {name}（NaN、Infinity 不是 JSON 数值）")


def check_structure(value) -> None:
    """Depth and lone surrogates, without recursion (a deep body must not exhaust the stack here either)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if text.has_lone_surrogate(item):
                raise MalformedJSON("JSON 字符串含有无效的 Unicode 字符（孤立的代理项，如 \\ud800）")
        elif isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise MalformedJSON(f"JSON 嵌套层数过多（最多 {MAX_DEPTH} 层）")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
