"""Alembic environment for draw: its own metadata, its own database."""
from services.draw.adapters.db import Base
from shared.migrations import run_env

run_env(Base.metadata)
