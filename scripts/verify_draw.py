#!/usr/bin/env python3
"""Independent verifier for a jointinspect draw record (抽取记录独立验证工具).

Usage / 用法:
    python3 verify_draw.py record.json
    python3 verify_draw.py -                                        (read the record from stdin / 从标准输入读取)
    python3 verify_draw.py https://host/draw/api/v1/draws/<id>      (fetch it / 直接下载)

This single file needs only the Python 3 standard library and nothing from the jointinspect code base: a third
party (a company, an auditor, a journalist) downloads the public record and runs it. 本文件仅依赖 Python 标准库。

What it checks (RFC 3797, "Publicly Verifiable Nominations Committee Random Selection"):
  1. key        == the RFC 3797 §4 key of `sources`: for each source in order, its integers sorted ascending,
                   each written in decimal followed by ".", each source terminated by "/"
                   (e.g. [[9319], [5, 2]] -> "9319./2.5./").
  2. pool       is sorted ascending by id (string order) and has no duplicates (the pool is frozen by id).
  3. pool_hash  == hex digest, with the record's `algorithm`, of the pool ids joined by "\n" (no trailing
                   newline), encoded as UTF-8.
  4. selected   == the RFC 3797 §5 selection: for i = 0, 1, 2, ...
                       H_i = hash(i as 2 bytes big-endian || key as ASCII || the same 2 bytes)
                   read as an unsigned big-endian integer; pick the (H_i mod remaining)-th (0-based)
                   still-unselected pool member in pool order; repeat `count` times.
  5. commitment (only if the record carries one with its seed): the first source is [seed],
                   sha256(decimal seed as ASCII) == seed_hash, and committed_at is before created_at —
                   i.e. the seed was published before the draw and could not be chosen afterwards.
`algorithm` is "md5" (the RFC's own hash), "sha256" or "sm3" (SM3 needs an OpenSSL that provides it).

Exit codes: 0 verified / 验证通过, 1 failed / 验证失败, 2 bad input / 输入有误.
"""
from __future__ import annotations

import hashlib
import json
import sys
import urllib.request

ALGORITHMS = ("md5", "sha256", "sm3")
FIELDS = ("algorithm", "sources", "key", "pool", "pool_hash", "count", "selected")


class BadInput(Exception):
    """The record cannot be verified at all (exit 2); the message is Chinese, then English."""


def digest(algorithm: str, data: bytes) -> bytes:
    try:
        return hashlib.new(algorithm, data).digest()
    except ValueError:
        raise BadInput(f"本机 Python/OpenSSL 不支持算法「{algorithm}」/ "
                       f"this Python's OpenSSL does not provide {algorithm!r}") from None


def make_key(sources: list) -> str:
    return "".join("".join(f"{value}." for value in sorted(source)) + "/" for source in sources)


def select(pool: list, count: int, key: str, algorithm: str) -> list:
    key_bytes = key.encode("ascii")
    remaining, selected = list(pool), []
    for i in range(count):
        prefix = i.to_bytes(2, "big")
        value = int.from_bytes(digest(algorithm, prefix + key_bytes + prefix), "big")
        selected.append(remaining.pop(value % len(remaining)))
    return selected


def pool_hash(pool: list, algorithm: str) -> str:
    return digest(algorithm, "\n".join(pool).encode("utf-8")).hex()


