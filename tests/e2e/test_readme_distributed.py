"""Issue 14: a new operator deploys from the README alone. The README's "Running distributed" block runs exactly as
printed on this machine's RabbitMQ, PostgreSQL and nginx — substituting only the ports, a fresh database-name
prefix and vhost, and the two paths outside the project (the var directory, nginx's conf.d file) — and the result
works through the one origin: accounts log in, the department token the block issued submits a task, the demo
data is visible, and that token reaches the other services through the workers.

`sudo`, `systemctl` and `nginx` are small shims here: the test runs as root without sudo, and runs a private nginx
(its own prefix, pid and port) instead of touching the machine's."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse

import pytest

from shared.config import PROJECT_ROOT, SERVICES
from tests.conftest import PG_ADMIN_URL, RUN_ID, free_port, wait_for
from tests.flow import UrlHttp

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

NEEDED = ("nginx", "envsubst", "curl", "psql", "rabbitmqctl", "runuser")


def readme_block() -> str:
    section = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split("## Running distributed", 1)[1]
    section = section.split("\n## ", 1)[0]
    blocks = section.split("```bash")
    assert len(blocks) == 3, "the section has the install block and the one block this test runs"
    return blocks[2].split("```", 1)[0]


def test_the_install_block_names_everything_the_run_block_uses():
    """The block below runs here on tools already installed; the install block must be what brings them."""
    install = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split("## Running distributed", 1)[1]
    install = install.split("```bash", 1)[1].split("```", 1)[0]
    for package in ("postgresql", "rabbitmq-server", "nginx", "gettext-base", "curl", "python3-venv"):
        assert package in install, package
    assert "pip install -e ." in install
    block = readme_block()
    for step in ("jointinspect migrate", "jointinspect accounts create", "jointinspect departments token",
                 "jointinspect demo seed", "audit keygen", "readyz", "scripts/nginx.conf.template"):
        assert step in block, step


def _substituted(block: str, ports: list[int], prefix: str, vhost: str, var_dir, conf) -> str:
    replaced = re.sub(r"\b800([0-4])\b", lambda m: str(ports[int(m.group(1))]), block)
    for old, new in (("add_vhost jointinspect", f"add_vhost {vhost}"),
                     ("set_permissions -p jointinspect", f"set_permissions -p {vhost}"),
                     ("5672/jointinspect", f"5672/{vhost}"), ("5432/jointinspect", f"5432/{prefix}"),
                     ("/var/lib/jointinspect", str(var_dir)), ("/etc/nginx/conf.d/jointinspect.conf", str(conf))):
        assert old in replaced, old
        replaced = replaced.replace(old, new)
    return replaced


def _shims(folder, nginx_dir) -> None:
    """sudo → run as is (or as `-u user`); systemctl → absent; nginx → a private instance including our conf."""
    real_nginx = shutil.which("nginx")
    (nginx_dir / "logs").mkdir(parents=True)
    (nginx_dir / "nginx.conf").write_text(f"""
