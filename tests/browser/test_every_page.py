"""Every page of the service, as each role, in real Chromium: no WCAG 2.2 A/AA violations found
by axe-core, no errors from the Nu HTML Checker (vnu), and no link that leads to an error.

The pages are found the way people find them: each role signs in and follows every link it is
shown, breadth first, opening each URL pattern of the site at most a few times (the 37 actions of
the demo plan are one pattern). The crawl keeps to the partnership's pages (/p/<slug>/), where
people work, and the site administrator's to the site's own admin (/admin/); no page of the
partnership may link to a partnership's page without the partnership in its address. Then the
resolver's list of patterns is compared with what was opened, so that a new page nobody links
to, or that this crawl cannot reach, fails `test_the_crawl_reached_every_page_of_the_site` until
it is reached or excused below with a reason.
Forms with errors and error pages, which no link leads to, are made on purpose by
`test_error_pages_and_forms_with_errors_pass_axe_and_the_html_checker`.
"""

import json
import os
import shutil
import subprocess
from collections import deque
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from partnerships.middleware import SITE_NAMESPACES, SITE_VIEWS
from tests.browser.conftest import DEMO_PASSWORD, watch_for_csp_violations
from tests.conftest import PREFIX, TEST_PARTNERSHIP_ID
from tests.two_factor import pass_the_second_step, with_an_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")

OVERSIGHT = "oversight-lead"
SITE_ADMINISTRATOR = "site-administrator"
# Each role and the demo login it signs in with (None: not signed in).
ROLES = {
    "anonymous": None,
    "officer": "officer",  # Lewisham Council's community safety officer
    "other_officer": "police",  # an officer of another agency
    "chair": "chair",
    "administrator": "admin",  # the partnership's administrator
    # Made by `every_kind_of_page`:
    "oversight": OVERSIGHT,  # of an oversight body that covers the partnership
    "site_administrator": SITE_ADMINISTRATOR,
}
# Where each role starts: the partnership's pages (the site's root only sends people there),
# and the site's own admin for the site administrator.
STARTS = {
    "anonymous": [f"{PREFIX}/public/", f"{PREFIX}/sign-in/"],
    "officer": [f"{PREFIX}/"],
    "other_officer": [f"{PREFIX}/"],
    "chair": [f"{PREFIX}/"],
    "administrator": [f"{PREFIX}/", f"{PREFIX}/admin/"],
    "oversight": ["/oversight/"],
    "site_administrator": ["/admin/", "/oversight/"],
}
# The addresses each role's crawl keeps to: the partnership's (/p/<slug>/...), or the site's own
# pages above the partnerships. Links elsewhere are not followed.
AREAS = {role: (f"{PREFIX}/",) for role in STARTS} | {
    "oversight": ("/oversight/",),
    "site_administrator": ("/admin/", "/oversight/"),
}
# How many URLs of one pattern a role opens: enough to see the pattern's variations (a plan with
# and without priorities, an open and a closed quarter), few enough to keep the run short.
PER_PATTERN = 1
ADMIN_PER_PATTERN = 1
# Patterns whose URLs differ in what they lead to: every plan (active, in consultation, a
# draft...) and a closed as well as an open quarter.
PATTERN_LIMITS = {"plans:detail": 4, "reviews:quarter": 3, "public:plan": 2}
# Links the crawl does not follow: signing out ends the crawl's session; admin's "view site"
# and documentation pages are Django's own.
NOT_FOLLOWED_PREFIXES = tuple(
    prefix + path
    for prefix in ("", PREFIX)
    for path in ("/sign-out/", "/admin/logout/", "/admin/doc/")
)

