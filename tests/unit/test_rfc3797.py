"""RFC 3797 draws (design §4): reproducible by anyone from the public record alone (N4)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shared import rfc3797

pytestmark = pytest.mark.unit

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_draw.py"
RFC_SOURCES = [[9319], [2, 5, 8, 10, 12], [9, 18, 26, 34, 41, 45]]
RFC_KEY = "9319./2.5.8.10.12./9.18.26.34.41.45./"
RFC_POOL = [str(n) for n in range(1, 26)]  # numeric order, as in the RFC
RFC_PICKS = ["17", "7", "2", "16", "25", "23", "8", "24", "19", "13"]


SEED = 424242


def _record(algorithm: str = "sha256", count: int = 3) -> dict:
    """A complete two-phase record (issue 13): commitment, frozen pool, public randomness drawn after them."""
    pool = sorted(f"insp-{n:03d}" for n in range(1, 12))
    sources = [[SEED], [7, 3, 5]]
    key = rfc3797.make_key(sources)
    pool_hash = rfc3797.pool_hash(pool, algorithm)
    return {"algorithm": algorithm, "sources": sources, "key": key, "pool": pool, "pool_hash": pool_hash,
            "count": count, "selected": rfc3797.select(pool, count, key, algorithm),
            "excluded": [{"id": "insp-999", "reason": "证件过期"}], "operator": "system",
            "created_at": "2026-11-28T13:30:00.5Z",
            "commitment": {"id": 1, "seed": SEED, "seed_hash": hashlib.sha256(str(SEED).encode()).hexdigest(),
                           "committed_at": "2026-11-28T02:00:00Z", "pool_frozen_at": "2026-11-28T02:00:00.000001Z",
                           "pool_hash": pool_hash},
            "randomness": {"numbers": [7, 3, 5], "source": "测试脚本录入（非真实开奖）", "issue": "2026137",
                           "drawn_at": "2026-11-28T13:15:00Z"}}


def test_md5_reproduces_the_rfc_3797_section_6_example():
    """RFC 3797 §6 with MD5: the key string and the first ten picks, whether drawing 10 or all 25 (N4)."""
    key = rfc3797.make_key(RFC_SOURCES)
    assert key == RFC_KEY
    assert rfc3797.select(RFC_POOL, 10, key, "md5") == RFC_PICKS
    everyone = rfc3797.select(RFC_POOL, 25, key, "md5")
    assert everyone[:10] == RFC_PICKS
    assert sorted(everyone, key=int) == RFC_POOL


def test_key_sorts_values_inside_a_source_but_keeps_source_order():
    assert rfc3797.make_key([[12, 2, 10], [1]]) == "2.10.12./1./"
    assert rfc3797.make_key([[1], [12, 2, 10]]) == "1./2.10.12./"


def test_an_empty_source_contributes_only_its_terminator():
    assert rfc3797.make_key([[], [0], []]) == "/0.//"
    assert rfc3797.make_key([]) == ""


@pytest.mark.parametrize("sources", [[[-1]], [[1.5]], [["3"]], [[True]], [5]])
def test_key_rejects_anything_but_non_negative_integers(sources):
    with pytest.raises(ValueError):
        rfc3797.make_key(sources)


def test_selection_is_deterministic_and_picks_distinct_members():
    record = _record(count=5)
    again = rfc3797.select(record["pool"], 5, record["key"], "sha256")
    assert again == record["selected"]
    assert len(set(again)) == 5 and set(again) <= set(record["pool"])


def test_select_does_not_reorder_the_pool():
    """Pool order is public input; re-sorting RFC_POOL as strings would change the RFC example's picks."""
    assert rfc3797.select(sorted(RFC_POOL), 10, RFC_KEY, "md5") != RFC_PICKS


@pytest.mark.parametrize("algorithm", rfc3797.ALGORITHMS)
def test_each_named_algorithm_is_recorded_and_verifies(algorithm):
    if algorithm == "sm3" and "sm3" not in hashlib.algorithms_available:
        pytest.skip("this OpenSSL has no SM3")
    record = _record(algorithm)
    assert record["algorithm"] == algorithm
    assert rfc3797.verify(record) == (True, [])


