"""The README's screenshots, taken from a running demo (`make run`) as each person sees it.

    .venv/bin/python tools/screenshots.py [http://127.0.0.1:8000]

Needs Chromium at /usr/bin/chromium. Writes docs/images/*.png; the demo lives in the current
year (after a roll-over), so the pictures show what a new user sees today.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "images"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]


def signed_in(browser, username):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{BASE}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-plan-2021")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        cdo = signed_in(browser, "cdo")
        cdo.screenshot(path=OUT / "my-updates-overview.png")
        row = cdo.locator(".uhb-queue-row", has=cdo.locator("a.uhb-open-update", has_text="Update"))
        row.first.locator("a.uhb-open-update").click()
        panel = cdo.locator(".uhb-panel-row")
        panel.wait_for()
        start = panel.get_by_role("link", name=re.compile("Start from the"))
        if start.count():
            start.click()
            cdo.locator(".uhb-copied").wait_for()
        panel.screenshot(path=OUT / "my-updates-in-place.png")
        with_actions = cdo.locator(".uhb-open-actions").first
        if with_actions.count():
            link = with_actions.locator("xpath=ancestor::tr").locator("td a").first
            link.click()
            cdo.wait_for_load_state("networkidle")
            cdo.locator("#findings").scroll_into_view_if_needed()
            cdo.screenshot(path=OUT / "committee-findings.png")
        admin = signed_in(browser, "admin")
        admin.goto(f"{BASE}/dashboard/")
        admin.screenshot(path=OUT / "dashboard.png")
        admin.locator("#assurance").scroll_into_view_if_needed()
        admin.screenshot(path=OUT / "dashboard-assurance.png")
        # The key indicators are folded until asked for (issue 28): opened as a reader would.
        admin.get_by_text("Each key indicator").click()
        admin.locator("#key-indicators").scroll_into_view_if_needed()
        admin.screenshot(path=OUT / "dashboard-key-indicators.png")
        secretary = signed_in(browser, "dhg-secretary")
        secretary.get_by_role("link", name=re.compile("chair's report to the Board")).click()
        secretary.wait_for_load_state("networkidle")
        secretary.screenshot(path=OUT / "chair-report.png", full_page=True)
        # The Board Assurance Framework as a board member opens it: figures, register, heat map.
        viewer = signed_in(browser, "viewer")
        viewer.set_viewport_size({"width": 1280, "height": 1900})
        viewer.goto(f"{BASE}/baf/")
        viewer.wait_for_load_state("networkidle")
        viewer.screenshot(path=OUT / "baf.png")
        # A measure the CDO keeps (My updates lists them), continued across the years.
        cdo.goto(f"{BASE}/my-updates/")
        href = cdo.locator("a[href*='/measures/']").first.get_attribute("href")
        cdo.set_viewport_size({"width": 1280, "height": 1500})
        cdo.goto(BASE + href.split("#")[0])
        cdo.wait_for_load_state("networkidle")
        cdo.screenshot(path=OUT / "measure-page.png")
        browser.close()


if __name__ == "__main__":
    main()
