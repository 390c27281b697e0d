#!/usr/bin/env python3
"""Independent verifier for a jointinspect draw record (抽取记录独立验证工具).

Usage / 用法:
    python3 verify_draw.py record.json
    python3 verify_draw.py -                                        (read the record from stdin / 从标准输入读取)
    python3 verify_draw.py https://host/draw/api/v1/draws/<id>      (fetch it / 直接下载)
    python3 verify_draw.py record.json --commitment committed.json  (also compare with the commitment published
                                                                     before the draw / 同时核对事先公布的承诺)

This single file needs only the Python 3 standard library and nothing from the jointinspect code base: a third
party (a company, an auditor, a journalist) downloads the public record and runs it. 本文件仅依赖 Python 标准库。

A draw is made in two phases (issue 13): a fresh seed is committed (its SHA-256 published) and the pool frozen right
after it (its hash published, event `draw.committed`); the draw runs only once external public randomness — the
winning numbers of a named public lottery drawn AFTER the commitment — has been entered. The key is made from both.

What it checks (RFC 3797, "Publicly Verifiable Nominations Committee Random Selection"):
  1. key        == the RFC 3797 §4 key of `sources`: for each source in order, its integers sorted ascending,
                   each written in decimal followed by ".", each source terminated by "/"
                   (e.g. [[9319], [5, 2]] -> "9319./2.5./").
  2. pool       is sorted ascending by id (string order), has no duplicates, and every id is [A-Za-z0-9_-] only.
  3. pool_hash  == hex digest, with the record's `algorithm`, of the pool written as canonical JSON —
                   json.dumps(pool, ensure_ascii=False, separators=(",", ":")) — encoded as UTF-8
                   (e.g. ["a","b"] hashes the 9 bytes ["a","b"]).
  4. selected   == the RFC 3797 §5 selection: for i = 0, 1, 2, ...
                       H_i = hash(i as 2 bytes big-endian || key as ASCII || the same 2 bytes)
                   read as an unsigned big-endian integer; pick the (H_i mod remaining)-th (0-based)
                   still-unselected pool member in pool order; repeat `count` times.
  5. commitment the record's `commitment` carries the seed: the first source is [seed], sha256(decimal seed as
                   ASCII) == seed_hash, and the commitment's published pool_hash is the record's pool_hash.
  6. randomness the record's `randomness` names its source, issue and draw time, and its numbers are the second
                   (and last) source — check them at the source (e.g. the lottery's published results).
  7. order      committed_at < pool_frozen_at < randomness.drawn_at < created_at: the seed was fixed before the
                   pool, and both before the numbers were known; the draw was made after them.
  8. --commitment FILE (the `draw.committed` event a department received, or the entry of the public commitments
                   list, kept from before the draw): its seed_hash, pool_hash, committed_at and pool_frozen_at are
                   the record's — a commitment row rewritten afterwards, or a pool changed and re-hashed, is caught.
`algorithm` is "md5" (the RFC's own hash), "sha256" or "sm3" (SM3 needs an OpenSSL that provides it).

Exit codes: 0 verified / 验证通过, 1 failed / 验证失败, 2 bad input / 输入有误.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
import urllib.request
from datetime import datetime, timezone

ALGORITHMS = ("md5", "sha256", "sm3")
FIELDS = ("algorithm", "sources", "key", "pool", "pool_hash", "count", "selected")
POOL_ID = re.compile(r"^[A-Za-z0-9_-]+$")
PUBLISHED = ("seed_hash", "pool_hash", "committed_at", "pool_frozen_at")


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
    return digest(algorithm, json.dumps(pool, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hex()


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
    if isinstance(data, dict) and isinstance(data.get("data"), dict):  # an event envelope (draw.committed)
        data = data["data"]
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
    if not all(POOL_ID.match(member) for member in pool):
        problems.append(("候选名单含不允许的编号字符", "pool contains ids outside [A-Za-z0-9_-]"))
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
    """Steps 5–7: the committed seed, the randomness entered after it, and the order of the four moments."""
    commitment = record.get("commitment") if isinstance(record.get("commitment"), dict) else {}
    randomness = record.get("randomness") if isinstance(record.get("randomness"), dict) else {}
    seed, sources, problems = commitment.get("seed"), record["sources"], []
    if seed is None:
        problems.append(("记录未公开事先承诺的种子", "the record does not reveal the committed seed"))
    elif not sources or sources[0] != [seed]:
        problems.append(("第一个随机源不是事先承诺的种子", "the first source is not the committed seed"))
    elif hashlib.sha256(str(seed).encode("ascii")).hexdigest() != commitment.get("seed_hash"):
        problems.append(("种子与事先公布的哈希值不符", "the seed does not match its published hash"))
    if commitment.get("pool_hash") != record["pool_hash"]:
        problems.append(("候选名单哈希值与承诺时公布的不符", "pool_hash is not the one published with the commitment"))
    if not randomness.get("numbers") or not randomness.get("source") or not randomness.get("drawn_at"):
        problems.append(("未记录外部公开随机数（来源、期号、开奖时间）", "no external public randomness is recorded"))
    elif sources[1:] != [randomness["numbers"]]:
        problems.append(("第二个随机源不是录入的公开随机数", "the public randomness is not the second source"))
    moments = [moment(commitment.get("committed_at")), moment(commitment.get("pool_frozen_at")),
               moment(randomness.get("drawn_at")), moment(record.get("created_at"))]
    if None in moments or not all(a < b for a, b in zip(moments, moments[1:])):
        problems.append(("时间顺序不符：应为 承诺 < 冻结候选名单 < 开奖 < 抽取",
                         "not in order: committed_at < pool_frozen_at < randomness drawn_at < created_at"))
    return problems


def published_problems(record: dict, published: dict) -> list:
    """Step 8: the commitment as it was published before the draw, against the record's."""
    commitment = record.get("commitment") if isinstance(record.get("commitment"), dict) else {}
    problems = []
    for name in PUBLISHED:
        ours = record["pool_hash"] if name == "pool_hash" else commitment.get(name)
        theirs = published.get(name)
        if name.endswith("_at"):
            ours, theirs = moment(ours), moment(theirs)
        if theirs is None or ours != theirs:
            problems.append((f"与事先公布的承诺不符：{name}", f"{name} differs from the commitment published before "
                                                          f"the draw"))
    return problems


