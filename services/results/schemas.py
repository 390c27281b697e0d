"""results' request shapes."""
from marshmallow import validate

from shared.schemas import BaseSchema, Date, List, Nested, String, length, one_of

from .domain.categories import CHECK_METHODS, ITEM_OUTCOMES, VISIT_CATEGORIES


class ItemResultSchema(BaseSchema):
    item_code = String(required=True, validate=length(min=1, max=40))
    outcome = String(required=True, validate=one_of(ITEM_OUTCOMES))
    method = String(load_default="实地检查", validate=one_of(CHECK_METHODS))
    findings = String(load_default="", validate=length(max=4000))
    measures = String(load_default="", validate=length(max=2000))


class ConfirmationSchema(BaseSchema):
    name = String(required=True, validate=length(min=1, max=100))
    confirmed_at = String(required=True, validate=length(min=1, max=40))


class ResultSchema(BaseSchema):
    visit_date = Date(required=True)
    category = String(required=True, validate=one_of(VISIT_CATEGORIES))
    items = List(Nested(ItemResultSchema), required=True,
                 validate=validate.Length(min=1, error="至少应填写一项检查结果"))
    company_confirmation = Nested(ConfirmationSchema, load_default=None, allow_none=True)
