"""letters' answers as the OpenAPI document describes them (views.py builds them); documented, never used to
serialise. tests/integration/test_openapi_schemathesis.py holds the two together."""
from __future__ import annotations

from marshmallow import Schema, fields

from shared.openapi import items_of, maybe_text, text


class DocumentItem(Schema):
    id = text()
    kind = text()
    number = maybe_text()
    version = fields.Integer(required=True)
    status = text()
    verification_code = maybe_text()
    issuer = fields.Raw(required=True)
    issuer_code = maybe_text()
    scheduled_at = maybe_text()
    visit_time = text()
    revoked_reason = maybe_text()
    created_at = text()
    pdf_url = text()


class VisitView(Schema):
    """Where a visit stands for its letters: 待定检查时间 until the time is fixed."""
    status = text(metadata={"description": "awaiting_team / awaiting_time / scheduled"})
    label = text()
    scheduled_at = maybe_text()
    local_time = maybe_text()
    version = fields.Integer(required=True, allow_none=True)


class Documents(Schema):
    items = fields.List(fields.Nested(DocumentItem), required=True)
    visit = fields.Nested(VisitView, required=True)


class VerificationView(Schema):
    """⚑ What anyone may learn from a verification code."""
    genuine = fields.Boolean(required=True)
    current = fields.Boolean(required=True)
    status = text()
    number = maybe_text()
    kind = text()
    issuer = fields.Raw(required=True)
    issued_on = maybe_text()
    company = fields.Dict(required=True)
    window = fields.Dict(required=True)
    visit_time = text()
    scheduled_at = maybe_text()
    revoked_reason = maybe_text()
    inspectors = fields.List(fields.Dict(), required=True)


class FailureItem(Schema):
    inspection_id = text()
    reason = text()
    since = text()


class Retried(Schema):
    inspection_id = text()
    issued = fields.Raw(required=True)


class SealView(Schema):
    sha256 = text()
    issuer_code = maybe_text()
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    uploaded_by = text()
    uploaded_at = text()
    image_url = text()


FAILURES = items_of(FailureItem)
