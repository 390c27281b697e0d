"""The catalog data file, and TEMPORARY (issue #10) wrappers for callers not yet on the bus: services/demo.py
and services/cli.py should run `LoadCatalog(data, actor, reason)` and `RotateDepartmentToken(code, actor,
token=None)` through `runtime.bus.handle(...)` instead; delete the wrappers then."""
from __future__ import annotations

from pathlib import Path

import yaml

from shared.uow import UnitOfWork

from .commands import LoadCatalog, RotateDepartmentToken
from .handlers import catalog as handlers
from .handlers.catalog import new_department_token  # noqa: F401  (TEMPORARY re-export for services/demo.py)

CATALOG_FILE = Path(__file__).parent / "data" / "catalog.yaml"


def read_catalog(path: Path = CATALOG_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _entered(uow: UnitOfWork) -> UnitOfWork:
    return uow if uow.session is not None else uow.__enter__()


def load_catalog(uow: UnitOfWork, data: dict, actor: str, reason: str = "载入抽查事项清单") -> dict[str, int]:
    """TEMPORARY: use `bus.handle(LoadCatalog(data, actor, reason))`; the caller commits."""
    return handlers.load_catalog(LoadCatalog(data, actor, reason), _entered(uow))


def rotate_token(uow: UnitOfWork, code: str, actor: str, new_token: str):
    """TEMPORARY: use `bus.handle(RotateDepartmentToken(code, actor, token))`; the caller commits."""
    return handlers.rotate_department_token(RotateDepartmentToken(code, actor, new_token), _entered(uow))
