"""The one id scheme: random UUIDs as strings, for entities and events alike."""
import uuid


def new_id() -> str:
    return str(uuid.uuid4())
