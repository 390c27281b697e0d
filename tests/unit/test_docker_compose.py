"""No Docker engine runs here, so the compose file is checked against the code: every command it runs is a
real `jointinspect` command and every variable it sets is one the code reads."""
from __future__ import annotations

import pytest
import yaml

from services.cli.parser import build_parser as _parser
from shared.config import PROJECT_ROOT, SERVICES, VARIABLES

pytestmark = pytest.mark.unit
COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
APP_SERVICES = {name: spec for name, spec in COMPOSE["services"].items()
                if name not in ("rabbitmq", "postgres", "proxy")}


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


def test_workers_have_health_checks_on_their_probe_port():
    """Issue 14: a worker has no web app; its probe server (shared/health.py) listens on WORKER_HEALTH_PORT, on an
    address a check inside the container reaches, and the check asks its /readyz on that port."""
    from shared.config import load_settings
    for service in SERVICES:
        spec = APP_SERVICES[f"{service}-worker"]
        settings = load_settings(service, env={k: str(v) for k, v in spec["environment"].items()})
        assert settings.worker_health_port > 0 and settings.worker_health_bind in ("0.0.0.0", "127.0.0.1")
        check = " ".join(spec["healthcheck"]["test"])
        assert "readyz" in check and "WORKER_HEALTH_PORT" in check
        assert spec["healthcheck"]["retries"] >= 1 and spec["healthcheck"]["interval"]


def test_infrastructure_services_are_healthchecked_and_awaited():
    assert "management" in COMPOSE["services"]["rabbitmq"]["image"]
    for name, spec in APP_SERVICES.items():
        assert spec["depends_on"]["rabbitmq"]["condition"] == "service_healthy", name
        assert spec["depends_on"]["postgres"]["condition"] == "service_healthy", name


def test_one_origin_serves_every_service_at_the_public_base_url():
    """Issue 14: only the proxy publishes an HTTP port, it routes each service's prefix to that service's web
    process, and PUBLIC_BASE_URL (where letters' QR codes point) defaults to that port; the services trust it."""
    import re
    proxy = COMPOSE["services"]["proxy"]
    assert [port.split(":")[0] for port in proxy["ports"]] == [proxy["environment"]["LISTEN_PORT"]] == ["8000"]
    assert not [name for name, spec in APP_SERVICES.items() if spec.get("ports")], "only the proxy is published"
    mounted = dict(v.split(":")[:2] for v in proxy["volumes"])
    assert mounted["./scripts/nginx.conf.template"].startswith("/etc/nginx/templates/")  # the image's envsubst
    template = (PROJECT_ROOT / "scripts" / "nginx.conf.template").read_text(encoding="utf-8")
    routes = dict(re.findall(r"location /(\w+)/\s*{\s*proxy_pass http://\$\{(\w+)\};", template))
    assert routes == {s: f"{s.upper()}_ADDR" for s in SERVICES}
    for service in SERVICES:
        assert proxy["environment"][f"{service.upper()}_ADDR"] == f"{service}-web:8000"
        assert proxy["depends_on"][f"{service}-web"]["condition"] == "service_healthy"
        assert APP_SERVICES[f"{service}-web"]["command"][-1] == "0.0.0.0:8000"
    env = APP_SERVICES["intake-web"]["environment"]
    assert env["PUBLIC_BASE_URL"].endswith(":8000}") and env["TRUSTED_PROXIES"] == "1"


def test_every_long_running_process_restarts():
    for name, spec in COMPOSE["services"].items():
        assert spec.get("restart") == "unless-stopped", name
