"""The four journeys of the people who use uhbplan, in a real browser, checked with axe."""

import io
import re
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from assurance.models import AssuranceReview
from deliverables.models import Deliverable, StatusUpdate
from objectives.models import Quarter
from tests.browser.conftest import PASSWORD
from tests.browser.helpers import check_page, focus_is_on, follow, log_in, tab_to
from tests.deliverables.factories import StatusUpdateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def missing_count(page, base):
    page.goto(f"{base}/dashboard/?plan=2021%2F22&quarter=2")
    text = page.locator(".uhb-figure", has_text="updates missing").inner_text()
    return int(re.match(r"\d+", text).group())


def test_executive(site, new_page):
    """An executive with 15 deliverables does four updates from the overview alone: open the
    first in place, start from last quarter, "Save and go to the next" three times."""
    base, _ = site
    q1 = Quarter.objects.get(number=1)
    cdo_rows = list(Deliverable.objects.filter(owners__code="CDO").natural_order())
    for deliverable in cdo_rows[:4]:
        StatusUpdateFactory(
            deliverable=deliverable, quarter=q1, status="green", narrative=f"Q1 {deliverable}."
        )
    page = new_page()
    log_in(page, base, "cdo", keyboard=True)
    assert page.url.endswith("/my-updates/")
    assert page.locator("h1").inner_text().startswith("My updates")
    assert page.locator(".uhb-queue-row").count() == 15  # the CDO's 14, and 1.1 owned by ALL
    # The whole quarter fits in about three screens before any form is opened.
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 3000, f"My updates is {height}px tall at 1280px wide"
    assert page.locator("textarea").count() == 0
    check_page(page)

    # The first, by keyboard: open it in place, start from Q1, and a refused save first.
    first = page.locator(".uhb-queue-row").first
    first_pk = first.get_attribute("id").split("-")[1]
    tab_to(page, f"#deliverable-{first_pk} a.uhb-open-update")
    page.keyboard.press("Enter")
    panel = page.locator(f"#panel-{first_pk}")
    panel.wait_for()
    assert focus_is_on(page, ".uhb-panel__heading")
    assert "Last quarter" in panel.inner_text()
    check_page(page)
    tab_to(page, f"#id_d{first_pk}-status_0")  # a radio group is one Tab stop...
    page.keyboard.press("ArrowDown")  # ...and the arrows choose within it
    page.keyboard.press("ArrowDown")
    assert page.is_checked(f"#id_d{first_pk}-status_2")  # At risk (Amber)
    assert page.is_visible(f"#id_d{first_pk}-amber_date_0")  # revealed under it
    assert not page.is_visible(f"#id_d{first_pk}-red_date_0")
    tab_to(page, f"#panel-{first_pk} button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#panel-{first_pk} .nhsuk-error-summary")
    assert focus_is_on(page, ".nhsuk-error-summary")
    hrefs = page.locator(f"#panel-{first_pk} .nhsuk-error-summary a").evaluate_all(
        "(links) => links.map((a) => a.getAttribute('href'))"
    )
    assert f"#id_d{first_pk}-narrative" in hrefs and f"#id_d{first_pk}-amber_date_0" in hrefs
    assert f"#id_d{first_pk}-reason_for_change" in hrefs
    check_page(page)
    tab_to(page, f"#id_d{first_pk}-narrative")
    page.keyboard.type("Supplier two weeks late; recovery plan agreed.")
    tab_to(page, f"#id_d{first_pk}-amber_date_0")
    page.keyboard.type("31")
    page.keyboard.press("Tab")
    page.keyboard.type("12")
    page.keyboard.press("Tab")
    page.keyboard.type("2021")
    tab_to(page, f"#id_d{first_pk}-reason_for_change")  # Green in Q1, so a reason is needed
    page.keyboard.type("Supplier delay.")
    tab_to(page, f"#panel-{first_pk} button[value=next]")
    page.keyboard.press("Enter")

    # Three more, each from the Q1 update where there is one, each saved by "Save and go to
    # the next", which opens the next form under its own row.
    done = [first_pk]
    for _ in range(3):
        panel = page.locator(f".uhb-panel-row:not(#panel-{done[-1]})")
        panel.wait_for()
        pk = panel.get_attribute("id").split("-")[1]
        assert pk not in done
        page.wait_for_selector(f"#deliverable-{done[-1]} .uhb-saved")
        assert page.locator(".uhb-panel-row").count() == 1  # one form at a time
        start = panel.get_by_role("link", name=re.compile("Start from the Q1 update"))
        if start.count():
            start.click()
            page.locator(f"#panel-{pk} .uhb-copied").wait_for()
            assert page.input_value(f"#id_d{pk}-narrative").startswith("Q1 ")
            page.fill(f"#id_d{pk}-narrative", "Held to plan this quarter too.")
        else:
            page.locator(f"#panel-{pk}").get_by_label("Complete (Blue)").check()
            page.fill(f"#id_d{pk}-narrative", "Delivered in July.")
        page.locator(f"#panel-{pk}").get_by_role("button", name=re.compile("Save and go")).click()
        done.append(pk)
    page.wait_for_selector(f"#deliverable-{done[-1]} .uhb-saved")
    assert "/my-updates/" in page.url  # all in place
    assert StatusUpdate.objects.filter(quarter__number=2).count() == 4
    check_page(page)

    # With JavaScript off, each update has its own page, and "Save and go to the next" goes to
    # the next one's page.
    plain = new_page(javascript=False)
    log_in(plain, base, "cdo")
    follow(plain, plain.locator(".uhb-queue-row a.uhb-open-update", has_text="Update").first)
    plain.get_by_label("Complete (Blue)").check()
    plain.get_by_label("Progress").fill("Delivered in August.")
    plain.fill("textarea[name$=reason_for_change]", "Delivered.")  # where Q1 had a status
    heading = plain.locator("h1").inner_text()
    follow(plain, plain.get_by_role("button", name=re.compile("Save and go")))
    assert "Saved your Q2 update" in plain.locator(".nhsuk-notification-banner").inner_text()
    assert plain.locator("h1").inner_text().startswith("Update ") and (
        plain.locator("h1").inner_text() != heading
    )
    assert StatusUpdate.objects.filter(quarter__number=2).count() == 5
    page.goto(plain.url)  # axe needs JavaScript, so the same page is checked in the other tab
    check_page(page)

    # The dashboard reflects the saves, and the deliverable page shows the first.
    due = Deliverable.objects.requiring_update_in(Quarter.objects.get(number=2)).count()
    assert missing_count(page, base) == due - 5
    page.goto(f"{base}/deliverables/{first_pk}/")
    assert "Supplier two weeks late" in page.content()
    check_page(page)


