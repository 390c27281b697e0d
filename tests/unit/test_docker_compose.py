"""No Docker engine runs here, so the compose file is checked against the code: every command it runs is a
real `jointinspect` command and every variable it sets is one the code reads."""
from __future__ import annotations

import pytest
import yaml

from services.cli.parser import build_parser as _parser
from shared.config import PROJECT_ROOT, SERVICES, VARIABLES

pytestmark = pytest.mark.unit
COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
APP_SERVICES = {name: spec for name, spec in COMPOSE["services"].items() if name not in ("rabbitmq", "postgres")}


def test_every_service_has_a_web_and_a_worker_process():
    for service in SERVICES:
        assert APP_SERVICES[f"{service}-web"]["command"][:3] == ["jointinspect", "serve", service]
        assert APP_SERVICES[f"{service}-worker"]["command"] == ["jointinspect", "worker", service]


def test_every_command_parses_with_the_real_cli():
    parser = _parser()
    for name, spec in APP_SERVICES.items():
        assert spec["command"][0] == "jointinspect", name
        parser.parse_args(spec["command"][1:])  # exits (fails the test) on an unknown command or option


def test_every_variable_is_read_by_the_settings():
    """One configuration (issue #10): a variable compose sets is one `load_settings` reads, or the health check's."""
    for name, spec in APP_SERVICES.items():
        health = str(spec.get("healthcheck", {}).get("test", ""))
        for variable in spec["environment"]:
            read = variable in VARIABLES or variable in ("DATABASE_URL", "JOINTINSPECT_VAR") \
                or variable.endswith("_DATABASE_URL")
            assert read or variable in health, f"{name}: {variable} is not read by the settings"


def test_web_processes_have_health_checks_on_their_readyz():
    for service in SERVICES:
        check = APP_SERVICES[f"{service}-web"]["healthcheck"]["test"]
        assert "readyz" in " ".join(check)
        assert APP_SERVICES[f"{service}-web"]["environment"]["SERVICE"] == service


def test_infrastructure_services_are_healthchecked_and_awaited():
    assert "management" in COMPOSE["services"]["rabbitmq"]["image"]
    for name, spec in APP_SERVICES.items():
        assert spec["depends_on"]["rabbitmq"]["condition"] == "service_healthy", name
        assert spec["depends_on"]["postgres"]["condition"] == "service_healthy", name
