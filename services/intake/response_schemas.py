"""intake's answers as the OpenAPI document describes them (views.py, views_partners.py build them); documented,
never used to serialise. tests/integration/test_openapi_schemathesis.py holds the two together."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.openapi import ErrorDetail, items_of, maybe_text, page_of, text


class TaskView(Schema):
    task_id = text()
    inspection_id = maybe_text()
    plan_id = text()
    department = text()
    external_id = text()
    items = fields.List(fields.String(), required=True)
    status = text()
    channel = text()
    created_at = text()


class BatchResult(Schema):
    index = fields.Integer(required=True)
    status = fields.Integer(required=True)
    external_id = fields.String()
    task = fields.Nested(TaskView)
    error = fields.Nested(ErrorDetail)


class BatchView(Schema):
    accepted = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    results = fields.List(fields.Nested(BatchResult), required=True)


class RejectionView(Schema):
    id = text()
    department = maybe_text()
    plan_id = maybe_text()
    external_id = maybe_text()
    channel = text()
    code = text()
    message = text()
    fields_ = fields.Dict(required=True, data_key="fields")
    created_at = text()
    resolved_task_id = maybe_text()
    resolution_reason = maybe_text()


class DispatchProgressView(Schema):
    """Visits of the plan dispatched so far, of those to dispatch (withdrawn visits not counted)."""
    dispatched = fields.Integer(required=True)
    total = fields.Integer(required=True)


class PlanView(Schema):
    id = text()
    number = text()
    name = text()
    module = text()
    lead_department = text()
    partners = fields.List(fields.String(), required=True)
    period_start = text()
    period_end = text()
    intake_deadline = text()
    status = text()
    dispatched_at = maybe_text()
    progress = fields.Nested(DispatchProgressView)  # the plan's own GET only (issue 15)


class Dispatched(Schema):
    """`dispatched`: the visits this request sent; `progress`: the whole plan (the rest follows in the background
    while `status` is `dispatching`)."""
    plan_id = text()
    dispatched = fields.List(fields.String(), required=True)
    status = fields.String(required=True, validate=validate.OneOf(("draft", "open", "dispatching", "dispatched")))
    progress = fields.Nested(DispatchProgressView, required=True)


class InspectionView(Schema):
    """The visit as `inspection.ready` carries it, plus its status."""
    inspection_id = text()
    plan = fields.Dict(required=True)
    company = fields.Dict(required=True)
    window = fields.Dict(required=True)
    lead_department = text()
    departments = fields.List(fields.Dict(), required=True)
    status = text()


class PlanInspections(Schema):
    plan = fields.Nested(PlanView, required=True)
    items = fields.List(fields.Nested(InspectionView), required=True)


class ItemView(Schema):
    code = text()
    department = text()
    name = text()
    target = maybe_text()
    key_points = maybe_text()
    method = text()
    item_class = text(data_key="class")
    basis = text()
    version = fields.Integer(required=True)


class ItemPage(Schema):
    items = fields.List(fields.Nested(ItemView), required=True)
    total = fields.Integer(required=True)


class ItemVersionView(Schema):
    """An item's snapshot at that version (its stored columns), with who changed it, when and why."""
    code = text()
    department_code = text()
    name = text()
    target = maybe_text()
    key_points = maybe_text()
    method = text()
    item_class = text()
    basis = text()
    active = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    changed_by = text()
    reason = text()
    changed_at = text()


class DepartmentView(Schema):
    code = text()
    name = text()
    kind = maybe_text()
    contact = maybe_text()


class DepartmentToken(Schema):
    department = text()
    token = text()
    message = text()


class FeedPage(Schema):
    items = fields.List(fields.Dict(), required=True, metadata={"description": "CloudEvents，与推送的完全相同"})
    next = fields.Integer(required=True)


class WebhookView(Schema):
    id = text()
    url = text()
    created_at = text()


class AttemptView(Schema):
    at = text()
    status_code = fields.Integer(required=True, allow_none=True)
    error = maybe_text()
    latency_ms = fields.Integer(required=True, allow_none=True)


class DeliveryView(Schema):
    id = text()
    webhook_id = text()
    url = text()
    event_id = text()
    event_type = text()
    event_label = text()
    cursor = fields.Integer(required=True)
    status = text()
    attempts = fields.Integer(required=True)
    next_attempt_at = maybe_text()
    delivered_at = maybe_text()
    last_error = maybe_text()
    log = fields.List(fields.Nested(AttemptView), required=True)


class Redelivery(Schema):
    id = text()
    status = text()


TASKS, REJECTIONS, PLANS = TaskView, items_of(RejectionView), page_of(PlanView)
ITEM_VERSIONS, DEPARTMENTS = items_of(ItemVersionView), items_of(DepartmentView)
WEBHOOKS, DELIVERIES = items_of(WebhookView), items_of(DeliveryView)