def test_secretary(site, new_page):
    base, _ = site
    page = new_page()
    log_in(page, base, "dhg-secretary")
    assert page.url.endswith("/my-groups/")
    assert page.locator("h1").inner_text() == "DHG: items for review"
    check_page(page)
    dhg = Deliverable.objects.filter(assurance_groups__code="DHG").count()
    assert dhg == 7 and page.locator(".uhb-result-list > li").count() == dhg  # 1.3, 6.1–6.5, 7.1

    page.get_by_label("Reference or words").fill("Windows 10")
    follow(page, page.get_by_role("button", name="Apply filters"))
    assert page.locator(".uhb-result-list > li").count() == 1
    check_page(page)

    follow(page, page.get_by_role("link", name=re.compile("Record DHG's assurance")).first)
    check_page(page)
    page.get_by_label("Reasonable").check()
    page.get_by_label("Comments").fill("Rollout on plan; monitoring.")
    page.locator("textarea[name=actions_requested]").fill("Confirm the last 40 PCs by December")
    follow(page, page.get_by_role("button", name="Record assurance"))
    assert "Recorded DHG's assurance" in page.locator(".nhsuk-notification-banner").inner_text()
    review = AssuranceReview.objects.get()
    assert review.level == "reasonable" and review.actions.count() == 1

    # The action is on the deliverable's page, where the secretary closes it.
    page.goto(f"{base}/deliverables/{review.deliverable_id}/#findings")
    assert (
        "Confirm the last 40 PCs by December"
        in page.locator("#findings ~ .uhb-actions").inner_text()
    )
    check_page(page)
    follow(page, page.get_by_role("button", name=re.compile("Close the action")))
    assert "Closed the action." in page.locator(".nhsuk-notification-banner").inner_text()
    assert not review.actions.get().is_open
    page.goto(f"{base}/my-groups/")

    follow(page, page.get_by_role("link", name=re.compile("DHG pack for Q2")))
    assert page.locator("h1").inner_text().startswith("DHG pack")
    assert "Rollout on plan; monitoring." in page.content()
    check_page(page)


