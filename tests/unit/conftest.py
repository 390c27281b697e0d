"""Unit tests run handlers on their own bus and unit of work (issue #10): none of them may build a Flask app.
A test that needs the web side belongs in tests/integration."""
from __future__ import annotations

import flask
import pytest


@pytest.fixture(autouse=True)
def no_flask_app(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("a unit test built a Flask app: move it to tests/integration")
    monkeypatch.setattr(flask.Flask, "__init__", refuse)


@pytest.fixture
def draw(tmp_path):
    """draw alone on its bus with the demo's officers registered (no Flask app): the draw unit tests' service."""
    from tests.support.draw import draw_runtime, register_library
    runtime = draw_runtime(tmp_path)
    register_library(runtime)
    yield runtime
    runtime.dispose()
