"""Alembic environment for letters: its own metadata, its own database."""
from services.letters.adapters.db import Base
from shared.migrations import run_env

run_env(Base.metadata)