def test_administrator(site, new_page):
    base, _ = site
    page = new_page()
    log_in(page, base, "admin")
    check_page(page)
    deliverable = Deliverable.objects.get(objective__number=10, number=2)
    page.goto(f"{base}/admin/deliverables/deliverable/{deliverable.pk}/change/")
    check_page(page)
    page.fill("#id_delivery", "Q1-Q3")
    follow(page, page.get_by_role("button", name="Save", exact=True))
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    check_page(page)
    deliverable.refresh_from_db()
    assert (deliverable.delivery, deliverable.end_quarter) == ("Q1-Q3", 3)

    page.goto(f"{base}/quarters/")
    check_page(page)
    # The board paper cover, entered before closing.
    follow(page, page.get_by_role("link", name=re.compile("Board paper cover for Q2")))
    check_page(page)
    page.fill("#id_meeting", "Board of Directors (public)")
    page.fill("#id_agenda_item", "7.2")
    follow(page, page.get_by_role("button", name="Save the cover"))
    assert "Saved the board paper cover" in page.locator(".nhsuk-notification-banner").inner_text()
    follow(page, page.get_by_role("link", name=re.compile("Close Q2")))
    # Closing asks first, saying how many updates are still missing, and which of the cover's
    # fields would print as "To be confirmed" (issue 28).
    assert "updates still missing" in page.locator(".nhsuk-warning-callout").first.inner_text()
    blanks = page.locator("#cover-unconfirmed").inner_text()
    assert (
        "Meeting date" in blanks and "Executive sponsor" in blanks and "Agenda item" not in blanks
    )
    check_page(page)
    follow(page, page.get_by_role("button", name="Close anyway and fix its report"))
    banner = page.locator(".nhsuk-notification-banner").inner_text()
    assert "is closed and its board report is fixed" in banner
    check_page(page)
    follow(page, page.get_by_role("link", name="Board report Q2"))
    # The cover sheet's title (the plan's own, as none was entered), then the summary.
    assert (
        page.locator("h1").inner_text() == "UHB Strategy Implementation Plan: Q2 2021/22 progress"
    )
    assert page.get_by_role("heading", name="Executive summary: Q2 2021/22, Jul–Sep 2021").count()
    assert "as it stood when Q2 closed" in page.locator(".nhsuk-inset-text").first.inner_text()
    check_page(page)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_viewer(site, new_page):
    base, people = site
    page = new_page()
    page.goto(f"{base}/login/")
    check_page(page)  # the login page, before signing in
    page.fill("#id_username", "viewer")
    page.fill("#id_password", "not the password")
    page.click("button[type=submit]")
    assert page.locator(".nhsuk-error-summary").count() == 1
    assert focus_is_on(page, ".nhsuk-error-summary")
    check_page(page)  # the login page with its error summary
    log_in(page, base, "viewer")
    assert page.url.endswith("/dashboard/")
    # At 1,280 px the roll-up tables show their essential columns without scrolling sideways,
    # once opened: they are folded so the first screen answers the Board first (issue 28).
    page.get_by_text("The figures behind the bars").click()
    edges = page.evaluate(
        "[...document.querySelectorAll('.uhb-rollup-table')]"
        ".filter((t) => t.offsetParent).map((t) => t.getBoundingClientRect().right)"
    )
    assert edges and max(edges) <= 1280, edges
    headers = page.locator(".uhb-rollup-table").first.locator("thead th").all_inner_texts()
    for essential in ("Due", "Off track (Red)", "At risk (Amber)", "Update missing"):
        assert essential in headers
    for path in [
        "/dashboard/",
        "/rag-grid/",
        "/deliverables/",
        "/plan/",
        "/board-report/",
        "/accessibility/",
    ]:
        page.goto(base + path)
        assert page.locator("h1").count() == 1
        assert (
            page.locator("form[method=post] textarea, form[method=post] input[type=radio]").count()
            == 0
        )
        check_page(page)
    deliverable = Deliverable.objects.get(objective__number=6, number=4)
    page.goto(f"{base}/deliverables/{deliverable.pk}/")
    assert "Write the Q2 update" not in page.content()
    check_page(page)
    # A crafted POST is refused by the server.
    token = page.context.cookies()
    csrf = next(c["value"] for c in token if c["name"] == "csrftoken")
    response = page.request.post(
        f"{base}/deliverables/{deliverable.pk}/quarters/2/update/",
        form={f"d{deliverable.pk}-status": "red", f"d{deliverable.pk}-narrative": "x"},
        headers={"X-CSRFToken": csrf, "Referer": base},
    )
    assert response.status == 403
    assert not StatusUpdate.objects.exists()


