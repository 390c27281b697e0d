"""`jointinspect serve`'s gunicorn settings (issue 15, P2): threaded workers, so a long batch is never killed by the
worker timeout, and every option one gunicorn knows."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit


def test_serve_runs_threaded_workers_whose_timeout_is_for_hangs_not_batches():
    from services.cli.operator_commands import gunicorn_options
    options = gunicorn_options("127.0.0.1:8000", 3)
    assert options["worker_class"] == "gthread" and options["threads"] > 1 and options["workers"] == 3
    assert options["timeout"] > 30, "gunicorn's default of 30 s killed 3 of 9 concurrent batches"


def test_every_serve_option_is_one_gunicorn_accepts():
    from gunicorn.config import Config

    from services.cli.operator_commands import gunicorn_options
    config = Config()
    for name, value in gunicorn_options("127.0.0.1:8000", 2).items():
        config.set(name, value)
    assert (config.worker_class_str, config.threads, config.timeout, config.workers) == ("gthread", 4, 120, 2)