# Patterns no link leads to, or which are not pages, each with the reason.
EXCUSED = {
    "logout": "a POST-only button (sign out), checked in test_access",
    "reviews:close": "a POST-only button, checked in test_access and the chair's journey",
    "reviews:reopen": "a POST-only button, checked in test_access",
    "password_reset_confirm": "reached from the e-mailed link only (tests/agencies/"
    "test_password_reset.py)",
    "password_reset_complete": "reached after a reset only; covered by the password reset tests",
    "password_reset_done": "reached after asking for a reset (tests/agencies/"
    "test_password_reset.py)",
    "favicon": "a redirect to the icon file, not a page",
    "partnership_logo": "the partnership's logo, an image in its header (not a link) where it "
    "has one, not a page; checked in test_access",
    "plans:publish": "a POST-only button",
    "reviews:prepared_pack": "the pack's link leads here only for a plan of more actions than "
    "BACKGROUND_DOWNLOAD_ACTIONS, which the demo's are not: tests/browser/"
    "test_pack_in_background.py, which checks it with axe-core",
    "reviews:prepared_pack_download": "a file, not a page (tests/browser/"
    "test_pack_in_background.py)",
    "consultation:address": "a POST-only button on the comments list",
    "consultation:reopen": "a POST-only button on the comments list",
    "indicators:override": "a POST-only form on the indicator's page, checked in test_access "
    "and tests/indicators/test_indicator_page.py",
    "invitations:accept": "reached from the e-mailed link only (tests/invitations/, and "
    "tests/browser/test_first_hour.py, which checks it with axe-core)",
    "invitations:preview": "reached after uploading a file (tests/browser/test_first_hour.py, "
    "which checks it with axe-core)",
    "invitations:resend": "a POST-only button on the list of invitations",
    "bulkupdates:upload": "reached after uploading a progress spreadsheet "
    "(tests/browser/test_bulk_progress.py, which checks it with axe-core and the HTML checker)",
    "invitations:withdraw": "a POST-only button on the list of invitations",
    "sso:start": "a partnership's single sign-on button, shown only where a provider serves "
    "it (none in the demo): tests/sso/ and tests/browser/test_single_sign_on.py",
    "sso:by_email": "the sign-in page's work e-mail form, shown only where a provider serves "
    "e-mail domains (none in the demo): tests/sso/ and tests/browser/test_single_sign_on.py",
    "sso:callback": "where a provider sends the person back, not a link: tests/sso/",
    "twofactor:code": "a step of signing in, not a link (tests/browser/test_two_factor.py)",
    "twofactor:recovery_codes": "shown once, just after the codes are made "
    "(tests/browser/test_two_factor.py)",
    "twofactor:turn_off": "offered to people who turned two-factor on by choice, and no demo "
    "login has (tests/browser/test_two_factor.py)",
}


def _patterns(resolver=None, prefix="", namespace=None):
    """(name, route) of every URL pattern of the site outside admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = entry.namespace or namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = entry.name
            if name and namespace:
                name = f"{namespace}:{name}"
            yield name or prefix + str(entry.pattern), prefix + str(entry.pattern)


def _match(path):
    """The URL pattern an address of the partnership (/p/<slug>/...) or of the site's root
    leads to, or None."""
    path = urlsplit(path).path
    if path.startswith(PREFIX + "/"):
        path = path.removeprefix(PREFIX)
    try:
        return resolve(path)
    except Resolver404:
        return None


def _pattern_of(path, areas):
    """The pattern of a page in the areas (None for any other address: each role's crawl keeps
    to its areas, AREAS)."""
    match = _match(path) if urlsplit(path).path.startswith(areas) else None
    if match is None:
        return None
    return match.view_name or match.route


def _is_site_page(path):
    """Whether the address is one of the site's own pages (signing in, the choice of
    partnership, the site's admin), which belong to no partnership."""
    match = _match(path)
    return match is not None and (
        (match.url_name in SITE_VIEWS and not match.namespace)
        or bool(set(match.namespaces) & SITE_NAMESPACES)
    )


@pytest.fixture
def every_kind_of_page(demo_data):
    """The demo data, plus what makes the rarer pages exist: a closed quarter, a plan out for
    consultation with comments, a published plan; an oversight body that covers the
    partnership, with one person; and a site administrator."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from consultation.models import Comment
    from partnerships.models import OversightBody
    from plans.models import AnnualPlan, PlanStatus
    from tests.closing import close_quarter
    from tests.factories import SuperuserFactory, UserFactory

    users = get_user_model().objects
    chair = users.get(username="chair")
    plan = AnnualPlan.objects.get(slug="safer-lewisham-plan-17-18")
    close_quarter(plan, 2, by=chair, on=date(2018, 1, 15))
    plan.published_at = timezone.now()
    plan.save()
    draft = AnnualPlan.objects.get(slug="safer-lewisham-plan-18-19")
    draft.status = PlanStatus.CONSULTATION
    draft.save()
    Comment.objects.create(plan=draft, author=chair, text="Add a strand on hate crime.")
    Comment.objects.create(
        plan=draft,
        author=users.get(username="officer"),
        text="Already addressed.",
        addressed_at=timezone.now(),
        addressed_by=users.get(username="admin"),
    )
    body = OversightBody.objects.create(
        name="Office of the Police and Crime Commissioner", slug="pcc", kind="pcc"
    )
    body.covers.add(TEST_PARTNERSHIP_ID)
    body.members.add(UserFactory(username=OVERSIGHT, password=DEMO_PASSWORD))
    with_an_app(SuperuserFactory(username=SITE_ADMINISTRATOR, password=DEMO_PASSWORD))


@pytest.fixture(scope="module")
def crawl_log():
    """What every role's crawl opened, shared by the tests of this module."""
    return {"visited": {}, "html": [], "problems": []}


