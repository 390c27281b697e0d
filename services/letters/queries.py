"""letters' reads: everything the API, the portal and the public verification page show."""
from __future__ import annotations

from dataclasses import dataclass

from shared.auth import Principal
from shared.bus import Query
from shared.department_tokens import DepartmentOfToken  # noqa: F401  (the shared message, routed here too)
from shared.schemas import page_count


@dataclass(frozen=True)
class DocumentsOfInspection(Query):
    """Every version of a visit's set, in reading order; Forbidden if `principal` may not see them (N4)."""
    inspection_id: str
    principal: Principal


@dataclass(frozen=True)
class DocumentPdf(Query):
    """(document, PDF bytes) of one document; NotFound / Forbidden (N4)."""
    document_id: str
    principal: Principal


@dataclass(frozen=True)
class PortalDocuments(Query):
    """A page of the current sets `principal` may see, newest first (a `PortalPage`): an inspector their own
    team's, a department its visits', staff all."""
    principal: Principal
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class PortalPage:
    """The answer to PortalDocuments: the page's documents (whole sets, in reading order) and how many sets the
    person may see in all."""
    documents: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)


@dataclass(frozen=True)
class VisitTime(Query):
    """What letters knows of a visit's time: the Visit row (team, schedule) or None; Forbidden if `principal` may
    not see the visit (N4)."""
    inspection_id: str
    principal: Principal


@dataclass(frozen=True)
class AwaitingTime(Query):
    """Visits `principal` may see whose team is known but whose time is not fixed yet (待定检查时间)."""
    principal: Principal


@dataclass(frozen=True)
class BatchPdf(Query):
    """The chosen documents `principal` may see as one PDF, each starting on its own page; None if none."""
    document_ids: tuple[str, ...]
    principal: Principal


@dataclass(frozen=True)
class VerifyDocument(Query):
    """The document a verification code names (anyone may ask), or None: a forged code."""
    code: str


@dataclass(frozen=True)
class IssueFailures(Query):
    """Visits whose set could not be typeset, oldest first, with the reason."""


@dataclass(frozen=True)
class CurrentSeal(Query):
    """The issuer's newest seal image, or None before any upload."""
