"""The document set of one visit (S12) and what each document says — rules only, no I/O."""
from __future__ import annotations

from .issuer import Issuer

# The set issued for every visit, in printing order: the numbered letter, then the documents sharing its number.
SET = (("joint_letter", "联合检查函"), ("notice", "检查告知单"), ("checklist", "检查表"),
       ("field_record", "现场检查记录表"))
KIND_JOINT_LETTER = "joint_letter"
LABELS = dict(SET)
STAFF = ("clerk", "approver", "admin")


class MissingGlyphError(ValueError):
    """A character no font of the letter has: it would print as an empty box (design §5: fail loudly)."""

    def __init__(self, characters: list[str]):
        self.characters = characters
        listed = "、".join(f"{c}（U+{ord(c):04X}）" for c in characters)
        super().__init__(f"字库中没有以下字符，无法排版：{listed}")


def sort_set(documents: list) -> list:
    """Oldest version first; within a set the order of SET (the letter first)."""
    order = {kind: n for n, (kind, _) in enumerate(SET)}
    return sorted(documents, key=lambda d: (d.version, d.created_at, order.get(d.kind, 99)))


def may_see(role: str, subject: str, inspector_ids: list[str], department: str | None = None,
            departments: tuple[str, ...] | list[str] = ()) -> bool:
    """N4: before the visit only the assigned inspectors, clerks and approvers see who inspects whom — and (issue 12)
    the departments taking part in the visit (`departments`), each through its own accounts and API token."""
    if role == "department":
        return bool(department) and department in departments
    return role in STAFF or (role == "inspector" and subject in inspector_ids)


def departments_of(inspection: dict | None) -> tuple[str, ...]:
    """The codes of the departments taking part in a visit (its `inspection` as inspectors.assigned carries it)."""
    return tuple(d["code"] for d in (inspection or {}).get("departments") or [])


def set_member_number(kind: str, letter_number: str) -> str:
    """The letter carries the number; the other documents of the set carry it with their own name."""
    return letter_number if kind == KIND_JOINT_LETTER else f"{letter_number}·{LABELS[kind]}"


def mark_leader(inspectors: list[dict], leader_id: str | None = None) -> list[dict]:
    """The team with exactly one member marked `leader` (the event's `leader_id`, else the member the event marks,
    else the first), the leader first."""
    team = [dict(i) for i in inspectors]
    leader_id = leader_id or next((i["id"] for i in team if i.get("leader")), None) or (team[0]["id"] if team else None)
    for member in team:
        member["leader"] = member["id"] == leader_id
    return sorted(team, key=lambda i: not i["leader"])


def visit_time_text(local_time: str) -> str:
    """"2026-12-03 09:30" (Beijing) as printed on the documents: 2026年12月3日 9:30."""
    day, clock = local_time.split(" ")
    year, month, date_ = (int(part) for part in day.split("-"))
    hour, minute = clock.split(":")[:2]
    return f"{year}年{month}月{date_}日 {int(hour)}:{minute}"


def _teams(inspection: dict, inspectors: list[dict]) -> list[dict]:
    """Every department's members, grouped in the order of the visit's departments, the lead first; members of a
    department the visit does not list (an older team) follow under their own department's name."""
    departments = sorted(inspection["departments"], key=lambda d: not d["lead"])
    order = [(d["code"], d["name"], d["lead"]) for d in departments]
    for member in inspectors:
        if member["department"] not in {code for code, _, _ in order}:
            order.append((member["department"], member.get("department_name", member["department"]), False))
    return [{"department": code, "name": name, "lead": lead,
             "members": [{"name": i["name"], "certificate_no": i["certificate_no"], "unit": i.get("unit") or name,
                          "leader": bool(i.get("leader"))} for i in inspectors if i["department"] == code]}
            for code, name, lead in order if any(i["department"] == code for i in inspectors)]


def letter_content(inspection: dict, inspectors: list[dict], issuer: Issuer, schedule: dict, number: str,
                   issued_on: str, code: str, verify_url: str) -> dict:
    """The letter as the template renders it (see adapters/pdf.py for the shape): issued by the lead department
    (`issuer`), addressed to the partner departments, with the fixed visit time (`schedule`: scheduled_at in UTC,
    local_time in Beijing) and every department's members."""
    leader = next((i for i in inspectors if i.get("leader")), None)
    contact = {"name": issuer.contact_name, "phone": issuer.contact_phone} if issuer.contact_name else \
        {"name": f"检查组组长{leader['name']}" if leader else issuer.name, "phone": ""}
    return {
        "number": number, "issuer": issuer.name, "issuer_code": issuer.code, "issuer_department": issuer.department,
        "issued_on": issued_on, "title": "关于开展部门联合双随机抽查的函",
        "recipients": [d["name"] for d in inspection["departments"]
                       if d["code"] != issuer.department and d["name"] != issuer.name],
        "plan": {"number": inspection["plan"]["number"], "name": inspection["plan"]["name"]},
        "company": inspection["company"], "window": inspection["window"],
        "scheduled_at": schedule["scheduled_at"], "visit_time": schedule["local_time"],
        "departments": [{"code": d["code"], "name": d["name"], "lead": d["lead"],
                         "items": [{"code": i["code"], "name": i["name"], "basis": i["basis"], "method": i["method"],
                                    "key_points": i.get("key_points", "")}
                                   for i in d["items"]]} for d in inspection["departments"]],
        "inspectors": [{"name": i["name"], "certificate_no": i["certificate_no"],
                        "department": i.get("department_name", i["department"]), "leader": bool(i.get("leader"))}
                       for i in inspectors],
        "teams": _teams(inspection, inspectors),
        "contact": contact,
        "verification": {"code": code, "url": verify_url},
    }
