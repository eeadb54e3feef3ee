"""The test suite's own rules: `-m "not browser"` must keep every test that needs no browser."""

from __future__ import annotations

import pytest


def test_a_test_outside_tests_browser_is_not_marked_browser(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("browser") is None
