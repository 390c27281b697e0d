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


def may_see(role: str, subject: str, inspector_ids: list[str]) -> bool:
    """N4: before the visit only the assigned inspectors, clerks and approvers see who inspects whom."""
    return role in STAFF or (role == "inspector" and subject in inspector_ids)


def set_member_number(kind: str, letter_number: str) -> str:
    """The letter carries the number; the other documents of the set carry it with their own name."""
    return letter_number if kind == KIND_JOINT_LETTER else f"{letter_number}·{LABELS[kind]}"


def letter_content(inspection: dict, inspectors: list[dict], issuer: Issuer, number: str, issued_on: str,
                   code: str, verify_url: str) -> dict:
    """The letter as the template renders it (see adapters/pdf.py for the shape)."""
    return {
        "number": number, "issuer": issuer.name, "issued_on": issued_on, "title": "关于开展部门联合双随机抽查的函",
        "recipients": [d["name"] for d in inspection["departments"] if d["name"] != issuer.name],
        "plan": {"number": inspection["plan"]["number"], "name": inspection["plan"]["name"]},
        "company": inspection["company"], "window": inspection["window"],
        "departments": [{"code": d["code"], "name": d["name"], "lead": d["lead"],
                         "items": [{"code": i["code"], "name": i["name"], "basis": i["basis"], "method": i["method"],
                                    "key_points": i.get("key_points", "")}
                                   for i in d["items"]]} for d in inspection["departments"]],
        "inspectors": [{"name": i["name"], "certificate_no": i["certificate_no"],
                        "department": i.get("department_name", i["department"])} for i in inspectors],
        "contact": {"name": issuer.contact_name, "phone": issuer.contact_phone},
        "verification": {"code": code, "url": verify_url},
    }
