"""The inspector library's recorded fields (S5): what an audit entry snapshots when an officer changes. Pure."""
from __future__ import annotations

FIELDS = ("name", "unit", "certificate_no", "certificate_issuer", "certificate_expiry", "on_duty", "established",
          "jurisdiction", "expertise", "phone")


def snapshot(inspector) -> dict:
    return {k: (str(v) if k == "certificate_expiry" and v else v)
            for k, v in ((k, getattr(inspector, k)) for k in FIELDS)}
