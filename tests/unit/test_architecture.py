"""Issue #10's rules of the house, checked on the source so they cannot erode quietly (style §2, §7, §9).

- Views only parse → command → `handle` → present: no module under `services/*/` whose name starts with `http`,
  `pages` or `views` touches a session, a `select(`, a `commit(` or a model's query.
- One configuration: nothing but `shared/config.py` reads the environment.
- One way in: handlers never commit (the message bus commits once).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from shared.config import PROJECT_ROOT

pytestmark = pytest.mark.unit
SERVICES_DIR = PROJECT_ROOT / "services"
FORBIDDEN_IN_VIEWS = re.compile(r"\bsession\b|\bselect\(|\bcommit\(|\.query\(|\bdb\.|\buow\b|unit_of_work")


def python_files(root: Path):
    return sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)


def view_modules():
    return [p for p in python_files(SERVICES_DIR)
            if p.parent.parent == SERVICES_DIR and p.name.startswith(("http", "pages", "views"))]


def code_only(path: Path) -> str:
    """The module's code without docstrings and comments, so prose may still say "session"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            body[0] = ast.Pass()
    return ast.unparse(tree)


def test_there_are_view_modules_to_check():
    assert len(view_modules()) >= 8  # the check below must not pass by finding nothing


@pytest.mark.parametrize("path", view_modules(), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_views_reach_the_database_only_through_the_bus(path):
    offending = [line.strip() for line in code_only(path).splitlines() if FORBIDDEN_IN_VIEWS.search(line)]
    assert not offending, f"{path.name} touches the database directly: {offending[:5]}"


def test_only_the_settings_read_the_environment():
    readers = [str(p.relative_to(PROJECT_ROOT)) for root in (SERVICES_DIR, PROJECT_ROOT / "shared")
               for p in python_files(root)
               if re.search(r"os\.environ|getenv\(", code_only(p)) and p.name != "config.py"]
    assert readers == []


def test_handlers_never_commit():
    committing = [str(p.relative_to(PROJECT_ROOT)) for p in python_files(SERVICES_DIR)
                  if ("handlers" in p.parts or p.name == "handlers.py") and re.search(r"\.commit\(", code_only(p))]
    assert committing == []


def test_the_checker_finds_a_session_in_a_view(tmp_path):
    """The rule itself can fail: a view that queries is caught, one that only mentions it in prose is not."""
    bad = tmp_path / "http_bad.py"
    bad.write_text('"""Reads the session."""\nrows = db.session.execute(select(Task)).all()\n', encoding="utf-8")
    good = tmp_path / "http_good.py"
    good.write_text('"""Never touches the session."""\nanswer = handle(GetTask("1"))\n', encoding="utf-8")
    assert FORBIDDEN_IN_VIEWS.search(code_only(bad))
    assert not FORBIDDEN_IN_VIEWS.search(code_only(good))


def test_modules_stay_small():
    """Style §5: a module over 250 lines has grown a second responsibility; split it."""
    large = {str(p.relative_to(PROJECT_ROOT)): n for root in (SERVICES_DIR, PROJECT_ROOT / "shared")
             for p in python_files(root) if (n := len(p.read_text(encoding="utf-8").splitlines())) > 250}
    assert large == {}


@pytest.mark.parametrize("service", ["intake", "draw", "letters", "results"])
def test_every_service_has_the_same_rooms(service):
    """One shape for four services: commands and queries in, a bus wired in bootstrap, serialisers in views."""
    for room in ("bootstrap.py", "commands.py", "queries.py", "views.py", "payloads.py", "consumers.py", "app.py",
                 "handlers/__init__.py", "domain/__init__.py", "adapters/db.py"):
        assert (SERVICES_DIR / service / room).exists(), f"{service}/{room}"
