"""draw's request shapes."""
from shared.schemas import BaseSchema, String, length


class LoginSchema(BaseSchema):
    username = String(required=True, validate=length(min=1, max=60))
    password = String(required=True, validate=length(min=1, max=200))
