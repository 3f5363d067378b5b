"""Real headless Chromium, driven by Playwright, against the app served by `live_server`.

Chromium comes from the operating system's package (Debian's `chromium`): Playwright's own
browser download is not used. Where Chromium is not installed, only these tests are skipped,
and pytest's summary says why.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.two_factor import pass_the_second_step

# Playwright's sync API runs an event loop in this thread; Django refuses database access from
# "async" contexts unless told otherwise. This is set for the test run only, never in settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE_SCRIPT.read_text() if AXE_SCRIPT.exists() else ""
# WCAG 2.2 A and AA, and the 2.0 and 2.1 rules they include.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        # CI installs Chromium and must run these tests: a missing browser is a failure there.
        raise pytest.UsageError("REQUIRE_BROWSER_TESTS is set but Chromium was not found.")
    skip = pytest.mark.skip(
        reason="Chromium is not installed (on Debian: apt-get install chromium), "
        "so the browser tests were skipped"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Reports each Content Security Policy violation on the console, where the page fixture (or
# watch_for_csp_violations) picks it up: the policy (CONTENT_SECURITY_POLICY in settings) must
# never block anything the pages do. Playwright's init scripts are not subject to the policy.
CSP_VIOLATION_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`securitypolicyviolation: ${event.violatedDirective} blocked `
    + `${event.blockedURI || "inline"} at ${event.sourceFile || event.documentURI}`
    + `:${event.lineNumber} (${event.sample || "no sample"})`);
});
"""


def is_csp_violation(text):
    """Chromium's own console message for a blocked resource or inline code ("Refused to load
    the script ... because it violates the following Content Security Policy directive"), or
    the reporter's above."""
    return (
        text.startswith("Refused to")
        or "Content Security Policy" in text
        or text.startswith("securitypolicyviolation")
    )


def watch_for_csp_violations(context, violations):
    """Append every CSP violation of the context's pages to `violations` (a list)."""
    context.add_init_script(CSP_VIOLATION_REPORTER)
    context.on(
        "console",
        lambda message: (
            violations.append(f"CSP: {message.text}") if is_csp_violation(message.text) else None
        ),
    )


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    errors = []
    # Any CSP violation fails the test, as a script error does.
    watch_for_csp_violations(context, errors)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            # A 404 page is itself answered 404; failed sub-resources are caught below instead.
            # CSP violations are recorded by watch_for_csp_violations.
            if message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and not is_csp_violation(message.text)
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}")
            # A page's own assets failing is a broken page; a refused fetch may be the test's point.
            if response.status >= 400
            and response.request.resource_type in {"stylesheet", "script", "image", "font"}
            else None
        ),
    )
    in_flight = set()
    page.on("request", lambda request: in_flight.add(request))
    page.on("requestfinished", lambda request: in_flight.discard(request))
    page.on("requestfailed", lambda request: in_flight.discard(request))
    yield page
    # Let requests still in flight finish before the test's database goes away under them. A
    # round trip to the page first delivers the events of the requests already sent; most tests
    # end on a loaded page, and waiting for an idle network costs half a second even then.
    from playwright.sync_api import Error as PlaywrightError

    try:
        page.evaluate("0")
    except PlaywrightError:  # the page is between two documents: a navigation is in flight
        in_flight.add("navigation")
    if in_flight:
        page.wait_for_load_state("networkidle")
    context.close()
    # A script error on any page is a failure of the page, even if the journey got through.
    assert errors == [], f"The browser reported errors: {errors}"


@pytest.fixture
def axe_check():
    """Run axe-core in the page against WCAG 2.2 A and AA; return the violations."""

    def check(page):
        # A page a click has just asked for is checked once it has loaded, not while it loads.
        page.wait_for_load_state()
        # Evaluated rather than added as a <script> tag: the Content Security Policy refuses
        # inline scripts, and Playwright's evaluation is not subject to it.
        page.evaluate(AXE_SOURCE)
        # Only the violations are reported in full: axe then finds the same violations in half
        # the time, not building selectors for every element that passes.
        result = page.evaluate(
            "tags => axe.run(document, "
            "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS,
        )
        return [
            {
                "id": violation["id"],
                "help": violation["help"],
                "nodes": [node["target"] for node in violation["nodes"]][:5],
            }
            for violation in result["violations"]
        ]

    return check


DEMO_PASSWORD = "safer-lewisham-demo"


@pytest.fixture
def sign_in(live_server):
    """Sign a page in with a demo login through the sign-in form, typing the code of the
    person's authenticator app where one is asked for (the demo's administrators have one)."""

    def sign_in(page, username):
        page.goto(live_server.url + "/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        pass_the_second_step(page, username)

    return sign_in