def test_different_algorithms_give_different_pool_hashes():
    hashes = {algorithm: rfc3797.pool_hash(RFC_POOL, algorithm) for algorithm in ("md5", "sha256")}
    assert hashes["md5"] != hashes["sha256"]
    assert rfc3797.DEFAULT_ALGORITHM == "sha256"


def test_pool_hash_is_the_documented_canonical_json():
    assert rfc3797.pool_hash(["a", "b", "执法"]) == hashlib.sha256('["a","b","执法"]'.encode("utf-8")).hexdigest()
    assert rfc3797.pool_hash([]) == hashlib.sha256(b"[]").hexdigest()


def test_ids_with_a_line_feed_can_no_longer_make_two_pools_hash_alike():
    """Issue 13: joined with "\n", ["a\nb"] and ["a", "b"] hashed alike; as JSON arrays they do not, and the
    verifier refuses such an id anyway."""
    assert rfc3797.pool_hash(["a\nb"]) != rfc3797.pool_hash(["a", "b"])
    record = _record()
    record["pool"] = sorted(record["pool"][:-1] + ["insp-0\n1"])
    record["pool_hash"] = rfc3797.pool_hash(record["pool"])
    record["selected"] = rfc3797.select(record["pool"], record["count"], record["key"])
    ok, problems = rfc3797.verify(record)
    assert not ok and any("[A-Za-z0-9_-]" in problem for problem in problems)


def test_unknown_algorithm_is_rejected_by_name():
    with pytest.raises(ValueError, match="sha1"):
        rfc3797.select(RFC_POOL, 1, RFC_KEY, "sha1")


def test_count_beyond_the_pool_is_rejected_and_zero_selects_nobody():
    with pytest.raises(ValueError, match="exceeds"):
        rfc3797.select(["a", "b"], 3, RFC_KEY)
    assert rfc3797.select(["a", "b"], 0, RFC_KEY) == []


def test_verify_accepts_a_correct_record():
    assert rfc3797.verify(_record()) == (True, [])


@pytest.mark.parametrize("field, tamper, expected", [
    ("selected", lambda r: r["selected"][::-1], "selected"),
    ("pool", lambda r: r["pool"][:-1] + ["insp-zzz"], "pool_hash"),
    ("pool", lambda r: r["pool"][::-1], "not sorted"),
    ("key", lambda r: "1./", "key"),
    ("pool_hash", lambda r: "0" * 64, "pool_hash"),
    ("sources", lambda r: [[424243], [3, 5, 7]], "key"),
])
def test_verify_reports_each_tampering(field, tamper, expected):
    """Any change to the published record is detected by re-computation (N4)."""
    record = _record()
    record[field] = tamper(record)
    ok, problems = rfc3797.verify(record)
    assert not ok
    assert any(expected in problem for problem in problems), problems


def test_verify_reports_missing_fields_instead_of_raising():
    record = _record()
    del record["pool"]
    assert rfc3797.verify(record) == (False, ["missing field 'pool'"])


# --- the standalone third-party script ---------------------------------------------------------------