def _crawl(page, base_url, role, axe_check, log, html_dir, csp_violations):
    start = STARTS[role]
    queue = deque(urljoin(base_url, path) for path in start)
    seen_urls = set(queue)
    opened_per_pattern = {}
    while queue:
        url = queue.popleft()
        path = urlsplit(url).path
        pattern = _pattern_of(path, AREAS[role])
        if pattern is None:
            continue  # a static file, or a link to somewhere else
        limit = PATTERN_LIMITS.get(
            pattern, ADMIN_PER_PATTERN if pattern.startswith("admin:") else PER_PATTERN
        )
        if opened_per_pattern.get(pattern, 0) >= limit:
            continue
        # Downloads (PDF, spreadsheets, the import template) are not pages: asked for first,
        # they are recorded and not opened in the browser.
        head = page.request.get(url, max_redirects=0)
        content_type = head.headers.get("content-type", "")
        if head.status >= 400:
            log["problems"].append(f"{role}: {url} answered {head.status}")
            continue
        if 300 <= head.status < 400 or "text/html" not in content_type:
            opened_per_pattern[pattern] = opened_per_pattern.get(pattern, 0) + 1
            log["visited"].setdefault(pattern, set()).add(role)
            # A redirect leads on, as a link does (an oversight body's list of bodies to the
            # person's only one).
            target = urljoin(url, head.headers.get("location", ""))
            if 300 <= head.status < 400 and target not in seen_urls:
                seen_urls.add(target)
                queue.append(target)
            continue
        response = page.goto(url)
        opened_per_pattern[pattern] = opened_per_pattern.get(pattern, 0) + 1
        log["visited"].setdefault(pattern, set()).add(role)
        if response is None or response.status >= 400:
            status = response.status if response else "nothing"
            log["problems"].append(f"{role}: {url} answered {status}")
            continue
        # goto has waited for the load event, by which the pages' only scripts (modules) have
        # run; they fetch nothing afterwards, so waiting for an idle network (half a second of
        # silence) would only slow the crawl down.
        log["problems"].extend(f"{role}: {url} {violation}" for violation in csp_violations)
        violations = axe_check(page)
        csp_violations.clear()
        if violations:
            log["problems"].append(f"{role}: {url} axe: {violations}")
        name = f"{role}-{len(log['html']):04d}.html"
        (html_dir / name).write_text(page.content(), encoding="utf-8")
        log["html"].append((name, f"{role}: {url}"))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc != urlsplit(base_url).netloc or parts.path.startswith(
                NOT_FOLLOWED_PREFIXES
            ):
                continue
            # A partnership's page links to its own pages, or to the site's: never to an address
            # of a partnership's page without the partnership (which would take someone of
            # several partnerships to the wrong one, or to a choice).
            in_partnership = path.startswith(f"{PREFIX}/")
            if (
                in_partnership
                and not parts.path.startswith(f"{PREFIX}/")
                and _match(parts.path) is not None
                and not _is_site_page(parts.path)
            ):
                log["problems"].append(f"{role}: {url} links to {parts.path} outside {PREFIX}/")
            target = parts._replace(fragment="").geturl()
            if target not in seen_urls:
                seen_urls.add(target)
                queue.append(target)


def test_every_page_as_every_role_passes_axe_and_the_html_checker(
    browser, live_server, every_kind_of_page, axe_check, crawl_log, tmp_path
):
    for role, username in ROLES.items():
        context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
        # A Content Security Policy violation on any page is a problem too. They are collected
        # apart and taken before axe-core runs: axe's own checks insert styles the policy
        # (rightly) refuses, which are the test tool's, not the page's.
        csp_violations = []
        watch_for_csp_violations(context, csp_violations)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "pageerror", lambda error, role=role: crawl_log["problems"].append(f"{role}: {error}")
        )
        try:
            if username:
                # The people of a partnership sign in on its pages; the others at the root.
                sign_in_at = PREFIX if AREAS[role] == (f"{PREFIX}/",) else ""
                page.goto(f"{live_server.url}{sign_in_at}/sign-in/")
                page.get_by_label("Username").fill(username)
                page.get_by_label("Password").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state()
                pass_the_second_step(page, username)
            _crawl(page, live_server.url, role, axe_check, crawl_log, tmp_path, csp_violations)
        finally:
            context.close()

    problems = crawl_log["problems"]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    _check_html(tmp_path, crawl_log["html"])


# Nu HTML Checker messages accepted, each with its reason. Only this one: Django's formsets put
# autocomplete="off" on their hidden management inputs on purpose, so that Firefox does not
# restore a stale form count when someone goes back to the page (which would lose or duplicate
# rows); the HTML spec frowns on the attribute there, and browsers ignore it harmlessly.
ACCEPTED_HTML_MESSAGES = (
    "An “input” element with a “type” attribute whose value is “hidden” must not have an "
    "“autocomplete” attribute",
)


