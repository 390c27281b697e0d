"""HTTP through the embedded system that holds every answer of a documented API operation to its service's OpenAPI
document (status code, content type, body schema), so a whole real flow proves the success bodies the fuzzer's
random ids rarely reach."""
from __future__ import annotations

import json

import schemathesis
from schemathesis.core.failures import FailureGroup

from tests.flow import WsgiHttp

SERVICES = ("intake", "draw", "letters", "results")


class DocumentedHttp(WsgiHttp):
    def __init__(self, wsgi):
        super().__init__(wsgi)
        self.documents = {name: schemathesis.openapi.from_wsgi(f"/{name}/docs/openapi.json", wsgi)
                          for name in SERVICES}
        self.checked: list[str] = []
        self.violations: list[str] = []

    def call(self, method: str, path: str, token: str | None = None, body=None, raw: bool = False):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.open(path, method=method, headers=headers, json=body)
        self._hold_to_document(method, path, response)
        data = response.get_data()
        return response.status_code, (data if raw else (json.loads(data) if data else None))

    def _hold_to_document(self, method: str, path: str, response) -> None:
        document = self.documents.get(path.lstrip("/").split("/", 1)[0])
        operation = document.find_operation_by_path(method, path.split("?", 1)[0]) if document else None
        if operation is None:  # pages, health probes: not part of the API documents
            return
        self.checked.append(f"{operation.label} → {response.status_code}")
        try:
            operation.validate_response(response)
        except FailureGroup as group:
            self.violations += [self._violation(method, path, response, failure) for failure in group.exceptions]
        except AssertionError as failure:
            self.violations.append(self._violation(method, path, response, failure))

    @staticmethod
    def _violation(method: str, path: str, response, failure) -> str:
        title = getattr(failure, "title", type(failure).__name__)
        message = "\n".join(str(getattr(failure, "message", failure)).splitlines()[:3])
        return f"{method} {path} → {response.status_code}: {title}: {message}"
