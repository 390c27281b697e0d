"""Alembic environment for results: its own metadata, its own database."""
from services.results.adapters.db import Base
from shared.migrations import run_env

run_env(Base.metadata)
