"""Alembic environment for intake: its own metadata, its own database."""
from services.intake.adapters.db import Base
from shared.migrations import run_env

run_env(Base.metadata)
