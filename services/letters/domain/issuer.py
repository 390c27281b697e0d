"""Who issues the joint inspection letter: the LEAD department of the visit, under its own name, 机关代字 and
number sequence (issue #11). The eco sub-bureau's own issuer is configuration (settings.letters_issuer_*) and is
used, exactly as before, whenever the eco sub-bureau leads."""
from __future__ import annotations

from dataclasses import dataclass, replace

from shared.config import Settings

ECO_DEPARTMENT = "STHJ"  # the department the letters_issuer_* settings describe, unless settings say otherwise


@dataclass(frozen=True)
class Issuer:
    code: str = "青环西联函"  # 机关代字
    name: str = "青岛市生态环境局西海岸新区分局"
    contact_name: str = "综合科"
    contact_phone: str = "0532-86988000"
    department: str = ECO_DEPARTMENT  # the department code this issuer belongs to

    @classmethod
    def from_settings(cls, settings: Settings) -> "Issuer":
        """The eco sub-bureau's issuer (it uploads the seal through this service and issues eco-led visits)."""
        return cls(code=settings.letters_issuer_code, name=settings.letters_issuer_name,
                   contact_name=settings.letters_contact_name, contact_phone=settings.letters_contact_phone,
                   department=settings.letters_department)

    def as_event(self) -> dict:
        return {"department": self.department, "name": self.name, "code": self.code}


def lead_department(inspection: dict) -> dict:
    """The lead department's part of `inspection` (`lead` true, else the one `lead_department` names)."""
    departments = inspection["departments"]
    return next((d for d in departments if d.get("lead")), None) or \
        next((d for d in departments if d["code"] == inspection.get("lead_department")), departments[0])


def lead_issuer(inspection: dict, eco: Issuer) -> Issuer:
    """The issuer of a visit's set: the eco sub-bureau's configured issuer when it leads; otherwise the lead's
    `issuer {name, code}` as intake sends it (until it does: the lead's name with the configured code). A lead
    other than the eco sub-bureau has no contact line of the eco side's; its team leader is the contact."""
    lead = lead_department(inspection)
    if lead["code"] == eco.department:
        return eco
    given = lead.get("issuer") or {}
    return replace(eco, department=lead["code"], name=given.get("name") or lead["name"],
                   code=given.get("code") or eco.code, contact_name="", contact_phone="")
