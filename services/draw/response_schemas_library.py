"""draw's library and target-library answers as the OpenAPI document describes them (views.py builds them);
documented, never used to serialise. tests/integration/test_openapi_schemathesis.py holds the two together."""
from __future__ import annotations

from marshmallow import Schema, fields

from shared.openapi import either, items_of, maybe_text, text


class PeriodView(Schema):
    id = fields.Raw(required=True)
    inspector_id = text()
    kind = text()
    start = text()
    end = text()


class InterestView(Schema):
    id = fields.Raw(required=True)
    inspector_id = text()
    company_uscc = text()


class RecusalView(Schema):
    id = text()
    company_uscc = text()
    company_name = text()
    inspector_id = text()
    inspection_id = maybe_text()
    reason = text()
    status = text()
    due_on = text()
    decided_by = maybe_text()
    decision_reason = maybe_text()


class FilingView(Schema):
    kind = text()
    period = text()
    due_on = text()
    late = fields.Boolean(required=True)
    filed_at = text()
    count = fields.Integer(allow_none=True)


class ImportRow(Schema):
    action = text(metadata={"description": "create / change / unchanged / error"})


class ImportReport(Schema):
    """Each row of the uploaded sheet, previewed or written; 422 when any row fails (nothing is written then)."""
    dry_run = fields.Boolean(required=True)
    rows = fields.List(fields.Nested(ImportRow), required=True)
    errors = fields.Integer(required=True)


class QuarterChanges(Schema):
    period = text()
    due_on = text()
    changes = fields.List(fields.Dict(), required=True)


class TargetView(Schema):
    uscc = text()
    name = text()
    address = maybe_text()
    unit_class = text()
    credit_class = maybe_text()
    active = fields.Boolean(required=True)
    library = text()


class TargetsChanged(Schema):
    changed = fields.Raw(required=True)


class LibraryImport(Schema):
    library = text()
    valid_rows = fields.Integer(required=True)
    problems = fields.List(fields.Raw(), required=True)
    imported = fields.Integer(required=True)


class TargetDrawView(Schema):
    id = text()
    plan_id = text()
    period = text()
    library = text()
    rules = fields.Raw(required=True)
    on_duty_officers = fields.Raw(allow_none=True)
    strata = fields.Raw(required=True)
    target_count = fields.Integer(required=True)
    disclosed = fields.Boolean(required=True)
    status = fields.String(required=True, metadata={"description": "waiting_for_randomness / drawn (issue 13)"})
    targets = fields.Raw()  # the drawn companies: staff, or everyone once every one was visited (N4)
    operator = fields.String()
    created_at = text()


class MatchingView(Schema):
    """Sealed before the visit's time for the public (N4): no visit, officers or reason."""
    matched_at = text()
    method = text()
    inspector_count = fields.Integer(required=True)
    disclosed = fields.Boolean(required=True)
    inspection_id = fields.String()
    inspector_ids = fields.List(fields.String())
    reason = fields.String()
    matched_by = fields.String()


RECUSALS, FILINGS = items_of(RecusalView), items_of(FilingView)
TARGETS, MATCHINGS = items_of(TargetView), items_of(MatchingView)
IMPORT_REFUSED = either("ErrorEnvelope", "ImportReport")
LIBRARY_REFUSED = either("ErrorEnvelope", "LibraryImport")
