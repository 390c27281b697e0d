"""Issue #10 "one configuration": the embedded system started with a non-default value for every variable in the
README's table shows each value taking effect — in the wiring, and for the figures with legal weight, in what the
system does (a draw of three, a letter under another 机关代字, deadlines of 15 working days and 2 months, …)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from shared.auth import Principal, issue_token
from shared.config import PROJECT_ROOT, VARIABLES, Settings, SettingsError, load_settings
from tests.flow import WsgiHttp, ok, run_joint_visit
from tests.support.outbox import emitted

pytestmark = pytest.mark.integration

DATABASE_VARIABLES = {"INTAKE_DATABASE_URL", "DRAW_DATABASE_URL", "LETTERS_DATABASE_URL", "RESULTS_DATABASE_URL",
                      "DATABASE_URL", "JOINTINSPECT_VAR"}


def readme_variables() -> set[str]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("## Configuration"):text.index("## Try it")]
    return {name for row in table.splitlines() if row.startswith("| `") for name in
            re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_the_readme_lists_every_variable_the_settings_read():
    assert readme_variables() == set(VARIABLES) | DATABASE_VARIABLES


@pytest.fixture
def custom(tmp_path):
    fonts = tmp_path / "fonts"
    fonts.symlink_to(PROJECT_ROOT / "var" / "fonts")  # the built fonts, under another name
    (tmp_path / "own").mkdir()
    return {
        "JOINTINSPECT_VAR": str(tmp_path / "var"),
        "INTAKE_DATABASE_URL": f"sqlite:///{tmp_path / 'own' / 'i.db'}",
        "DRAW_DATABASE_URL": f"sqlite:///{tmp_path / 'own' / 'd.db'}",
        "LETTERS_DATABASE_URL": f"sqlite:///{tmp_path / 'own' / 'l.db'}",
        "RESULTS_DATABASE_URL": f"sqlite:///{tmp_path / 'own' / 'r.db'}",
        "SECRET_KEY": "another-secret", "JOINTINSPECT_TZ": "Asia/Urumqi",
        "PUBLIC_BASE_URL": "https://jc.example.gov.cn/", "LOG_LEVEL": "WARNING", "PORT": "8123",
        "WEB_CONCURRENCY": "3", "DELIVERY_LIMIT": "7", "PREFETCH": "11", "RELAY_BATCH": "33",
        "INTAKE_DEADLINE_CHECK_SECONDS": "17", "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1", "WEBHOOK_SEND_SECONDS": "3",
        "AUDIT_CHECKPOINT_MINUTES": "9",
        "WEBHOOK_TIMEOUT_SECONDS": "4", "WEBHOOK_RETRY_BASE_SECONDS": "11", "WEBHOOK_RETRY_MAX_SECONDS": "600",
        "WEBHOOK_RETRY_HOURS": "30", "WEBHOOK_BATCH": "7", "WEBHOOK_LEASE_SECONDS": "90",
        "DRAW_DEPARTMENT": "STHJ", "DRAW_JURISDICTION": "370211",  # checked below with other values (no inspectors)
        "DRAW_TEAM_SIZE": "3", "DRAW_ALGORITHM": "md5", "DRAW_MAX_LOAD": "9",
        "DRAW_RECUSAL_DECISION_DAYS": "4", "DRAW_NAMING_DAYS": "5", "DRAW_VISIT_EARLIEST_HOUR": "8",
        "DRAW_VISIT_LATEST_HOUR": "18",
        "LETTERS_DEPARTMENT": "SCJG",  # the issuer settings then describe the lead of the test's visits
        "LETTERS_ISSUER_CODE": "青环测联函", "LETTERS_ISSUER_NAME": "青岛市生态环境局测试分局",
        "LETTERS_CONTACT_NAME": "执法科", "LETTERS_CONTACT_PHONE": "0532-12345678", "LETTER_FONT_DIR": str(fonts),
        "RESULTS_PUBLICATION_WORKING_DAYS": "15", "RESULTS_RECTIFICATION_MONTHS": "2",
        "REPORTS_MONTHLY_DUE_DAY": "7", "REPORTS_QUARTERLY_DUE_DAY": "12",
    }


@pytest.fixture
def custom_system(custom):
    from services.demo import seed_reference
    from services.embedded import EmbeddedSystem
    system = EmbeddedSystem(custom)
    system.reference = seed_reference(system, system.runtime("intake").clock.today_local())
    yield system
    system.close()


def test_every_variable_reaches_the_settings_of_every_service(custom):
    expected = {name: custom[variable] for variable, name in VARIABLES.items() if variable in custom}
    for service in ("intake", "draw", "letters", "results"):
        settings = load_settings(service, custom)
        for name, raw in expected.items():
            value = getattr(settings, name)
            assert str(value) == raw.rstrip("/"), (service, name, value)


def test_the_figures_with_legal_weight_take_effect_in_what_the_system_does(custom_system, custom, tmp_path):
    system = custom_system
    http = WsgiHttp(system.wsgi)
    today = system.runtime("intake").clock.today_local()

    def settle(check, what):
        system.bus.drain()
        value = check()
        assert value, f"{what} did not happen"
        return value

    visit = run_joint_visit(http, system.reference, settle, today)
    # where the data lives
    assert all((tmp_path / "own" / f"{n}.db").exists() for n in "idlr")
    # the draw: three of each department, with MD5, each from its own commitment
    assert all(record["count"] == 3 and len(record["selected"]) == 3 for record in visit["draws"].values())
    assert visit["draw"]["algorithm"] == "md5"
    commitments = ok(http.call("GET", "/draw/api/v1/seed-commitments"))["items"]
    assert {c["used_by"] for c in commitments} >= {record["id"] for record in visit["draws"].values()}
    # the visit hours: 08:00–18:00 Beijing time
    status, refused = http.call("PUT", f"/draw/api/v1/inspections/{visit['inspection_id']}/schedule", visit["clerk"],
                                {"time": f"{today.isoformat()} 19:00", "reason": "改到傍晚"})
    assert status == 422 and "18" in str(refused), refused
    # the letter: another issuer, verification links on the public address
    assert visit["documents"][0]["number"].startswith("青环测联函〔")
    letter = emitted(system, "letters", "letter.issued.")[0]
    assert letter["number"].startswith("青环测联函〔")
    assert "https://jc.example.gov.cn/letters/verify/" in str(letter)
    # the result: published within 15 working days, problems rectified within 2 months
    published = emitted(system, "results", "result.published.")[0]
    assert published["publication_due"] == _working_days_after(today, 15).isoformat()
    rectification = emitted(system, "results", "rectification.updated.")[0]
    assert rectification["deadline"] == _months_after(today, 2).isoformat()
    # reports due on the 7th and the 12th
    monthly = ok(http.call("GET", f"/results/api/v1/reports/monthly/{today:%Y-%m}", visit["clerk"]))
    assert date.fromisoformat(monthly["due_on"]).day == 7
    quarter = (today.month - 1) // 3 + 1
    quarterly = ok(http.call("GET", f"/results/api/v1/reports/quarterly/{today.year}Q{quarter}", visit["clerk"]))
    assert date.fromisoformat(quarterly["due_on"]).day == 12
    # the public page states the configured figure, not a literal
    status, page = http.call("GET", "/results/public/results", raw=True)
    assert status == 200 and "15 个工作日" in page.decode() and "20 个工作日" not in page.decode()


def test_the_plumbing_figures_take_effect(custom_system):
    system = custom_system
    assert system.bus.delivery_limit == 7
    intake = system.runtime("intake")
    # the deadline check, the background dispatch chunks (every 2 s), webhooks, the audit checkpoint (9 minutes)
    assert [seconds for seconds, _job in intake.periodic] == [17, 2, 3, 540]
    webhooks = intake.bus.deps["webhook_policy"]
    assert (webhooks.allow_private_targets, webhooks.timeout_seconds, webhooks.retry_base_seconds,
            webhooks.retry_max_seconds, webhooks.retry_hours, webhooks.batch, webhooks.lease_seconds) == \
        (True, 4, 11, 600, 30, 7, 90)
    assert intake.clock.tz.key == "Asia/Urumqi"
    draw = system.runtime("draw")
    policy = draw.bus.deps["policy"]
    assert (policy.max_load, policy.recusal_decision_days, policy.naming_days) == (9, 4, 5)
    from shared.worker import Worker
    distributed = draw.settings.with_(amqp_url="amqp://guest:guest@127.0.0.1:1/")
    worker = Worker(_with_settings(draw, distributed))
    assert (worker.relay.batch, worker.consumer.prefetch, worker.consumer.delivery_limit) == (33, 11, 7)


def test_the_secret_key_signs_and_checks_every_login(custom_system):
    http = WsgiHttp(custom_system.wsgi)
    clerk = Principal("clerk", "clerk01", "STHJ", "综合科")
    assert http.call("GET", "/results/api/v1/rectifications", issue_token("another-secret", clerk))[0] == 200
    assert http.call("GET", "/results/api/v1/rectifications", issue_token(Settings.secret_key, clerk))[0] == 401


def test_draw_department_and_jurisdiction_decide_who_can_be_drawn(custom, tmp_path):
    from services.demo import seed_reference
    from services.embedded import EmbeddedSystem
    system = EmbeddedSystem({**custom, "DRAW_JURISDICTION": "370100", "JOINTINSPECT_VAR": str(tmp_path / "v2"),
                             **{f"{s}_DATABASE_URL": f"sqlite:///{tmp_path / 'v2' / s}.db"
                                for s in ("INTAKE", "DRAW", "LETTERS", "RESULTS")}})
    try:
        seed_reference(system, system.runtime("intake").clock.today_local())
        policy = system.runtime("draw").bus.deps["policy"]
        assert (policy.department, policy.jurisdiction) == ("STHJ", "370100")
    finally:
        system.close()


@pytest.mark.parametrize("variable, value, words", [
    ("DRAW_TEAM_SIZE", "1", "at least 2"), ("DELIVERY_LIMIT", "five", "whole number"),
    ("DRAW_ALGORITHM", "sha1", "one of"), ("JOINTINSPECT_TZ", "Mars/Olympus", "time zone")])
def test_a_value_that_cannot_work_stops_the_start_naming_the_variable(variable, value, words):
    with pytest.raises(SettingsError, match=variable) as error:
        load_settings("draw", {variable: value})
    assert words in str(error.value)


def test_amqp_url_selects_distributed_mode_and_database_url_gives_each_service_its_own_database():
    settings = load_settings("letters", {"AMQP_URL": "amqp://u:p@mq:5672/%2F",
                                         "DATABASE_URL": "postgresql+psycopg://pg/ji"})
    assert settings.distributed and settings.database_url == "postgresql+psycopg://pg/ji_letters"


def _with_settings(runtime, settings):
    from dataclasses import replace
    return replace(runtime, settings=settings)


def _working_days_after(day: date, n: int) -> date:
    from services.results.domain.deadlines import publication_deadline
    return publication_deadline(day, n).due


def _months_after(day: date, n: int) -> date:
    from services.results.domain.deadlines import add_months
    return add_months(day, n)