def open_first_update(page):
    """Open the first update on My updates in place; returns its deliverable's pk."""
    row = page.locator(".uhb-queue-row").first
    pk = row.get_attribute("id").split("-")[1]
    row.locator("a.uhb-open-update").click()
    page.locator(f"#panel-{pk} form.uhb-update-form").wait_for()
    return pk


def back_to_this_tab(page):
    """What the browser does when the person returns to this tab. Headless Chromium has no
    window focus to give, so the event is sent as the window would send it."""
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")


def test_typed_text_survives_an_expired_session_and_a_new_token(site, new_page):
    """Signed out while typing (the idle timeout): Save keeps everything on screen, offers
    signing in again in a new tab, and saves when the person comes back. Signing in again in
    another tab (a new security token) does not stop the next save either."""
    base, _ = site
    page = new_page()
    log_in(page, base, "cdo")
    pk = open_first_update(page)
    panel = page.locator(f"#panel-{pk}")
    text = "Typed carefully over twenty minutes."
    panel.get_by_label("Complete (Blue)").check()  # valid whatever the delivery window
    page.fill(f"#id_d{pk}-narrative", text)
    # Let the drafts already on their way arrive first: a response still in flight when the
    # cookies go would set the session cookie again, and the session would not have ended.
    with page.expect_response(
        lambda r: r.url.endswith("/draft/") and text in (r.request.post_data or "")
    ) as kept:
        page.locator(f"#id_d{pk}-narrative").blur()
    kept.value.finished()

    # The session ends while the form is open (as after the idle timeout).
    assert any(c["name"] == "sessionid" for c in page.context.cookies())
    page.context.clear_cookies()
    panel.get_by_role("button", name=re.compile("Save and close")).click()
    problem = panel.locator(".uhb-save-problem")
    problem.wait_for()
    assert "You have been logged out" in problem.inner_text()
    assert focus_is_on(page, ".uhb-save-problem")
    sign_in = problem.get_by_role("link", name="Log in again (opens in a new tab)")
    assert sign_in.get_attribute("target") == "_blank"
    assert page.input_value(f"#id_d{pk}-narrative") == text
    assert not StatusUpdate.objects.exists()
    # The browser logs the refused requests (the check, and drafts that could not be kept) as
    # console errors: expected here, and nothing else may be there. (Wait for the last draft
    # attempt, which is debounced, to be refused too.)
    page.wait_for_timeout(2_500)
    refused = [e for e in page.console_errors if re.search(r"status of 40[13]", e)]
    assert refused and len(refused) == len(page.console_errors)
    page.console_errors.clear()
    check_page(page)

    # Signing in again in a new tab, as the link does, then back to this one: it saves.
    with page.context.expect_page() as opened:
        sign_in.click()
    other = opened.value
    other.fill("#id_username", "cdo")
    other.fill("#id_password", PASSWORD)
    other.click("button[type=submit]")
    other.get_by_role("heading", name="You are logged in again").wait_for()
    other.close()
    back_to_this_tab(page)
    page.locator(f"#deliverable-{pk} .uhb-saved").wait_for()
    assert StatusUpdate.objects.get(deliverable_id=pk, quarter__number=2).narrative == text

    # Signed out and in again elsewhere (a new session and token) while typing the next one.
    second = page.locator(".uhb-queue-row").nth(1)
    second_pk = second.get_attribute("id").split("-")[1]
    second.locator("a.uhb-open-update").click()
    page.locator(f"#panel-{second_pk}").get_by_label("Complete (Blue)").check()
    page.fill(f"#id_d{second_pk}-narrative", "Second, after a new token.")
    other = page.context.new_page()
    other.goto(f"{base}/my-updates/")
    other.get_by_role("button", name="Log out").first.click()
    log_in(other, base, "cdo")
    other.close()
    page.locator(f"#panel-{second_pk}").get_by_role(
        "button", name=re.compile("Save and close")
    ).click()
    page.locator(f"#deliverable-{second_pk} .uhb-saved").wait_for()
    saved = StatusUpdate.objects.get(deliverable_id=second_pk, quarter__number=2)
    assert saved.narrative == "Second, after a new token."