def _run(path: Path, *args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-I", "-S", str(path), *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, env=env, input=stdin, timeout=60)


def _write(tmp_path: Path, record: dict) -> Path:
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def test_script_exit_code_is_zero_for_a_good_record(tmp_path):
    result = _run(SCRIPT, str(_write(tmp_path, _record())))
    assert result.returncode == 0, result.stderr
    assert "验证通过 / VERIFIED" in result.stdout


def test_script_accepts_a_wrapped_record_on_stdin():
    result = _run(SCRIPT, "-", stdin=json.dumps({"draw": _record("md5")}))
    assert result.returncode == 0, result.stderr


def test_script_exit_code_is_one_for_a_tampered_record(tmp_path):
    record = _record()
    record["selected"] = record["selected"][::-1]
    result = _run(SCRIPT, str(_write(tmp_path, record)))
    assert result.returncode == 1
    assert "验证失败 / FAILED" in result.stdout
    assert "抽取结果与重新计算结果不符" in result.stdout


def test_script_exit_code_is_two_for_a_record_missing_pool_naming_it_in_chinese(tmp_path):
    record = _record()
    del record["pool"]
    result = _run(SCRIPT, str(_write(tmp_path, record)))
    assert result.returncode == 2
    assert "缺少字段「pool」" in result.stderr


def test_script_exit_code_is_two_for_unreadable_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    assert _run(SCRIPT, str(path)).returncode == 2


def test_script_checks_a_published_seed_commitment(tmp_path):
    """The seed must hash to the commitment published before the draw (design §4)."""
    record = _record()
    assert _run(SCRIPT, str(_write(tmp_path, record))).returncode == 0
    record["commitment"]["seed_hash"] = "0" * 64
    result = _run(SCRIPT, str(_write(tmp_path, record)))
    assert result.returncode == 1 and "种子与事先公布的哈希值不符" in result.stdout


@pytest.mark.parametrize("tamper, expected", [
    (lambda r: r.pop("randomness"), "未记录外部公开随机数"),
    (lambda r: r["randomness"].update(drawn_at="2026-11-28T01:00:00Z"), "时间顺序不符"),  # numbers known before
    (lambda r: r["commitment"].update(pool_frozen_at="2026-11-28T01:59:59Z"), "时间顺序不符"),
    (lambda r: r.update(created_at="2026-11-28T13:00:00Z"), "时间顺序不符"),
    (lambda r: r["randomness"].update(numbers=[1, 2, 3]), "第二个随机源不是录入的公开随机数"),
    (lambda r: r["commitment"].update(pool_hash="0" * 64), "候选名单哈希值与承诺时公布的不符"),
    (lambda r: r["commitment"].pop("seed"), "记录未公开事先承诺的种子"),
])
def test_script_checks_both_phases_of_the_draw(tmp_path, tamper, expected):
    """Issue 13: the randomness is recorded and is the second source; committed < frozen < drawn < made."""
    record = _record()
    tamper(record)
    result = _run(SCRIPT, str(_write(tmp_path, record)))
    assert result.returncode == 1 and expected in result.stdout, result.stdout + result.stderr


def test_script_detects_a_commitment_rewritten_after_it_was_published(tmp_path):
    """Issue 13: an insider who grinds a new seed (or removes an officer and re-hashes the pool) after publishing
    must rewrite the commitment row and the record consistently — and still differs from the `draw.committed`
    event every department kept."""
    published = {"data": {k: v for k, v in _record()["commitment"].items() if k != "seed"}}
    kept = tmp_path / "committed.json"
    kept.write_text(json.dumps(published), encoding="utf-8")
    honest = _run(SCRIPT, str(_write(tmp_path, _record())), "--commitment", str(kept))
    assert honest.returncode == 0, honest.stdout + honest.stderr
    ground = _record()
    ground["sources"][0] = [SEED + 1]
    ground["key"] = rfc3797.make_key(ground["sources"])
    ground["selected"] = rfc3797.select(ground["pool"], ground["count"], ground["key"])
    ground["commitment"].update(seed=SEED + 1, seed_hash=hashlib.sha256(str(SEED + 1).encode()).hexdigest())
    assert _run(SCRIPT, str(_write(tmp_path, ground))).returncode == 0, "consistent on its own…"
    result = _run(SCRIPT, str(_write(tmp_path, ground)), "--commitment", str(kept))
    assert result.returncode == 1 and "与事先公布的承诺不符：seed_hash" in result.stdout
    shrunk = _record()
    shrunk["pool"] = shrunk["pool"][1:]
    shrunk["pool_hash"] = shrunk["commitment"]["pool_hash"] = rfc3797.pool_hash(shrunk["pool"])
    shrunk["selected"] = rfc3797.select(shrunk["pool"], shrunk["count"], shrunk["key"])
    assert _run(SCRIPT, str(_write(tmp_path, shrunk))).returncode == 0, "consistent on its own…"
    result = _run(SCRIPT, str(_write(tmp_path, shrunk)), "--commitment", str(kept))
    assert result.returncode == 1 and "与事先公布的承诺不符：pool_hash" in result.stdout


def test_script_runs_alone_outside_the_repository(tmp_path):
    """A third party gets one file: copied to an empty directory and run isolated (-I -S), it still works."""
    alone = tmp_path / "alone"
    alone.mkdir()
    copy = Path(shutil.copy(SCRIPT, alone / "verify_draw.py"))
    good = _run(copy, str(_write(tmp_path, _record())), cwd=alone)
    assert good.returncode == 0, good.stderr
    tampered = _record()
    tampered["pool_hash"] = "f" * 64
    assert _run(copy, str(_write(tmp_path, tampered)), cwd=alone).returncode == 1
