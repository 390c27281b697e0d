"""results' answers as the OpenAPI document describes them (views.py builds them); documented, never used to
serialise. tests/integration/test_openapi_schemathesis.py holds the two together."""
from __future__ import annotations

from marshmallow import Schema, fields

from shared.openapi import items_of, maybe_text, text


class VoidMark(Schema):
    correction_id = text()
    voided_by = text()
    voided_at = text()


class ResultView(Schema):
    id = text()
    inspection_id = text()
    department = text()
    round = fields.Integer(required=True)
    status = text()
    category = maybe_text()
    visit_date = text()
    items = fields.List(fields.Dict(), required=True)
    company_confirmation = fields.Raw(allow_none=True)
    confirmation_id = maybe_text()
    submitted_by = maybe_text()
    submitted_at = maybe_text()
    publication_due = maybe_text()
    published_late = fields.Boolean(allow_none=True)
    void = fields.Nested(VoidMark, required=True, allow_none=True)


class SubmittedView(ResultView):
    """The (first) department's result, and every result the submission wrote."""
    results = fields.List(fields.Nested(ResultView), required=True)


class ConfirmationView(Schema):
    """S9: the company's signature, scan or refusal, once for the visit."""
    id = text()
    inspection_id = text()
    scope = maybe_text()
    name = fields.String(metadata={"description": "签字人"})
    confirmed_at = fields.String()
    scan = fields.String(metadata={"description": "签字确认扫描件的 SHA-256"})
    refused = fields.String(metadata={"description": "拒绝签字的理由"})
    recorded_by = text()
    recorded_at = text()


class ScheduleView(Schema):
    scheduled_at = text()
    local_time = maybe_text()
    version = fields.Integer(required=True)


class DepartmentState(Schema):
    department = text()
    name = maybe_text()
    lead = fields.Boolean(required=True)
    round = fields.Integer(required=True)
    status = text()
    status_label = text()
    status_class = text()
    due = text()
    result_id = maybe_text()
    category = maybe_text()


class ProgressView(Schema):
    inspection_id = text()
    company = fields.Dict(required=True)
    leader_id = maybe_text()
    complete = fields.Boolean(required=True)
    schedule = fields.Nested(ScheduleView, required=True, allow_none=True)
    confirmation = fields.Nested(ConfirmationView, required=True, allow_none=True)
    departments = fields.List(fields.Nested(DepartmentState), required=True)
    parts = fields.Raw(allow_none=True)


class DraftView(Schema):
    inspection_id = text()
    department = maybe_text()
    body = fields.Dict(required=True)
    saved_at = maybe_text()


class EvidenceView(Schema):
    sha256 = text()
    content_type = text()
    size = fields.Integer(required=True)
    filename = maybe_text()
    url = text()


class CorrectionView(Schema):
    id = text()
    result_id = text()
    inspection_id = text()
    department = text()
    reason = text()
    application_scan = maybe_text()
    requested_by = text()
    requested_at = text()
    status = text()
    decided_by = maybe_text()
    decided_at = maybe_text()
    decision_note = maybe_text()
    detachment_by = maybe_text()
    detachment_at = maybe_text()
    detachment_note = maybe_text()


class ProgressEntry(Schema):
    note = text()
    delay_reason = maybe_text()
    completed = fields.Boolean(required=True)
    evidence = fields.List(fields.String(), required=True)
    recorded_by = text()
    recorded_at = text()


class RectificationView(Schema):
    squadron = maybe_text()
    id = text()
    inspection_id = text()
    result_id = text()
    department = text()
    item_code = text()
    item_name = maybe_text()
    company = fields.Raw(required=True)
    problem = maybe_text()
    deadline = text()
    status = text()
    overdue = fields.Boolean(required=True)
    completed_at = maybe_text()
    progress = fields.List(fields.Nested(ProgressEntry), required=True)


class PublicResult(Schema):
    """N8: what the public sees of a published result (views_public.public_view)."""
    company = fields.Dict(required=True)
    plan = fields.Dict(required=True)
    department = fields.Dict(required=True)
    visit_date = text()
    category = maybe_text()
    items = fields.List(fields.Dict(), required=True)
    rectification = fields.Dict(required=True)
    summary = maybe_text()
    published_at = text()


class PublicVisit(Schema):
    """N8: a visit after its fixed time (views_public.public_visit_view)."""
    company = fields.Dict(required=True)
    plan = fields.Dict(required=True)
    visit_date = text()
    departments = fields.List(fields.Dict(), required=True)


class PublicVisits(Schema):
    items = fields.List(fields.Nested(PublicVisit), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class SummaryVersion(Schema):
    version = fields.Integer(required=True)
    text_ = text(data_key="text")  # not `text`: that would hide the field maker for the lines below
    written_by = text()
    written_at = text()
    released_by = maybe_text()
    released_at = maybe_text()


class SummaryView(Schema):
    """The approver's view of a result's public summary (views_public.summary_view)."""
    result_id = text()
    inspection_id = text()
    department = text()
    versions = fields.List(fields.Nested(SummaryVersion), required=True)
    latest_version = fields.Integer(required=True, allow_none=True)
    released_version = fields.Integer(required=True, allow_none=True)
    public_text = maybe_text()
    preview = maybe_text()


class PublicResults(Schema):
    items = fields.List(fields.Nested(PublicResult), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class ReportView(Schema):
    """A monthly (S11) or quarterly (S15) report as JSON; its rows depend on the kind."""
    kind = text()
    period = text()
    label = text()
    start = text()
    end = text()
    due_on = text()
    as_of = text()
    rows = fields.List(fields.Dict(), required=True)
    totals = fields.Dict(required=True)
    not_completed = fields.List(fields.Raw(), required=True)


class DepartmentVisit(Schema):
    inspection_id = text()
    company = fields.Dict(required=True)
    plan = fields.Raw(required=True)
    window = fields.Dict(required=True)
    schedule = fields.Nested(ScheduleView, required=True, allow_none=True)
    time = text()
    department = fields.Dict(required=True)
    status = text()
    status_label = text()
    status_class = text()
    team = fields.List(fields.Dict(), required=True)
    departments = fields.List(fields.Nested(DepartmentState), required=True)
    complete = fields.Boolean(required=True)
    results = fields.List(fields.Nested(ResultView), required=True)
    rectifications = fields.List(fields.Nested(RectificationView), required=True)
    letters_url = text()


class DepartmentVisits(Schema):
    items = fields.List(fields.Nested(DepartmentVisit), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


RESULTS, CORRECTIONS = items_of(ResultView), items_of(CorrectionView)
RECTIFICATIONS = items_of(RectificationView)
