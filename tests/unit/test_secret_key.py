"""Issue 13: there is no fixed SECRET_KEY any more. Whatever signs or checks login tokens refuses to start without a
real one (`serve`, `worker`, every service app), with a Chinese message; the embedded demo makes its own, once."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from shared.config import PROJECT_ROOT, SettingsError, load_settings, require_secret_key

pytestmark = pytest.mark.unit
OLD_DEFAULT = "dev-only-secret-change-me"  # what an unset SECRET_KEY used to mean


def cli(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "AMQP_URL", "DATABASE_URL")}
    clean.update(JOINTINSPECT_VAR=str(tmp_path / "var"), **env)
    return subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=PROJECT_ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def test_settings_without_a_secret_key_have_none_to_fall_back_on(tmp_path):
    settings = load_settings("draw", {"JOINTINSPECT_VAR": str(tmp_path)})
    assert settings.secret_key == ""
    with pytest.raises(SettingsError, match="未设置 SECRET_KEY"):
        require_secret_key(settings)


def test_the_old_public_default_is_refused_as_a_key(tmp_path):
    settings = load_settings("draw", {"JOINTINSPECT_VAR": str(tmp_path), "SECRET_KEY": OLD_DEFAULT})
    with pytest.raises(SettingsError, match="公开的示例值"):
        require_secret_key(settings)


@pytest.mark.parametrize("command", [("serve", "draw"), ("worker", "results")])
def test_serve_and_worker_refuse_to_start_without_a_secret_key(tmp_path, command):
    done = cli(tmp_path, *command)
    assert done.returncode != 0
    assert "未设置 SECRET_KEY" in done.stderr and "请设置环境变量" in done.stderr
    assert not (tmp_path / "var" / "draw.db").exists()  # refused before touching anything


def test_no_service_app_is_built_without_a_secret_key(tmp_path):
    from services import registry
    settings = load_settings("letters", {"JOINTINSPECT_VAR": str(tmp_path)})
    with pytest.raises(SettingsError):
        registry.build("letters", settings)


def test_the_demo_makes_its_key_once_readable_by_its_owner_only(tmp_path):
    from services.cli.demo_commands import demo_secret_key
    first = demo_secret_key(tmp_path / "var")
    assert len(first) >= 40 and first != OLD_DEFAULT
    assert stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode) == 0o600
    assert demo_secret_key(tmp_path / "var") == first
    assert demo_secret_key(tmp_path / "other") != first