pid {nginx_dir}/nginx.pid;
error_log {nginx_dir}/logs/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {nginx_dir}/logs/access.log;
    client_body_temp_path {nginx_dir}/body; proxy_temp_path {nginx_dir}/proxy; fastcgi_temp_path {nginx_dir}/fcgi;
    uwsgi_temp_path {nginx_dir}/uwsgi; scgi_temp_path {nginx_dir}/scgi;
    include {nginx_dir}/jointinspect.conf;
}}
""", encoding="utf-8")
    scripts = {
        "sudo": '#!/bin/sh\nif [ "$1" = "-u" ]; then u="$2"; shift 2; exec runuser -u "$u" -- "$@"; fi\nexec "$@"\n',
        "systemctl": "#!/bin/sh\nexit 1\n",
        "nginx": f'#!/bin/sh\nexec {real_nginx} -p {nginx_dir}/ -c {nginx_dir}/nginx.conf '
                 f'-e {nginx_dir}/logs/error.log "$@"\n'}
    folder.mkdir()
    for name, text in scripts.items():
        (folder / name).write_text(text, encoding="ascii")
        (folder / name).chmod(0o755)


@pytest.fixture
def deployed(tmp_path):
    missing = [tool for tool in NEEDED if not shutil.which(tool)]
    if missing or os.geteuid() != 0:
        pytest.skip(f"needs root and {', '.join(missing) or 'these tools'} on this machine")
    if urllib.parse.urlsplit(PG_ADMIN_URL).hostname not in ("127.0.0.1", "localhost"):
        pytest.skip("the README sets PostgreSQL up on this machine (sudo -u postgres psql)")
    ports = [free_port() for _ in range(5)]
    prefix, vhost = f"{RUN_ID}_readme", f"{RUN_ID}_readme"
    var_dir, nginx_dir = tmp_path / "var", tmp_path / "nginx"
    _shims(tmp_path / "bin", nginx_dir)
    script = _substituted(readme_block(), ports, prefix, vhost, var_dir, nginx_dir / "jointinspect.conf")
    script += ('\necho "::OPS::$OPS_PASSWORD"\necho "::TOKEN::$SCJG_TOKEN"\n'
               'jointinspect demo-info --json > "$JOINTINSPECT_VAR/demo-info.json"\n')
    env = {k: v for k, v in os.environ.items()
           if k not in ("AMQP_URL", "DATABASE_URL", "PUBLIC_BASE_URL", "SECRET_KEY", "AUDIT_SIGNING_KEY",
                        "JOINTINSPECT_VAR", "TRUSTED_PROXIES") and not k.endswith("_DATABASE_URL")}
    env.update(PATH=f"{tmp_path / 'bin'}:{env['PATH']}", LOG_LEVEL="WARNING")
    output = tmp_path / "block.log"
    with open(output, "wb") as out:  # a file, not a pipe: the background servers must not hold our reader open
        shell = subprocess.Popen(["bash", "-euo", "pipefail", "-c", script], cwd=PROJECT_ROOT, env=env,
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        code = shell.wait(timeout=600)
        text = output.read_text(encoding="utf-8", errors="replace")
        logs = "".join(f"\n--- {p.name}\n" + p.read_text(errors="replace")[-1500:]
                       for p in sorted((var_dir / "log").glob("*.log"))) if (var_dir / "log").exists() else ""
        assert code == 0, text[-4000:] + logs
        found = dict(re.findall(r"^::(\w+)::(.*)$", text, flags=re.M))
        info = json.loads((var_dir / "demo-info.json").read_text(encoding="utf-8"))
        yield {"base": f"http://127.0.0.1:{ports[0]}", "ops_password": found["OPS"], "token": found["TOKEN"],
               "info": info, "output": text}
    finally:
        subprocess.run([shutil.which("nginx", path=str(tmp_path / "bin")), "-s", "quit"], capture_output=True,
                       timeout=30)
        try:
            os.killpg(shell.pid, signal.SIGTERM)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                os.killpg(shell.pid, 0)
                time.sleep(0.2)
            os.killpg(shell.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True, timeout=60)
        import psycopg
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            for name in SERVICES:
                conn.execute(f'DROP DATABASE IF EXISTS "{prefix}_{name}" WITH (FORCE)')


def test_the_readme_distributed_block_deploys_a_working_system_behind_one_origin(deployed):
    base = deployed["base"]
    http = UrlHttp({name: base for name in SERVICES})  # every service through the one origin
    assert "ops01 的初始密码" in deployed["output"]
    # the account the block created logs in (draw), and its token is honoured by another service's process
    status, login = http.call("POST", "/draw/api/v1/auth/login",
                              body={"username": "ops01", "password": deployed["ops_password"]})
    assert status == 200, login
    assert http.call("GET", "/intake/api/v1/rejections", login["token"])[0] == 200
    assert http.call("POST", "/draw/api/v1/auth/login",
                     body={"username": "ops01", "password": "wrong-password"})[0] == 401
    # the demo data is there: the catalog, the demo's logins, its open plan
    status, items = http.call("GET", "/intake/api/v1/items")
    assert status == 200 and {"SCJG-01", "STHJ-01"} <= {item["code"] for item in items["items"]}
    clerk = deployed["info"]["clerk"]
    assert http.call("POST", "/draw/api/v1/auth/login", body=clerk)[0] == 200
    # the department token printed by `departments token SCJG` submits a task to the demo's open plan …
    company = {"uscc": "91440300708461136T", "name": "青岛示例化工有限公司"}
    status, task = http.call("POST", "/intake/api/v1/joint-tasks", deployed["token"], {
        "plan_id": deployed["info"]["open_plan"], "external_id": "README-DIST-1", "company": company,
        "items": ["SCJG-01"]})
    assert status in (200, 201, 202) and task["status"] == "accepted", task
    # demo-info shows that token (the demo's first one was revoked), and the demo's other tokens work as seeded
    tokens = {d["code"]: d["token"] for d in deployed["info"]["departments"]}
    assert tokens["SCJG"] == deployed["token"]
    status, task = http.call("POST", "/intake/api/v1/joint-tasks", tokens["STHJ"], {
        "plan_id": deployed["info"]["open_plan"], "external_id": "README-DIST-2", "company": company,
        "items": ["STHJ-09"]})
    assert status in (200, 201, 202) and task["status"] == "accepted", task
    # and reaches results through intake's outbox and the workers (department.token_rotated)
    wait_for(lambda: http.call("GET", "/results/api/v1/departments/SCJG/visits", deployed["token"])[0] == 200,
             timeout=60, interval=0.5, message="the new SCJG token accepted by results")
