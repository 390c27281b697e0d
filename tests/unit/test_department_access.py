"""Issue 12 on each service's bus alone: a department reads the letters, results, rectifications and report rows of
the visits it takes part in, only its own department's results, and nothing of other visits (403 with a Chinese
reason); its API token, issued in intake, is known in draw, letters and results by hash from
`department.token_rotated`."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from services.letters.queries import BatchPdf, DocumentPdf, DocumentsOfInspection, PortalDocuments, VisitTime
from services.results.commands import AddEvidence, RecordAssignment, SubmitResult
from services.results.queries import (
    DepartmentVisits,
    GetEvidence,
    ReadResult,
    Rectifications,
    Report,
    VisitProgress,
    VisitResults,
)
from shared.auth import Principal, department_token_resolver, hash_token
from shared.errors import Forbidden
from shared.events import Event
from tests.support.letters import assign_and_schedule, letters_runtime
from tests.support.results import at, inspection, joint_team, results_runtime

pytestmark = pytest.mark.unit
MARKET, ECO, SAFETY = (Principal("department", code, code) for code in ("SCJG", "STHJ", "YJGL"))
NOT_TAKING_PART = "本部门未参与该检查，无权查看"
VISIT = date(2026, 11, 30)
PDF = b"%PDF-1.4\n% scanned\n%%EOF\n"


# --- letters ------------------------------------------------------------------------------------------------

@pytest.fixture
def letters(tmp_path):
    runtime = letters_runtime(tmp_path)
    assign_and_schedule(runtime)  # insp-1: the eco bureau leads, market supervision joins
    yield runtime
    runtime.dispose()


def test_a_department_taking_part_reads_the_visits_letter_set(letters):
    documents = letters.bus.handle(DocumentsOfInspection("insp-1", MARKET))
    assert [d.kind for d in documents] == ["joint_letter", "notice", "checklist", "field_record"]
    document, pdf = letters.bus.handle(DocumentPdf(documents[0].id, ECO))
    assert document.id == documents[0].id and pdf.startswith(b"%PDF")
    assert letters.bus.handle(VisitTime("insp-1", MARKET)).schedule["version"] == 1


def test_a_department_not_taking_part_is_refused_in_chinese(letters):
    documents = letters.bus.handle(DocumentsOfInspection("insp-1", Principal("clerk", "clerk01")))
    for query in (DocumentsOfInspection("insp-1", SAFETY), DocumentPdf(documents[0].id, SAFETY),
                  VisitTime("insp-1", SAFETY), DocumentsOfInspection("insp-unknown", MARKET),
                  VisitTime("insp-unknown", MARKET)):
        with pytest.raises(Forbidden) as refused:
            letters.bus.handle(query)
        assert refused.value.message == NOT_TAKING_PART


def test_a_departments_portal_and_batch_hold_only_its_visits(letters):
    ids = tuple(d.id for d in letters.bus.handle(PortalDocuments(Principal("clerk", "clerk01"))).documents)
    assert len(letters.bus.handle(PortalDocuments(MARKET)).documents) == 4
    assert letters.bus.handle(PortalDocuments(SAFETY)).documents == []
    assert letters.bus.handle(BatchPdf(ids, MARKET)).startswith(b"%PDF")
    assert letters.bus.handle(BatchPdf(ids, SAFETY)) is None


# --- the department token's read model (draw, letters and results alike) -----------------------------------

def rotated(code: str, token: str, when: str) -> Event:
    data = {"department": code, "token_hash": hash_token(token), "rotated_at": when}
    return Event(id=f"evt-{token}", name="department.token_rotated", source="/jointinspect/intake", subject=None,
                 time=datetime.now(timezone.utc), data=data)


@pytest.mark.parametrize("service", ["letters", "results", "draw"])
def test_a_rotated_token_replaces_the_old_one_and_a_stale_event_changes_nothing(service, tmp_path):
    from importlib import import_module
    consumers, queries = (import_module(f"services.{service}.{m}") for m in ("consumers", "queries"))
    from tests.support.draw import draw_runtime
    runtime = {"letters": letters_runtime, "results": results_runtime, "draw": draw_runtime}[service](tmp_path)
    translate = consumers.CONSUMERS["department.token_rotated"]

    def department_of(token: str):
        return runtime.bus.handle(queries.DepartmentOfToken(hash_token(token)))

    runtime.bus.handle(translate(rotated("SCJG", "dept_scjg_one", "2026-11-29T08:00:00Z")))
    assert department_of("dept_scjg_one") == "SCJG"
    runtime.bus.handle(translate(rotated("SCJG", "dept_scjg_two", "2026-11-29T09:00:00Z")))
    runtime.bus.handle(translate(rotated("SCJG", "dept_scjg_one", "2026-11-29T08:00:00Z")))  # late, older
    assert (department_of("dept_scjg_one"), department_of("dept_scjg_two")) == (None, "SCJG")
    resolve = department_token_resolver(lambda token_hash: runtime.bus.handle(queries.DepartmentOfToken(token_hash)))
    assert resolve("dept_scjg_two") == Principal("department", "SCJG", "SCJG")
    assert resolve("dept_scjg_one") is None and resolve("ji1.forged") is None
    runtime.dispose()


def test_draw_learns_a_departments_token_from_the_event_and_a_newer_rotation_replaces_it(tmp_path):
    """draw honours the token too (a department names its officers): the event through draw's own queue."""
    from services.draw.queries import DepartmentOfToken
    from shared.department_tokens import token_resolver
    from shared.runtime import Outcome
    from tests.support.draw import draw_runtime
    draw = draw_runtime(tmp_path)
    queue = "draw.department.token_rotated"
    assert draw.queues()[queue] == "department.token_rotated"
    resolve = token_resolver(draw.bus.handle)
    assert resolve("dept_scjg_one") is None
    assert draw.deliver(queue, rotated("SCJG", "dept_scjg_one", "2026-11-29T08:00:00Z")) is Outcome.PROCESSED
    assert resolve("dept_scjg_one") == Principal("department", "SCJG", "SCJG")
    assert draw.deliver(queue, rotated("SCJG", "dept_scjg_one", "2026-11-29T08:00:00Z")) is Outcome.DUPLICATE
    draw.deliver(queue, rotated("SCJG", "dept_scjg_two", "2026-11-29T09:00:00Z"))
    draw.deliver(queue, rotated("SCJG", "dept_scjg_old", "2026-11-29T07:00:00Z"))  # late, older: changes nothing
    assert (resolve("dept_scjg_one"), resolve("dept_scjg_old")) == (None, None)
    assert resolve("dept_scjg_two") == Principal("department", "SCJG", "SCJG")
    assert draw.bus.handle(DepartmentOfToken(hash_token("dept_scjg_two"))) == "SCJG"
    assert resolve("ji1.forged") is None
    draw.dispose()


