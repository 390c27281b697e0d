"""Run schemathesis (v4, its own engine: the same phases and checks as `st run`) against one service's OpenAPI
document over real HTTP (the embedded system behind a local server, as an outside fuzzer sees it), as one role, and
collect what it reports."""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

import schemathesis
from schemathesis.engine import Status, events, from_schema

from shared.auth import Principal, issue_token

SEED = 20201113
PUBLIC_RUNS = ("clerk",)


@dataclass(frozen=True)
class Finding:
    """One failed check (or engine error) on one operation."""
    role: str | None
    operation: str
    code: str
    title: str
    message: str
    answer: str = ""
    reproduce: str = ""

    def __str__(self) -> str:
        return (f"[{self.role or 'anonymous'}] {self.operation}: {self.code} {self.title}\n"
                f"    {self.message.strip()[:1200]}\n    answer: {self.answer[:400]}\n    {self.reproduce[:600]}")


def config(max_examples: int, base_url: str, whole_document: bool = True) -> schemathesis.Config:
    """Every check; positive and negative data; examples, coverage and fuzzing phases (stateful needs links the
    documents do not declare); a fixed seed and deterministic generation, so a run is repeatable. A run on part of
    a document leaves the checks of a path's other methods (`Allow`, undeclared methods) to the whole-document
    run."""
    partial = {} if whole_document else {name: {"enabled": False}
                                         for name in ("allow_header_conformance", "unsupported_method")}
    return schemathesis.Config.from_dict({
        "base-url": base_url,
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": max_examples, "deterministic": True, "no-shrink": True,
                       "database": "none"},
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            # A schema-valid request may still break a business rule that no schema can say: an unknown department,
            # a USCC that fails its check digit, a plan that already exists (409), an inspection not drawn yet.
            # And a caller who tries too often is slowed down (429), valid data or not.
            "positive_data_acceptance": {"expected-statuses": ["2xx", 401, 403, 404, 409, 422, 429]},
            **partial,
        },
        "request-timeout": 60,  # a 5000-row change set on a machine shared with other test runs
        "warnings": False,
        # OpenAPI matches a concrete path before a templated one, so it cannot say that GET /joint-tasks/batch is
        # the task with id "batch" (404) or PATCH /inspectors/import the inspector "import": the `Allow` header
        # of these two paths names those methods, truthfully.
        "operations": [
            *({"include-path": path, "checks": {"allow_header_conformance": {"enabled": False}}}
              for path in ("/intake/api/v1/joint-tasks/batch", "/draw/api/v1/inspectors/import")),
            # Free-form objects (batch rows, each checked on its own; a draft's items) are held to the limits every
            # JSON body is (shared/web_input.py: integer digits, nesting), which a schema of "any object" cannot
            # state: valid-looking rows may hear 400.
            *({"include-path": path, "checks": {"positive_data_acceptance": {
                "expected-statuses": ["2xx", 400, 401, 403, 404, 409, 422, 429]}}}
              for path in ("/intake/api/v1/joint-tasks/batch", "/results/api/v1/inspections/{inspection_id}/draft")),
        ],
    })


def callable_by(document: dict, role: str | None) -> dict:
    """The document with only the operations `role` may call (`x-roles` lists it, or is empty: any signed-in
    caller) and, for a clerk (who sees more of some), the public ones; anonymous: the whole document. Elsewhere a
    role only meets 403, before its body is read. (schemathesis' engine does not apply `schema.include`.)"""
    def callable(operation: dict) -> bool:
        roles = operation.get("x-roles")
        if role is None:
            return True
        return role in PUBLIC_RUNS if roles is None else not roles or role in roles

    paths = {}
    for path, item in document["paths"].items():
        kept = {key: value for key, value in item.items() if key == "parameters" or callable(value)}
        if set(kept) - {"parameters"}:
            paths[path] = kept
    return {**document, "paths": paths}


def fuzz(base_url: str, service: str, role: str | None, principal: Principal | None, secret: str,
         max_examples: int, opaque_token: str | None = None) -> list[Finding]:
    """Findings of one run as `role` (None: anonymous). A signed-in role gets a freshly issued token for every
    request, so fuzzing `logout` (which revokes the token's session) cannot silence the rest of the run."""
    with urllib.request.urlopen(f"{base_url}/{service}/docs/openapi.json", timeout=30) as answer:
        document = callable_by(json.load(answer), role)
    if not document["paths"]:
        return []
    schema = schemathesis.openapi.from_dict(document, config=config(max_examples, base_url, role is None))
    if principal is not None or opaque_token is not None:
        @schema.auth(refresh_interval=None)
        class FreshToken:
            def get(self, case, context):
                return opaque_token or issue_token(secret, principal)

            def set(self, case, data, context):
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    findings, tested = [], set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            findings += _failed_checks(role, event.recorder)
            tested.add(event.recorder.label)
        elif isinstance(event, events.NonFatalError):
            findings.append(Finding(role, event.label, "error", type(event.value).__name__, str(event.value)))
        elif isinstance(event, events.FatalError):
            raise event.exception
    untested = {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
                if method != "parameters"} - tested
    findings += [Finding(role, label, "untested", "operation never ran", "") for label in sorted(untested)]
    return _distinct(findings)


def _failed_checks(role: str, recorder) -> list[Finding]:
    found = []
    for case_id, nodes in recorder.checks.items():
        for node in nodes:
            if node.status == Status.FAILURE and node.failure_info is not None:
                failure = node.failure_info.failure
                found.append(Finding(role, failure.operation or recorder.label, failure.code, failure.title,
                                     failure.message, _answer(recorder.interactions.get(case_id)),
                                     node.failure_info.code_sample))
    return found


def _answer(interaction) -> str:
    response = interaction.response if interaction is not None else None
    if response is None:
        return "(no response)"
    return f"{response.status_code} {response.content[:300].decode('utf-8', 'replace')}"


def _distinct(findings: list[Finding]) -> list[Finding]:
    """One finding per (operation, failure code, title): the same fault found by 30 examples is one fault."""
    seen, kept = set(), []
    for finding in findings:
        key = (finding.operation, finding.code, finding.title)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept
