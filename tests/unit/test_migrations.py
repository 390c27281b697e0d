"""Each service's Alembic history builds exactly its models' schema, and can go down and up again."""
from __future__ import annotations

import pytest
from alembic import command

from shared.config import SERVICES
from shared.migrations import alembic_config, upgrade

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models_on_sqlite(service, tmp_path):
    url = f"sqlite:///{tmp_path / service}.db"
    upgrade(service, url)
    command.check(alembic_config(service, url))  # raises if the models and the migrations disagree
    command.downgrade(alembic_config(service, url), "base")
    upgrade(service, url)


@pytest.mark.integration
@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models_on_postgresql(service, pg_base_url):
    from tests.conftest import pg_url
    url = pg_url(pg_base_url(f"mig_{service}"))
    upgrade(service, url)
    command.check(alembic_config(service, url))
