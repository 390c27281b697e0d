"""draw's answers as the OpenAPI document describes them (views.py and the public record build them); documented,
never used to serialise. tests/integration/test_openapi_schemathesis.py holds the two together."""
from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields

from shared.openapi import ErrorDetail, items_of, maybe_text, page_of, text


class DrawRecord(Schema):
    """The draw record (N4, design §4 ⚑, domain/disclosure.py). Before the visit's fixed time the public sees the
    sealed form (`disclosed: false`: commitment, plan, time, counts, algorithm, per-draw labels; no company, no
    officer); from then on, and to staff, the team and the drawn department, the full form (`disclosed: true`),
    which carries every column of the record."""
    id = text()
    disclosed = fields.Boolean(required=True)
    subject_kind = fields.String()
    subject_id = fields.String()
    purpose = fields.String()
    department = fields.String(allow_none=True)
    algorithm = text()
    count = fields.Integer(required=True)
    pool_size = fields.Integer(required=True)
    excluded_count = fields.Integer(required=True)
    created_at = text()
    plan = fields.Dict(required=True, allow_none=True)
    visit = fields.Raw(required=True, allow_none=True)
    commitment = fields.Dict(required=True, allow_none=True)
    randomness = fields.Raw(allow_none=True)
    selected_labels = fields.List(fields.String(), metadata={"description": "密封记录：本次抽取的人员代号"})
    sources = fields.Raw(metadata={"description": "完整记录起"})
    key = fields.String(allow_none=True)
    pool = fields.List(fields.String())
    pool_hash = fields.String(allow_none=True)
    excluded = fields.List(fields.Dict())
    selected = fields.List(fields.String())
    operator = fields.String()
    inspectors = fields.List(fields.Raw())
    company = fields.Raw(allow_none=True)

    class Meta:
        unknown = INCLUDE  # the full form carries every column of the record


class Verification(Schema):
    draw_id = text()
    verified = fields.Boolean(required=True)
    problems = fields.List(fields.Raw(), required=True)
    disclosed = fields.Boolean(required=True)
    message = text()


class CommitmentView(Schema):
    """Phase one of a draw (issue 13): the seed's hash, then the pool frozen right after (size and hash only)."""
    id = fields.Raw(required=True)
    seed_hash = text()
    committed_at = text()
    used_by = fields.Raw(allow_none=True)
    seed = fields.Raw(allow_none=True)
    subject_kind = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)
    department = fields.String(allow_none=True)
    algorithm = fields.String(allow_none=True)
    count = fields.Integer(allow_none=True)
    pool_size = fields.Integer(allow_none=True)
    pool_hash = fields.String(allow_none=True)
    pool_frozen_at = fields.String(allow_none=True)
    status = fields.String(allow_none=True, metadata={"description": "waiting_for_randomness / drawn"})


class PendingPart(Schema):
    """A department part of a visit whose officers are missing, and what would unblock it."""
    inspection_id = text()
    department = text()
    department_name = maybe_text()
    staffing = text()
    staffing_label = text()
    status = text()
    reason = text()
    since = text()
    naming_due = maybe_text()
    overdue = fields.Boolean(required=True)
    company = fields.Dict(required=True)
    window = fields.Dict(required=True)
    retry = fields.Boolean(required=True)


class SignedIn(Schema):
    token = text()
    role = text()
    name = maybe_text()
    subject = text()


class InspectorView(Schema):
    id = text()
    name = text()
    unit = text()
    department = maybe_text()
    certificate_no = text()
    certificate_issuer = maybe_text()
    certificate_expiry = maybe_text()
    on_duty = fields.Boolean(required=True)
    established = fields.Boolean(required=True)
    jurisdiction = maybe_text()
    expertise = fields.List(fields.String(), required=True)
    phone = fields.String(allow_none=True, metadata={"description": "仅工作人员可见"})


class DrawMade(Schema):
    id = text()
    subject_kind = text()
    purpose = text()
    department = maybe_text()


class RandomnessEntry(Schema):
    """A public randomness entry (issue 13) and how many draws it made."""
    id = fields.Raw(required=True)
    numbers = fields.List(fields.Integer(), required=True)
    source = text()
    issue = text()
    drawn_at = maybe_text()
    entered_at = text()
    draws = fields.Integer(required=True)


class RandomnessEntered(Schema):
    """A public randomness entry (issue 13) and the draws it made."""
    id = fields.Raw(required=True)
    numbers = fields.List(fields.Integer(), required=True)
    source = text()
    issue = text()
    drawn_at = text()
    entered_at = text()
    draws = fields.List(fields.Nested(DrawMade), required=True)


class PartView(Schema):
    department = text()
    department_name = maybe_text()
    lead = fields.Boolean(required=True)
    staffing = text()
    status = text()
    status_label = text()
    reason = maybe_text()
    via = maybe_text()
    draw_id = maybe_text()
    inspector_ids = fields.List(fields.String(), required=True)
    naming_due = maybe_text()


class TeamParts(Schema):
    inspection_id = text()
    parts = fields.List(fields.Nested(PartView), required=True)


class ReplacementView(Schema):
    id = text()
    inspection_id = text()
    draw_id = text()
    inspector_id = text()
    reason = text()
    text_ = text(data_key="text")
    status = text()
    requested_by = text()
    requested_at = text()
    decided_by = maybe_text()
    replacement_inspector_id = maybe_text()
    decision_text = maybe_text()


class Candidates(Schema):
    replacement = fields.Nested(ReplacementView, required=True)
    candidates = fields.List(fields.Nested(InspectorView), required=True)
    excluded = fields.Raw(required=True)


class ScheduleView(Schema):
    inspection_id = text()
    plan = fields.Raw(allow_none=True)
    company = fields.Raw(allow_none=True)
    window = fields.Dict(required=True)
    departments = fields.Raw(allow_none=True)
    leader_id = maybe_text()
    inspectors = fields.Raw(allow_none=True)
    scheduled_at = maybe_text()
    local_time = maybe_text()
    version = fields.Integer(required=True, allow_none=True)
    scheduled_by = maybe_text()
    history = fields.Raw(allow_none=True)
    status = text()


DRAWS = page_of(DrawRecord, "per_page")
COMMITMENTS, PENDING_PARTS = items_of(CommitmentView), items_of(PendingPart)
INSPECTORS, REPLACEMENTS, SCHEDULES = items_of(InspectorView), items_of(ReplacementView), items_of(ScheduleView)
RANDOMNESS_ENTRIES = items_of(RandomnessEntry)


class _BatchItem(Schema):
    """One item of a batch (issue #15): `ok` with what the single endpoint answers, or its refusal in the one error
    format's inner shape."""
    inspection_id = text()
    ok = fields.Boolean(required=True)
    error = fields.Nested(ErrorDetail, metadata={"description": "ok 为 false 时：该项未通过的原因"})


class ScheduleBatchItem(_BatchItem):
    schedule = fields.Nested(ScheduleView, metadata={"description": "ok 为 true 时：该检查的安排"})


class NamingBatchItem(_BatchItem):
    part = fields.Nested(PartView, metadata={"description": "ok 为 true 时：本部门在该检查中的人员"})


def _batch_of(item) -> type[Schema]:
    return Schema.from_dict({"items": fields.List(fields.Nested(item), required=True),
                             "applied": fields.Integer(required=True), "refused": fields.Integer(required=True)},
                            name=f"{item.__name__.removesuffix('Item')}Answer")


SCHEDULE_BATCH, NAMING_BATCH = _batch_of(ScheduleBatchItem), _batch_of(NamingBatchItem)
