"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

Skipped, with the reason in pytest's summary, when Chromium or Playwright is not installed.
"""

import os
import shutil

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import PLAN_ADMINISTRATORS, VIEWERS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "a-browser-test-password"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the dev extras install it
    sync_playwright = None


def pytest_collection_modifyitems(config, items):
    reason = None
    if sync_playwright is None:
        reason = "Playwright is not installed (pip install -e '.[dev]')"
    elif not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if reason:
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be
    # usable from the test itself (setting up data, checking what was saved).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server, settings, transactional_db):
    """The live server with the 2021/22 plan, Q1 closed and Q2 open, and one user per role."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    call_command("load_plan", verbosity=0)
    from deliverables.models import Owner
    from objectives.models import Quarter
    from tests.factories import UserFactory

    # Saved, not QuerySet.update(): a quarter's state moves the stored positions (ADR 15).
    for number, state, deadline in [(1, "closed", None), (2, "open", "2021-10-15")]:
        quarter = Quarter.objects.get(number=number)
        quarter.state, quarter.deadline = state, deadline or quarter.deadline
        quarter.save()
    from assurance.models import AssuranceGroup

    people = {
        "cdo": UserFactory(
            username="cdo", password=PASSWORD, owners=[Owner.objects.get(code="CDO")]
        ),
        "cfo": UserFactory(
            username="cfo", password=PASSWORD, owners=[Owner.objects.get(code="CFO")]
        ),
        "secretary": UserFactory(
            username="dhg-secretary",
            password=PASSWORD,
            assurance_groups=[AssuranceGroup.objects.get(code="DHG")],
        ),
        "admin": UserFactory(
            username="admin", password=PASSWORD, role=PLAN_ADMINISTRATORS, is_staff=True
        ),
        "viewer": UserFactory(username="viewer", password=PASSWORD, role=VIEWERS),
    }
    assert Group.objects.filter(name=VIEWERS).exists()
    return live_server.url, people


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(javascript=True, width=1280):
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        # Anything the Content Security Policy blocked, any console error and any uncaught
        # script error show up here; check_page fails on them.
        page.csp_errors = []
        page.console_errors = []

        def on_console(message):
            if "Content Security Policy" in message.text:
                page.csp_errors.append(message.text)
            elif message.type == "error" and "ERR_NAME_NOT_RESOLVED" not in message.text:
                # Name look-ups fail only because this machine has no network: the NHS.UK
                # frontend's web fonts come from its CDN (allowed by the CSP).
                page.console_errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))

        return page

    yield make
    for context in contexts:
        context.close()