def test_intake_tells_a_rotation_by_hash_never_the_token(tmp_path):
    from services.intake.commands import RotateDepartmentToken
    from tests.support.contract import asyncapi, contract_errors
    from tests.support.intake import intake_runtime, load_reference, outbox
    intake = intake_runtime(tmp_path)
    tokens = load_reference(intake)
    token = intake.bus.handle(RotateDepartmentToken("SCJG", "admin:admin"))
    sent = [json.loads(row.body) for row in outbox(intake, "department.token_rotated")]
    assert [e["data"]["department"] for e in sent] == [*tokens, "SCJG"]
    assert sent[-1]["data"]["token_hash"] == hash_token(token) and token not in json.dumps(sent)
    assert sent[-1]["type"] == "cn.gov.jointinspect.department.token_rotated.v1"
    if "DepartmentTokenRotated" in asyncapi()["components"]["messages"]:  # the internal message, once listed
        assert contract_errors("DepartmentTokenRotated", sent[-1]) == []
    intake.dispose()


def test_loading_the_catalog_again_tells_the_current_tokens(tmp_path):
    """letters and results set up after the tokens were issued learn them from the next `catalog load`."""
    from services.intake.catalog import read_catalog
    from services.intake.commands import LoadCatalog
    from tests.support.intake import intake_runtime, load_reference, outbox
    intake = intake_runtime(tmp_path)
    tokens = load_reference(intake)
    before = len(outbox(intake, "department.token_rotated"))
    intake.bus.handle(LoadCatalog(read_catalog(), "cli:catalog-load"))
    again = [json.loads(row.body)["data"] for row in outbox(intake, "department.token_rotated")][before:]
    assert {(e["department"], e["token_hash"]) for e in again} == {(c, hash_token(t)) for c, t in tokens.items()}
    intake.dispose()


# --- results ------------------------------------------------------------------------------------------------

@pytest.fixture
def results(tmp_path):
    runtime = results_runtime(tmp_path, clock=at(VISIT))
    team = joint_team()  # STHJ leads, SCJG joins; YJGL takes no part
    runtime.bus.handle(RecordAssignment("insp-1", "draw-STHJ", team["inspectors"], inspection("insp-1"),
                                        team["leader_id"], team["parts"]))
    yield runtime
    runtime.dispose()


