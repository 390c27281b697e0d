"""Every service's audit checkpoints in public (issue 13): `GET /<service>/api/v1/audit/checkpoints` (JSON, what a
verifier saves for `jointinspect audit verify --checkpoints`), the page `/<service>/audit/checkpoints`, and for
admins the full verification (`GET /<service>/api/v1/audit/verification`). Registered by `create_service_app`."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema, fields

from .auth import require
from .common_handlers import ListCheckpoints, VerifyAuditChain
from .errors import Invalid
from .openapi import answers, query

PAGE_SIZE = 200


class AuditCheckpointView(Schema):
    service = fields.String(required=True)
    seq = fields.Integer(required=True)
    head_hash = fields.String(required=True)
    at = fields.String(required=True)
    algorithm = fields.String(required=True)
    key_id = fields.String(required=True)
    public_key = fields.String(required=True)
    signature = fields.String(required=True)


class AuditPublicKeyView(Schema):
    key_id = fields.String(required=True)
    public_key = fields.String(required=True)


class AuditCheckpointDocument(Schema):
    service = fields.String(required=True)
    algorithm = fields.String(required=True)
    public_keys = fields.List(fields.Nested(AuditPublicKeyView), required=True)
    signed_fields = fields.List(fields.String(), required=True)
    checkpoints = fields.List(fields.Nested(AuditCheckpointView), required=True)


class AuditVerificationView(Schema):
    service = fields.String(required=True)
    ok = fields.Boolean(required=True)
    entries = fields.Integer(required=True)
    sealed_rows = fields.Integer(required=True)
    checkpoints = fields.Integer(required=True)
    problems = fields.List(fields.String(), required=True)
    more_problems = fields.Integer(required=True)
    summary = fields.String(required=True)


def audit_blueprints(service: str) -> tuple[SmorestBlueprint, Blueprint]:
    from .web import handle

    api = SmorestBlueprint(f"{service}_audit", __name__, url_prefix=f"/{service}/api/v1/audit",
                           description="审计链检查点（公开）与核验")
    pages = Blueprint(f"{service}_audit_pages", __name__, url_prefix=f"/{service}/audit")

    @api.get("/checkpoints")
    @answers(200, AuditCheckpointDocument)
    @query(("limit", {"type": "integer", "minimum": 1, "maximum": 100000}, "最多返回的检查点数（最新的在前）"))
    def checkpoints():
        """Signed checkpoints of this service's audit chain head, newest first, and the public keys that verify
        them. Save this document: `jointinspect audit verify --checkpoints FILE` checks the chain against it."""
        return handle(ListCheckpoints(limit=_limit(request.args.get("limit"))))

    @api.get("/verification")
    @answers(200, AuditVerificationView)
    @require("admin")
    def verification():
        """Recompute the chain, every sealed business row and every stored checkpoint (may take a while)."""
        return handle(VerifyAuditChain()).as_dict()

    @pages.get("/checkpoints")
    def checkpoints_page():
        document = handle(ListCheckpoints(limit=PAGE_SIZE))
        return render_template("audit_checkpoints.html", service=service, document=document)

    return api, pages


def _limit(raw: str | None) -> int | None:
    """`?limit=`: absent means all; anything but a whole number in 1…100000 is refused (422), as documented."""
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= 100000):
        raise Invalid("查询参数无效", fields={"limit": ["应为 1 到 100000 之间的整数"]})
    return int(raw)