def moment(value):
    """An ISO 8601 time ("…Z" or with an offset) as an aware datetime; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def main(argv: list) -> int:
    for stream in (sys.stdout, sys.stderr):  # never crash on a console that cannot show Chinese
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args, published_source = list(argv[1:]), None
    if "--commitment" in args:
        at = args.index("--commitment")
        published_source = args[at + 1] if at + 1 < len(args) else None
        del args[at:at + 2]
    if len(args) != 1 or ("--commitment" in argv and published_source is None):
        print("用法 / usage: python3 verify_draw.py <record.json | - | https://…/draw/api/v1/draws/<id>> "
              "[--commitment committed.json]", file=sys.stderr)
        return 2
    try:
        record = load(args[0])
        check_shape(record)
        problems = problems_of(record)
        if published_source is not None:
            problems += published_problems(record, load(published_source))
    except BadInput as exc:
        print(f"输入有误 / BAD INPUT: {exc}", file=sys.stderr)
        return 2
    print(f"算法 / algorithm: {record['algorithm']}   密钥 / key: {record['key']}")
    print(f"候选 / pool: {len(record['pool'])}   抽取 / count: {record['count']}   "
          f"结果 / selected: {', '.join(record['selected'])}")
    randomness = record.get("randomness") if isinstance(record.get("randomness"), dict) else {}
    if randomness:
        print(f"公开随机数 / randomness: {randomness.get('source')} 第 {randomness.get('issue')} 期 "
              f"{randomness.get('drawn_at')} 开奖 {randomness.get('numbers')}")
    if not problems:
        print("验证通过 / VERIFIED")
        return 0
    print("验证失败 / FAILED")
    for chinese, english in problems:
        print(f"  - {chinese} / {english}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
