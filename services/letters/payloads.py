"""letters' partner-facing event payloads, one builder per event type (docs/asyncapi.yaml is the contract).

Independent of the HTTP serialisers in views.py: changing the API never changes a message other agencies parse."""
from __future__ import annotations


def letter_issued(document, inspection: dict, department: dict, inspectors: list[dict], issuer: dict,
                  scheduled_at: str) -> dict:
    """`letter.issued.<dept>`: the joint letter and the items of one participating department (S12), with the lead
    department that issued it (`issuer {department, name, code}`) and the fixed visit time it prints (UTC)."""
    return {
        "inspection_id": document.inspection_id, "document_id": document.id, "number": document.number,
        "issuer": {"department": issuer["department"], "name": issuer["name"], "code": issuer["code"]},
        "scheduled_at": scheduled_at,
        "plan": inspection["plan"], "company": inspection["company"], "window": inspection["window"],
        "department": department["code"], "lead": department["lead"], "items": department["items"],
        "inspectors": [{"name": i["name"], "certificate_no": i["certificate_no"], "department": i["department"]}
                       for i in inspectors],
        "verification_code": document.verification_code,
        "verification_url": document.content["verification"]["url"],
    }