def submit(runtime, department: str, problem: bool = False, confirmation=None, evidence=()):
    codes = {"STHJ": ("STHJ-01",), "SCJG": ("SCJG-01", "SCJG-02")}[department]
    items = tuple({"item_code": code, "outcome": "发现问题" if problem else "未发现问题", "method": "实地检查",
                   "findings": "危废暂存间未设置标识" if problem else "", "measures": "",
                   "follow_up": "责令改正" if problem else "无需后续处置", "evidence": list(evidence)}
                  for code in codes)
    [result] = runtime.bus.handle(SubmitResult(
        inspection_id="insp-1", inspector_id=f"{department}-P1", actor=f"inspector:{department}-P1",
        visit_date=VISIT, items=items, company_confirmation=confirmation, department=department))
    return result


@pytest.fixture
def recorded(results):
    photo = results.bus.handle(AddEvidence("insp-1", "STHJ-P1", "inspector:STHJ-P1", "photo.pdf", PDF))
    return {"STHJ": submit(results, "STHJ", problem=True, confirmation={"name": "王经理", "confirmed_at": "现场"},
                           evidence=[photo.sha256]),
            "SCJG": submit(results, "SCJG"), "photo": photo.sha256}


def test_a_department_reads_the_evidence_its_own_results_name_and_no_other(results, recorded):
    assert results.bus.handle(GetEvidence(recorded["photo"], reader_department="STHJ")).body == PDF
    for department, reason in (("SCJG", "只能查看本部门事项的检查结果"), ("YJGL", NOT_TAKING_PART)):
        with pytest.raises(Forbidden) as refused:
            results.bus.handle(GetEvidence(recorded["photo"], reader_department=department))
        assert refused.value.message == reason


def test_a_department_reads_its_own_results_and_the_visits_progress(results, recorded):
    rounds = results.bus.handle(VisitResults("insp-1", reader_department="SCJG"))
    assert [(r.department, void) for r, void in rounds] == [("SCJG", None)]
    assert results.bus.handle(ReadResult(recorded["SCJG"].id, reader_department="SCJG"))[0].id == recorded["SCJG"].id
    progress = results.bus.handle(VisitProgress("insp-1", reader_department="SCJG"))
    assert [s.code for s in progress.departments] == ["STHJ", "SCJG"] and progress.complete


def test_another_departments_result_and_another_visit_are_refused(results, recorded):
    refusals = {VisitResults("insp-1", reader_department="SCJG", department="STHJ"): "只能查看本部门事项的检查结果",
                ReadResult(recorded["STHJ"].id, reader_department="SCJG"): "只能查看本部门事项的检查结果",
                VisitResults("insp-1", reader_department="YJGL"): NOT_TAKING_PART,
                VisitProgress("insp-1", reader_department="YJGL"): NOT_TAKING_PART,
                VisitProgress("insp-unknown", reader_department="SCJG"): NOT_TAKING_PART,
                Rectifications(department="STHJ", reader_department="SCJG"): "只能查看本部门的整改情况",
                DepartmentVisits("STHJ", reader_department="SCJG"): "只能查看本部门参与的联合检查"}
    for query, reason in refusals.items():
        with pytest.raises(Forbidden) as refused:
            results.bus.handle(query)
        assert refused.value.message == reason, query


def test_a_department_sees_only_its_own_rectifications_and_report_rows(results, recorded):
    assert [r.rectification.department for r in results.bus.handle(Rectifications(reader_department="STHJ"))] == \
        ["STHJ"]
    assert results.bus.handle(Rectifications(reader_department="SCJG")) == []
    report = results.bus.handle(Report("monthly", "2026-11", reader_department="SCJG"))
    assert {row["department"] for row in report["rows"]} == {"SCJG"}
    assert report["totals"]["dispatched"] == 1 and report["totals"]["inspected"] == 1


def test_the_departments_visits_list_its_part_team_results_and_rectifications(results, recorded):
    page = results.bus.handle(DepartmentVisits("STHJ"))
    [visit] = page.visits
    assert (page.total, page.pages, visit.department["code"]) == (1, 1, "STHJ")
    assert [(m["id"], m["own"]) for m in visit.team] == [("STHJ-P1", True), ("STHJ-P2", True),
                                                         ("SCJG-P1", False), ("SCJG-P2", False)]
    assert [r.department for r, _ in visit.results] == ["STHJ"]
    assert [r.rectification.item_code for r in visit.rectifications] == ["STHJ-01"]
    assert results.bus.handle(DepartmentVisits("YJGL")).visits == []