def _check_html(directory, pages):
    """The Nu HTML Checker on every saved page: no errors (warnings are advice)."""
    if JAVA is None:
        if os.environ.get("REQUIRE_BROWSER_TESTS"):
            pytest.fail("REQUIRE_BROWSER_TESTS is set but Java, which vnu.jar needs, was not found")
        pytest.skip("Java is not installed, so the Nu HTML Checker (vnu.jar) cannot run")
    result = subprocess.run(  # noqa: S603 (fixed arguments: the pinned checker on our own files)
        [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    names = dict(pages)
    errors = [
        f"{names.get(Path(urlsplit(m.get('url', '')).path).name, m.get('url'))}: "
        f"line {m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error" and not m.get("message", "").startswith(ACCEPTED_HTML_MESSAGES)
    ]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)


def test_the_crawl_reached_every_page_of_the_site(crawl_log):
    """Run after the crawl (same module, in order): every pattern was opened by some role, or is
    excused with a reason."""
    if not crawl_log["visited"]:
        pytest.skip("the crawl did not run")
    names = {name for name, _route in _patterns()}
    missing = sorted(names - set(crawl_log["visited"]) - set(EXCUSED))
    assert missing == [], missing
    # An excuse for a pattern that no longer exists, or that is now reached, is out of date.
    assert sorted(set(EXCUSED) - names) == []


def _sign_in(page, base_url, username):
    page.goto(f"{base_url}{PREFIX}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    pass_the_second_step(page, username)


def test_error_pages_and_forms_with_errors_pass_axe_and_the_html_checker(
    browser, live_server, every_kind_of_page, axe_check, tmp_path
):
    """The pages people meet when something goes wrong: each form of the service sent with a
    mistake, and the 403 and 404 pages."""
    from actions.models import Action

    url = live_server.url
    police_action = Action.objects.filter(lead_agency__slug="metropolitan-police").first()
    council_action = Action.objects.filter(
        lead_agency__slug="lewisham-council", strand__priority__plan__slug__endswith="17-18"
    ).first()
    pages = []

    def check(page, label):
        page.wait_for_load_state("load")  # see _crawl: the pages fetch nothing after loading
        assert csp_violations == [], f"{label}: {csp_violations}"
        violations = axe_check(page)
        csp_violations.clear()
        assert violations == [], f"{label}: {violations}"
        name = f"error-{len(pages):02d}.html"
        (tmp_path / name).write_text(page.content(), encoding="utf-8")
        pages.append((name, label))

    csp_violations = []

    def as_role(username):
        context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
        watch_for_csp_violations(context, csp_violations)
        page = context.new_page()
        if username:
            _sign_in(page, url, username)
        return context, page

    context, page = as_role(None)
    page.goto(f"{url}{PREFIX}/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect_error_summary(page)
    check(page, "sign-in with a wrong password")
    page.goto(f"{url}{PREFIX}/sign-in/reset/")
    page.get_by_role("button", name="Send the link").click()
    expect_error_summary(page)
    check(page, "password reset without an address")
    context.close()

    context, page = as_role("officer")
    response = page.goto(url + f"{PREFIX}/actions/{police_action.pk}/update/")
    assert response.status == 403
    check(page, "403: another agency's action")
    response = page.goto(url + f"{PREFIX}/plans/no-such-plan/")
    assert response.status == 404
    check(page, "404")
    page.goto(url + f"{PREFIX}/actions/{council_action.pk}/update/")
    page.get_by_label("Amber", exact=True).check()
    page.get_by_label("Narrative", exact=True).fill("")
    page.get_by_role("button", name="Save progress").click()
    expect_error_summary(page)
    check(page, "progress form: amber without a narrative")
    context.close()

    context, page = as_role("chair")
    page.goto(url + f"{PREFIX}/plans/safer-lewisham-plan-18-19/comments/new/")
    page.get_by_role("button", name="Add comment").click()
    expect_error_summary(page)
    check(page, "comment form: empty")
    context.close()

    context, page = as_role("admin")
    page.goto(url + f"{PREFIX}/plans/safer-lewisham-plan-17-18/roll-forward/")
    page.get_by_label("Into a new plan").check()
    page.get_by_label("Web address").fill("safer-lewisham-plan-17-18")
    page.get_by_role("button", name="Roll forward").click()
    expect_error_summary(page)
    check(page, "roll forward: a web address already taken")
    context.close()

    _check_html(tmp_path, pages)


def expect_error_summary(page):
    from playwright.sync_api import expect

    expect(page.locator(".govuk-error-summary")).to_be_visible()