def test_a_draft_is_restored_after_closing_the_tab(site, new_page):
    base, _ = site
    page = new_page()
    log_in(page, base, "cdo")
    pk = open_first_update(page)
    page.fill(f"#id_d{pk}-narrative", "Half a thought, never saved")
    page.fill(f"#id_d{pk}-risks", "Supplier capacity")
    status = page.locator(f"#panel-{pk} .uhb-draft-status")
    status.wait_for()
    assert "Draft kept at" in status.inner_text()
    page.close()
    assert not StatusUpdate.objects.exists()

    # Another browser (another device): the draft is waiting.
    elsewhere = new_page()
    log_in(elsewhere, base, "cdo")
    row = elsewhere.locator(f"#deliverable-{pk}")
    assert "Draft not yet saved" in row.inner_text()
    row.locator("a.uhb-open-update").click()
    elsewhere.locator(f"#panel-{pk} .uhb-draft-restored").wait_for()
    assert elsewhere.input_value(f"#id_d{pk}-narrative") == "Half a thought, never saved"
    assert elsewhere.input_value(f"#id_d{pk}-risks") == "Supplier capacity"
    check_page(elsewhere)


def test_the_timeout_warning_and_stay_signed_in(site, new_page, settings):
    """With a 14-second session and a 10-second warning: the warning opens after about four
    seconds, "Stay logged in" keeps the session past its first end, and after the timeout the
    page says how to sign in again without throwing anything away."""
    base, _ = site
    settings.SESSION_COOKIE_AGE = 14
    settings.SESSION_WARNING_SECONDS = 10
    page = new_page()
    log_in(page, base, "cdo")
    dialog = page.locator("#uhb-timeout")
    dialog.get_by_role("heading", name="You're about to be logged out").wait_for()
    assert focus_is_on(page, "[data-uhb-stay]")
    assert "second" in dialog.locator(".uhb-timeout__countdown").inner_text()
    check_page(page)
    # check_page loads the page in other tabs: activity, which closes the warning here too.
    page.wait_for_function("() => !document.getElementById('uhb-timeout').open")
    dialog.get_by_role("heading", name="You're about to be logged out").wait_for()
    assert focus_is_on(page, "[data-uhb-stay]")
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    first_end = Session.objects.get(session_key=key).expire_date
    page.keyboard.press("Enter")  # Stay logged in
    page.wait_for_function("() => !document.getElementById('uhb-timeout').open")
    assert Session.objects.get(session_key=key).expire_date > first_end
    # Then nothing more is done: the session ends, and the page says so, keeping its content.
    dialog.get_by_role("heading", name="You have been logged out").wait_for(timeout=20_000)
    assert Session.objects.get(session_key=key).expire_date <= timezone.now()
    assert page.locator(".uhb-queue-row").count() == 15
    assert dialog.get_by_role("link", name=re.compile("Log in again")).is_visible()


def test_key_indicators_from_upload_to_the_board(site, new_page):
    """A data owner uploads a month's values (checked, then saved); a board member reads the
    dashboard's key indicators and the SPC chart, its icons and its data table."""
    from demo.measures import create_demo_measures
    from objectives.models import Measure, MeasureValue, Plan

    base, people = site
    create_demo_measures(Plan.objects.get(financial_year="2021/22"), people)
    measure = Measure.objects.get(name__startswith="Missed doses")
    assert measure.data_owner == people["cdo"]

    page = new_page()
    log_in(page, base, "cdo")
    page.goto(f"{base}/measures/{measure.pk}/")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "october.csv",
                "mimeType": "text/csv",
                "buffer": b"period,value\n2021-10,2.41\n2021-11,2.38\n",
            }
        ],
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name="Check the upload").wait_for()
    assert page.locator("tbody tr").count() == 2
    assert not MeasureValue.objects.filter(measure=measure, period="2021-10-01").exists()
    check_page(page, reload=False)
    page.get_by_role("button", name="Save these values").click()
    page.get_by_text("2 new, 0 changed, 0 unchanged").wait_for()
    assert MeasureValue.objects.get(measure=measure, period="2021-11-01").value == Decimal("2.38")

    reader = new_page()
    log_in(reader, base, "viewer")
    reader.goto(f"{base}/dashboard/?plan=2021/22&quarter=2")
    reader.get_by_text("Each key indicator").click()  # folded until asked for (issue 28)
    table = reader.get_by_role("table", name="Key indicators by theme")
    assert table.get_by_role("img", name="Special cause variation: concern, higher values").count()
    check_page(reader)
    follow(reader, table.get_by_role("link", name="Trust-acquired pressure ulcers"))
    chart = reader.get_by_role("img", name=re.compile("statistical process control chart"))
    assert "30 months from Apr 2019 to Sep 2021" in chart.locator("desc").text_content()
    reader.get_by_text("The chart's data as a table").click()
    assert reader.locator(".uhb-spc__table tbody tr").count() == 30
    check_page(reader)
    reader.get_by_role("link", name="Back to objective 3").click()
    reader.get_by_role("heading", name="Key indicators", exact=True).wait_for()
    check_page(reader)


