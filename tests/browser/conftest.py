"""Playwright against the live test server, in Debian's Chromium (Playwright cannot download its own here)."""

import os
from pathlib import Path

import pytest
from django.db import connection

# Playwright's sync API runs an event loop in the test's thread, and Django refuses ORM calls made
# beside a running loop. The tests only make fixtures and check rows, one thread at a time.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
PASSWORD = "kata-sandi-uji"  # tests/factories.py gives every user this password

HERE = Path(__file__).resolve().parent


def is_browser_test(item) -> bool:
    return HERE in item.path.parents


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(items):
    # Before the other plugins look at the markers (-m browser, pytest-django's database setup):
    for item in filter(is_browser_test, items):
        item.add_marker(pytest.mark.browser)
        # live_server makes each test transactional, and after a transactional test pytest-django
        # flushes every table — also the 22 kecamatan, 248 desa, sectors and role groups the
        # migrations load, so a second browser test found none of them. serialized_rollback makes
        # Django serialize the test database once after migrating and load it back before each test.
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
    result = yield
    # The last flush still leaves the tables empty, so no database test may come after these.
    # pytest-django runs transactional tests last, but pytest then regroups the tests that share
    # pytest-playwright's session-wide browser_name parameter — which a test elsewhere also gets
    # when one of its arguments is named `page` or `context` — and a database test can land after.
    # After all the other plugins, this puts the browser tests back at the end.
    items[:] = [item for item in items if not is_browser_test(item)] + list(filter(is_browser_test, items))
    return result


@pytest.fixture(scope="session", autouse=True)
def _serialized_database_beside_playwright(django_db_setup, request):
    """Hand Django's serialized test database to the connection the browser tests use.

    Django keeps the serialized copy on the connection object that created the test database. Django
    holds one connection object per thread, but another once an event loop runs in the thread, and
    Playwright's sync API keeps one running. In a whole-suite run the database is made before
    Playwright starts, so without this the browser tests found no copy and, from the second test on,
    no kecamatan, desa or roles.
    """
    serialized = getattr(connection, "_test_serialized_contents", None)
    request.getfixturevalue("playwright")
    if serialized is not None and not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = serialized
    yield
    # Left open, this second connection would keep PostgreSQL from dropping the test database.
    connection.close()


@pytest.fixture(scope="session")
def browser_type_launch_args():
    # CI must fail, never skip, when it cannot run the browser tests; so must a laptop, with a hint.
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(
                f"Browser tests need Chromium at {CHROMIUM}, and this run requires them "
                "(REQUIRE_BROWSER/CI is set). Install the Debian package chromium in the CI image."
            )
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}. Install it: apt-get install -y chromium "
            "(or `make chromium`)."
        )
    return {
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            # Date pickers and file inputs are drawn in the browser's own language, as for the office.
            "--lang=id",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages open relative to the live test server: page.goto("/registri/")."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "id-ID", "timezone_id": "Asia/Jakarta"}


def record_csp_reports(browser_context, reports: list) -> None:
    """Collect into `reports` what the browser says the Content-Security-Policy blocked on its console."""

    def on_console(message):
        if "Content Security Policy" in message.text:
            reports.append(f"{message.location.get('url')}: {message.text}")

    browser_context.on("console", on_console)


@pytest.fixture
def new_context(new_context):
    """pytest-playwright's contexts, each listening for what the Content-Security-Policy blocks.

    A blocked inline script or style, or a file from elsewhere, fails the test whose pages caused it,
    so the policy never silently breaks a page.
    """
    blocked = []

    def make(**kwargs):
        browser_context = new_context(**kwargs)
        record_csp_reports(browser_context, blocked)
        return browser_context

    yield make
    assert not blocked, "The Content-Security-Policy blocked something:\n" + "\n".join(blocked)


@pytest.fixture
def context(new_context):
    """A desktop-sized browser context (1280 × 900); `page` opens in it."""
    return new_context(viewport=DESKTOP)


@pytest.fixture
def phone_page(new_context):
    """A page in a phone-sized context (375 × 812, touch, mobile viewport rules)."""
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot to artifacts/screenshots/<name>.png for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def log_in(base_url):
    """Log a user in through the login form, as a person would, and wait for the home page."""

    def submit(page, user):
        page.goto("/masuk/")
        page.get_by_label("Nama pengguna").fill(user.username)
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{base_url}/")

    return submit
