"""Without Chromium the browser tests are skipped, and the run says so; REQUIRE_BROWSER=1 makes that a failure."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_browser_tests(**env):
    return subprocess.run(
        # Only the plugins these tests use, so that the run starts quickly.
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "pytest_django.plugin",
            "-p",
            "pytest_playwright.pytest_playwright",
        ]
        + ["tests/browser"],
        cwd=ROOT,
        env={**os.environ, "CHROMIUM": "/nonexistent/chromium", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_browser_the_browser_tests_are_skipped_and_the_run_says_how_to_run_them():
    result = run_browser_tests(REQUIRE_BROWSER="")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROWSER TESTS SKIPPED" in result.stdout
    assert "no Chromium at /nonexistent/chromium: install it (apt-get install chromium" in result.stdout
    assert " skipped in " in result.stdout and "passed" not in result.stdout


def test_without_a_browser_require_browser_fails_the_run():
    result = run_browser_tests(REQUIRE_BROWSER="1")
    assert result.returncode != 0
    assert "REQUIRE_BROWSER is set, but no Chromium at /nonexistent/chromium" in result.stdout + result.stderr
