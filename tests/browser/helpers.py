from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import PASSWORD, WCAG_TAGS

_axe = Axe()


def check_page(page, reload=True):
    """What every page the journeys visit must pass: axe (WCAG 2.0–2.2 A/AA) with zero
    violations, and no sideways scrolling at 320 and 1280 pixels wide. A page that answers a
    POST (an upload's preview) cannot be loaded again: reload=False resizes its own tab."""
    # axe runs as JavaScript: check pages in a context with it on (pages are the same HTML).
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert not getattr(page, "csp_errors", []), f"{page.url}: CSP blocked {page.csp_errors}"
    assert not getattr(page, "console_errors", []), f"{page.url}: {page.console_errors}"
    # Each width in a fresh tab of the same session, loaded at that width as a person on that
    # screen would load it; the journey's own tab keeps its state.
    if not reload:
        original = page.viewport_size
        try:
            for width in (320, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                # The NHS.UK header folds its navigation on the next frame after a resize.
                page.evaluate(_NEXT_FRAMES)
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                assert scroll_width <= width, (
                    f"{page.url} scrolls sideways at {width}px ({scroll_width}px): "
                    f"{page.evaluate(_TOO_WIDE, width)}"
                )
        finally:
            page.set_viewport_size(original)
        return
    probe = page.context.new_page()
    try:
        for width in (320, 1280):
            probe.set_viewport_size({"width": width, "height": 900})
            probe.goto(page.url)
            scroll_width = probe.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, (
                f"{page.url} scrolls sideways at {width}px ({scroll_width}px): "
                f"{probe.evaluate(_TOO_WIDE, width)}"
            )
    finally:
        probe.close()


_NEXT_FRAMES = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)

_TOO_WIDE = """(width) => [...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.uhb-scroll'))
  .slice(0, 5).map((el) => el.tagName + '.' + el.className + ' ' + el.textContent.trim().slice(0, 40))"""


def follow(page, target):
    """Click a link or button that loads a new page, and return once that page has loaded.

    A click returns when the next page has begun to load, not when it has: the page is still
    blank then, and reading it straight away reads nothing (it failed CI once, on a busy
    machine). Clicks that htmx answers in place wait for what they put on the page instead."""
    with page.expect_navigation():
        target.click()


def log_in(page, base, username, keyboard=False):
    page.goto(f"{base}/login/")
    if keyboard:
        tab_to(page, "#id_username")
        page.keyboard.type(username)
        tab_to(page, "#id_password")
        page.keyboard.type(PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
    assert "/login/" not in page.url, f"{username} could not log in"


_FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const highlight = style.backgroundColor === 'rgb(255, 235, 59)';
  return outline || shadow || highlight;
}"""


def tab_to(page, selector, limit=400):
    """Press Tab until `selector` has focus, checking at every stop that focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            assert page.evaluate(_FOCUS_VISIBLE), f"focus on {selector} is not visible"
            return
        if page.evaluate("document.activeElement === document.body"):
            continue  # focus went round through the browser's own controls
        where = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        assert page.evaluate(_FOCUS_VISIBLE), f"focus is not visible on {where}"
    raise AssertionError(f"could not reach {selector} with the Tab key")


def focus_is_on(page, selector, timeout=5_000) -> bool:
    """Whether focus reaches `selector`. Scripts move focus after a swap or on load, a moment
    after the element appears (later on a busy machine), so this waits for it."""
    try:
        page.wait_for_function(
            "(s) => document.activeElement && document.activeElement.matches(s)",
            arg=selector,
            timeout=timeout,
        )
    except Exception:  # Playwright's TimeoutError: focus never got there
        return False
    return True