def load(source: str) -> dict:
    """Read the record from a file, stdin ("-") or an http(s) URL; accept it bare or as {"draw": {...}}."""
    try:
        if source == "-":
            text = sys.stdin.read()
        elif source.startswith(("http://", "https://")):
            request = urllib.request.Request(source, headers={"Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode("utf-8")
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"无法读取「{source}」/ cannot read {source!r}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BadInput(f"不是有效的 JSON / not valid JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("draw"), dict):
        data = data["draw"]
    if not isinstance(data, dict):
        raise BadInput("抽取记录应为 JSON 对象 / the record must be a JSON object")
    return data


def check_shape(record: dict) -> None:
    """Every field present and of the right type, else BadInput naming the field."""
    for name in FIELDS:
        if name not in record:
            raise BadInput(f"抽取记录缺少字段「{name}」/ the record has no field {name!r}")
    if record["algorithm"] not in ALGORITHMS:
        raise BadInput(f"字段「algorithm」的值「{record['algorithm']}」不受支持（应为 {'、'.join(ALGORITHMS)}）"
                       f" / unsupported algorithm")
    sources = record["sources"]
    if not isinstance(sources, list) or not all(isinstance(s, list) and all(_natural(v) for v in s)
                                                for s in sources):
        raise BadInput("字段「sources」应为非负整数列表的列表 / sources must be lists of non-negative integers")
    for name in ("pool", "selected"):
        if not isinstance(record[name], list) or not all(isinstance(v, str) for v in record[name]):
            raise BadInput(f"字段「{name}」应为字符串列表 / {name} must be a list of strings")
    for name in ("key", "pool_hash"):
        if not isinstance(record[name], str):
            raise BadInput(f"字段「{name}」应为字符串 / {name} must be a string")
    if not record["key"].isascii():
        raise BadInput("字段「key」应只含 ASCII 字符 / key must be ASCII")
    if not _natural(record["count"]):
        raise BadInput("字段「count」应为非负整数 / count must be a non-negative integer")


def _natural(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def problems_of(record: dict) -> list:
    """(Chinese, English) pairs, one per failed check; empty when the record verifies."""
    problems, algorithm, pool = [], record["algorithm"], record["pool"]
    expected_key = make_key(record["sources"])
    if record["key"] != expected_key:
        problems.append(("密钥与随机源不符", f"key does not match the sources (expected {expected_key!r})"))
    if pool != sorted(pool):
        problems.append(("候选名单未按编号升序排列", "pool is not sorted ascending by id"))
    if len(set(pool)) != len(pool):
        problems.append(("候选名单含重复编号", "pool contains duplicate ids"))
    if record["pool_hash"] != pool_hash(pool, algorithm):
        problems.append(("候选名单哈希值不符", f"pool_hash does not match the pool "
                                         f"(expected {pool_hash(pool, algorithm)})"))
    if record["count"] > len(pool):
        problems.append(("抽取人数超过候选人数", "count exceeds the pool size"))
    else:
        expected = select(pool, record["count"], record["key"], algorithm)
        if record["selected"] != expected:
            problems.append(("抽取结果与重新计算结果不符", f"selected does not match the recomputation {expected}"))
    return problems + commitment_problems(record)


def commitment_problems(record: dict) -> list:
    """Step 5: only when the record publishes a commitment with its seed."""
    commitment = record.get("commitment")
    if not isinstance(commitment, dict) or commitment.get("seed") is None:
        return []
    seed, problems = commitment["seed"], []
    if not record["sources"] or record["sources"][0] != [seed]:
        problems.append(("第一个随机源不是事先承诺的种子", "the first source is not the committed seed"))
    if hashlib.sha256(str(seed).encode("ascii")).hexdigest() != commitment.get("seed_hash"):
        problems.append(("种子与事先公布的哈希值不符", "the seed does not match its published hash"))
    committed_at, created_at = commitment.get("committed_at"), record.get("created_at")
    if isinstance(committed_at, str) and isinstance(created_at, str) and committed_at >= created_at:
        problems.append(("种子承诺晚于抽取时间", "the seed was not committed before the draw"))
    return problems


def main(argv: list) -> int:
    for stream in (sys.stdout, sys.stderr):  # never crash on a console that cannot show Chinese
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if len(argv) != 2:
        print("用法 / usage: python3 verify_draw.py <record.json | - | https://…/draw/api/v1/draws/<id>>",
              file=sys.stderr)
        return 2
    try:
        record = load(argv[1])
        check_shape(record)
        problems = problems_of(record)
    except BadInput as exc:
        print(f"输入有误 / BAD INPUT: {exc}", file=sys.stderr)
        return 2
    print(f"算法 / algorithm: {record['algorithm']}   密钥 / key: {record['key']}")
    print(f"候选 / pool: {len(record['pool'])}   抽取 / count: {record['count']}   "
          f"结果 / selected: {', '.join(record['selected'])}")
    if not problems:
        print("验证通过 / VERIFIED")
        return 0
    print("验证失败 / FAILED")
    for chinese, english in problems:
        print(f"  - {chinese} / {english}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
