"""Browser tests: Debian's Chromium, driven by Playwright, against a live server of the test database.

The server runs in a thread of the test process (Django's LiveServerThread) without pytest-django's
`live_server`, which would make every browser test transactional and flush the tables after it, losing the
plans that the session loaded once for every test. The browser tests only read: the server's own connections
see the loaded plans, committed by the session's setup, while each test's transaction stays on the test's.

Without a browser at CHROMIUM (default /usr/bin/chromium) the browser tests are skipped, and the run says so at
its end; REQUIRE_BROWSER=1 (what .ci/run sets) makes a missing browser a failure instead.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER", "").lower() in ("1", "true", "yes", "on")
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / ".run" / "screenshots")
HOW_TO_RUN = (
    f"no Chromium at {CHROMIUM}: install it (apt-get install chromium, or set CHROMIUM to its path) and run "
    "`make test` again; REQUIRE_BROWSER=1 makes a missing browser fail the run"
)
LAUNCH_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

_skipped = []


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if REQUIRE_BROWSER:
        raise pytest.UsageError(f"REQUIRE_BROWSER is set, but {HOW_TO_RUN}")
    marker = pytest.mark.skip(reason=f"browser tests skipped: {HOW_TO_RUN}")
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(marker)
            _skipped.append(item.nodeid)


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_sep("!", f"{len(_skipped)} BROWSER TESTS SKIPPED", yellow=True)
        terminalreporter.write_line(HOW_TO_RUN)


# Playwright for the browser tests' module, not the whole session as pytest-playwright has it: its synchronous API
# keeps an event loop running in the test thread, where Django refuses database calls unless
# DJANGO_ALLOW_ASYNC_UNSAFE is set. That must hold for these tests alone: once they are done, the loop stops and
# the variable goes (a later test's subprocess would inherit it, and `check --deploy` rightly flags it).
@pytest.fixture(scope="module")
def playwright():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    driver = sync_playwright().start()
    yield driver
    driver.stop()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(scope="module")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="module")
def launch_browser(browser_type_launch_args, browser_type):
    return lambda **kwargs: browser_type.launch(**{**browser_type_launch_args, **kwargs})


@pytest.fixture(scope="module")
def browser(launch_browser):
    opened = launch_browser()
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, site_url):
    # Asking for site_url here starts the server before the browser, so that it stops after the browser has
    # closed its keep-alive connections (each holds a server thread and, after a page, a database session).
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def site_url(django_db_setup, django_db_blocker):
    """The URL of a live server of the test database, for the whole session; stopped at its end."""
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", static_handler=lambda handler: handler)  # WhiteNoise serves static
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://127.0.0.1:{server.port}"
    server.terminate()
    # The server's request threads are daemons that may still hold a database session as the session ends;
    # end those sessions, or the test database cannot be dropped.
    from django.db import connection

    connection.close()  # a session of its own: the one it held may have been ended meanwhile (tests/test_replicas.py)
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="module")
def browser_context_args(site_url):
    return {"base_url": site_url, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def screenshot(page):
    """screenshot(name): the page as it is now at 1280 and at 375 pixels wide, into SCREENSHOT_DIR."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(name):
        for width, height in ((1280, 900), (375, 812)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=SCREENSHOT_DIR / f"{name}-{width}.png")
        page.set_viewport_size({"width": 1280, "height": 900})

    return take
