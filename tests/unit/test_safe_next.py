"""Issue 13: after login, `next` leads only to a path on this site, however it is encoded."""
from __future__ import annotations

import pytest

from shared.pages import safe_next

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "/%09/evil.example", "/\t/evil.example", "/%2F/evil.example",
    "/%252F/evil.example", "/%5Cevil.example", "https://evil.example/", "javascript:alert(1)", "evil.example",
    "/\r\nSet-Cookie:x=1", "/%0d%0aLocation:https://evil.example", "\\\\evil.example", "/\x00", " /draw", "",
])
def test_a_target_that_could_leave_the_site_goes_to_the_default(target):
    assert safe_next(target, default="/home") == "/home"


@pytest.mark.parametrize("target", ["/", "/intake/clerk/plans", "/letters/portal?inspection=insp-1",
                                    "/results/public/results?q=%E9%9D%92%E5%B2%9B", "/draw/visits/a b"])
def test_a_path_on_this_site_is_kept(target):
    assert safe_next(target) == target