def test_a_new_year_from_the_template_and_roll_over(site, new_page):
    """A plan administrator downloads the template, imports it as next year's plan after its
    preview, then rolls 2021/22's unfinished deliverables over into it."""
    from objectives.models import Plan

    base, _ = site
    page = new_page()
    log_in(page, base, "admin")
    page.goto(f"{base}/quarters/")
    follow(
        page, page.get_by_role("link", name="Import a plan from a spreadsheet or the plan document")
    )
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template (XLSX)").click()
    # Filled in as an administrator would, in Excel: the example row becomes their own.
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    book["Plan"]["F2"] = "Develop and implement a plan for informatics support for the divisions"
    filled = io.BytesIO()
    book.save(filled)
    template = filled.getvalue()
    page.set_input_files(
        "#id_file",
        files=[{"name": "plan.xlsx", "mimeType": "application/octet-stream", "buffer": template}],
    )
    page.fill("#id_financial_year", "2022/23")
    page.fill("#id_title", "UHB Strategy Implementation Plan")
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name="Check the plan import").wait_for()
    check_page(page, reload=False)
    assert not Plan.objects.filter(financial_year="2022/23").exists()
    page.get_by_role("button", name="Import the plan").click()
    page.get_by_text("1 deliverables new").wait_for()
    new_plan = Plan.objects.get(financial_year="2022/23")

    page.goto(f"{base}/plans/{new_plan.pk}/roll-over/")
    check_page(page)
    page.get_by_label("Carry over 1.1").uncheck()
    page.get_by_role("button", name="Roll over the chosen deliverables").click()
    page.get_by_text("Rolled 62 deliverables over").wait_for()
    # 1.1 came from the template; the other 62 are carried, linked to their origins.
    assert new_plan.objectives.get(number=6).deliverables.get(number=4).carried_from is not None


def test_people_and_api_tokens(site, new_page):
    """A plan administrator adds a person and gives them a role; a board member makes an API
    token for Power BI, which reads the API, then revokes it."""
    from django.contrib.auth import get_user_model

    base, _ = site
    page = new_page()
    log_in(page, base, "admin")
    follow(page, page.get_by_role("link", name="People").first)
    check_page(page)
    follow(page, page.get_by_role("link", name="Add a person"))
    page.fill("#id_first_name", "Nia")
    page.fill("#id_last_name", "New")
    page.fill("#id_email", "nia.new@nhs.net")
    follow(page, page.get_by_role("button", name="Add the person"))
    page.get_by_label("Role").select_option("viewer")
    follow(page, page.get_by_role("button", name="Give the role"))
    page.get_by_text("Given: Viewer (read only)").first.wait_for()
    check_page(page)
    assert get_user_model().objects.get(email="nia.new@nhs.net").has_perm("objectives.view_plan")

    reader = new_page()
    log_in(reader, base, "viewer")
    reader.goto(f"{base}/api-tokens/")
    reader.fill("#id_name", "Power BI board pack")
    reader.get_by_role("button", name="Make a token").click()
    token = reader.input_value("#new-token")
    check_page(reader, reload=False)
    # As Power BI would call it: no browser, no cookies, only the token.
    status, body = api_get(f"{base}/api/v1/deliverables/?plan=2021/22", token)
    assert status == 200 and body["count"] == 63
    reader.goto(f"{base}/api-tokens/")
    reader.get_by_role("button", name="Revoke Power BI board pack").click()
    reader.get_by_text("it no longer works").wait_for()
    assert api_get(f"{base}/api/v1/plans/", token)[0] == 401


def api_get(url, token):
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None
