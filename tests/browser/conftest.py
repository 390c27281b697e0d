"""A live embedded system on a free port and a headless Debian Chromium driven by Selenium."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from tests.conftest import free_port

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000")


@pytest.fixture
def live(system, reference):
    from werkzeug.serving import make_server
    port = free_port()
    server = make_server("127.0.0.1", port, system.wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture
def browser(tmp_path):
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("chromium and chromedriver are required (Debian packages chromium, chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $JOINTINSPECT_SCREENSHOTS if set (to look at them), else the test's tmp dir."""
    folder = Path(os.environ.get("JOINTINSPECT_SCREENSHOTS", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def main_text_with(browser, text: str, timeout: float = 15) -> str:
    """Wait (bounded) until the page's main area shows `text` after a navigation or a click; return it."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def shown(b):
        # The old page's <main> may go away between finding it and reading it while the new page loads: that is
        # "not yet", not a failure. Chromium reports it as a stale element or, now and then, as an "unknown
        # error: … Node with given id does not belong to the document" (CI failed on both); anything else raises.
        try:
            main = b.find_element(By.TAG_NAME, "main").text
        except WebDriverException as error:
            if isinstance(error, (NoSuchElementException, StaleElementReferenceException)) or \
                    "does not belong to the document" in str(error):
                return False
            raise
        # On a phone-width window a long name wraps, and WebDriver's text has a line break inside it.
        return main if "".join(text.split()) in "".join(main.split()) else False

    return WebDriverWait(browser, timeout).until(shown, message=f"the page never showed {text!r}")
