"""Each participating department's part of a visit's team (N2, N5, S7, S12) — pure rules, no I/O.

A department staffed from the platform's library has its officers drawn; one that keeps its officers elsewhere
names them (匹配) by a deadline; comprehensive enforcement (S7) is matched by the detachment. Every reason a part
is not complete is written for the clerk, in Chinese, with what would unblock it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

LIBRARY, NAMED, MATCH = "library", "named", "match"
BLOCKED, WAITING, COMPLETE = "blocked", "waiting", "complete"
# issue 13: committed, pool frozen, drawn by the next public randomness entry whose lottery is drawn after it
AWAITING_RANDOMNESS = "randomness"
# a certificate number: digits and Latin letters (a hyphen inside), optionally after a short Chinese prefix
# such as a province's abbreviation (鲁…)
CERTIFICATE_NO = re.compile(r"^[\u4e00-\u9fff]{0,4}[0-9A-Za-z][0-9A-Za-z-]{4,38}[0-9A-Za-z]$")
WAITING_FOR_RANDOMNESS = ("等待公开随机数：随机种子承诺已公布、候选名单已冻结，录入此后开奖的公开随机数"
                          "（如福利彩票开奖号码）后自动抽取")


def staffing_of(department: dict, comprehensive: bool) -> str:
    """A missing `staffing` means the library (the contract's default until intake always sends it)."""
    if department.get("staffing") == NAMED:
        return NAMED
    return MATCH if comprehensive else LIBRARY


def too_few(found: int, needed: int) -> str:
    return (f"符合条件的执法人员仅 {found} 名，至少需要 {needed} 名：请在人员库中增加该部门持有效执法证的在岗人员，"
            f"或结束其请假/借调期间后由系统自动重新抽取")


def waiting_for_names(department_name: str, due: str, needed: int) -> str:
    return f"待{department_name}于 {due} 前指派本部门持有效执法证的执法人员（不少于 {needed} 名）"


@dataclass(frozen=True)
class NamedOfficer:
    name: str
    certificate_no: str
    certificate_expiry: date | None
    unit: str = ""


def named_problems(officers: list[NamedOfficer], needed: int, window_start: date) -> list[str]:
    """N2 for a department that names its own officers: at least `needed` distinct officers, each with a
    plausible certificate number that has not expired by the start of the visit window."""
    problems = []
    if len({o.certificate_no.strip() for o in officers}) < needed:
        problems.append(f"至少应指派 {needed} 名不同的执法人员")
    for n, officer in enumerate(officers, start=1):
        label = f"第 {n} 名（{officer.name or '未填姓名'}）"
        if not officer.name.strip():
            problems.append(f"{label}：缺少姓名")
        if not CERTIFICATE_NO.match(officer.certificate_no.strip()):
            problems.append(f"{label}：执法证号格式不正确")
        if officer.certificate_expiry is None:
            problems.append(f"{label}：缺少执法证有效期")
        elif officer.certificate_expiry < window_start:
            problems.append(f"{label}：执法证有效期至 {officer.certificate_expiry}，早于检查开始日期")
    return problems
