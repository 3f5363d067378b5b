"""The Content Security Policy (CONTENT_SECURITY_POLICY in settings, no 'unsafe-inline') in real
Chromium: the detection of violations works, and Django admin's pages and widgets, which run the
most JavaScript of the site, work under the policy without a single violation.

Our own pages are checked by every browser test: the `page` fixture fails a test on any CSP
violation (tests/browser/conftest.py).
"""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import get_script_prefix, reverse, set_script_prefix
from playwright.sync_api import expect

from partnerships.context import everywhere, root_prefix
from tests.browser.conftest import DEMO_PASSWORD, watch_for_csp_violations
from tests.conftest import PREFIX
from tests.factories import SuperuserFactory
from tests.two_factor import pass_the_second_step, with_an_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def watched(browser):
    """A browser page whose CSP violations are collected (not failed on) in `violations`."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    violations = []
    watch_for_csp_violations(context, violations)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, violations, errors
    context.close()


def test_an_inline_script_or_style_is_refused_and_reported(watched, live_server):
    """The policy the site sends, on a page with inline code: blocked, and the violations seen.
    (Served by Playwright in place of the sign-in page, with the site's own policy header.)"""
    page, violations, _errors = watched
    policy = page.request.get(live_server.url + "/sign-in/").headers["content-security-policy"]
    page.route(
        live_server.url + "/sign-in/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html", "Content-Security-Policy": policy},
            body='<!DOCTYPE html><html lang="en"><title>t</title>'
            "<script>document.title = 'ran'</script>"
            '<p style="color: red">Styled</p><p onclick="alert(1)">Click</p></html>',
        ),
    )

    page.goto(live_server.url + "/sign-in/")
    page.get_by_text("Click").click()

    assert page.title() == "t", "the inline script ran"
    assert page.get_by_text("Styled").evaluate("p => getComputedStyle(p).color") != (
        "rgb(255, 0, 0)"
    )
    text = "\n".join(violations)
    assert "script-src" in text
    assert "style-src" in text


def sign_in_to_admin(page, base_url, username="admin", at=PREFIX):
    """Sign in to Plan administration: the partnership's (the demo's administrator), or with
    `at=""` the site's. Admin's sign-in page sends to the site's, with its second factor."""
    page.goto(f"{base_url}{at}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    pass_the_second_step(page, username)
    expect(page.locator("#site-name")).to_be_visible()


# The models only the site's administrators look after, in the site's admin (/admin/): a
# partnership's administrators do not see them in theirs.
SITE_ADMINISTRATORS_ONLY = {
    "partnerships.OversightBody",
    "indicators.IndicatorDefinition",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    # Single sign-on (issue 13): organisations' providers, their secrets, people's links.
    "sso.SingleSignOnProvider",
    "sso.SignInIdentity",
    # Background jobs' outcomes (docs/background-jobs.md): no one partnership owns a job.
    "django_celery_results.TaskResult",
}


@contextmanager
def in_the_sites_own_admin():
    """The site's admin (/admin/): no partnership in force, and the site's root addresses."""
    previous = get_script_prefix()
    set_script_prefix(root_prefix())
    try:
        with everywhere():
            yield
    finally:
        set_script_prefix(previous)


def admin_pages(user):
    """The changelist, add and first change and history page of every model in the admin the
    person is in (the partnership's, or the site's inside `in_the_sites_own_admin`) and may
    see, and the add page as a related-object popup (where admin allows adding); and the
    models they may not see."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages, hidden = [], set()
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_view_permission(request):
            hidden.add(opts.label)
            continue
        name = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{name}_add"))
            pages.append(reverse(f"{name}_add") + "?_to_field=id&_popup=1")
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"{name}_change", args=[first.pk]))
            pages.append(reverse(f"{name}_history", args=[first.pk]))
    return pages, hidden


def open_every_page(page, base_url, paths):
    for path in paths:
        response = page.goto(base_url + path)
        page.wait_for_load_state("load")
        assert response.status < 400, f"{path} answered {response.status}"


def test_every_admin_page_works_under_the_policy(watched, live_server, demo_data):
    """The partnership's Plan administration, as its administrator (the demo's "admin")."""
    page, violations, errors = watched
    sign_in_to_admin(page, live_server.url)
    paths, hidden = admin_pages(get_user_model().objects.get(username="admin"))

    open_every_page(page, live_server.url, paths)

    assert len(paths) > 20
    assert all(path.startswith(PREFIX + "/admin/") for path in paths)
    assert hidden <= SITE_ADMINISTRATORS_ONLY
    assert violations == []
    assert errors == []
    assert "'unsafe-inline'" not in str(settings.CONTENT_SECURITY_POLICY)


def test_every_page_of_the_sites_own_admin_works_under_the_policy(watched, live_server, demo_data):
    """The site's admin (/admin/), as a site administrator: every model, the partnerships and
    oversight bodies among them."""
    page, violations, errors = watched
    site_administrator = with_an_app(
        SuperuserFactory(username="site-administrator", password=DEMO_PASSWORD)
    )
    sign_in_to_admin(page, live_server.url, "site-administrator", at="")
    with in_the_sites_own_admin():
        paths, hidden = admin_pages(site_administrator)

    open_every_page(page, live_server.url, paths)

    assert hidden == set()
    assert reverse("admin:partnerships_oversightbody_add").removeprefix(PREFIX) in paths
    assert not any(path.startswith(PREFIX) for path in paths)
    assert violations == []
    assert errors == []


def test_admin_widgets_work_under_the_policy(watched, live_server, demo_data):
    """Date and time shortcuts, inline rows, prepopulated slugs, related-object
    popups and the change list's actions: all admin's JavaScript, none of it inline."""
    from actions.models import Action, Timeframe
    from priorities.models import Strand

    page, violations, errors = watched
    url = live_server.url
    sign_in_to_admin(page, url)

    # Date shortcuts and the calendar (a timeframe's dates).
    timeframe = Timeframe.objects.order_by("pk").first()
    page.goto(url + reverse("admin:actions_timeframe_change", args=[timeframe.pk]))
    page.locator("#id_start_date").fill("")
    page.locator("#id_start_date").locator("..").get_by_role("link", name="Today").click()
    expect(page.locator("#id_start_date")).not_to_have_value("")
    page.locator("#calendarlink0").click()
    expect(page.locator("#calendarbox0")).to_be_visible()
    page.locator("#calendarbox0").get_by_role("link", name="Cancel").click()
    expect(page.locator("#calendarbox0")).to_be_hidden()

    # The clock of a date and time (when a person's account was made).
    someone = get_user_model().objects.get(username="officer")
    page.goto(url + reverse("admin:auth_user_change", args=[someone.pk]))
    page.locator("#id_date_joined_1").fill("")
    clock = page.locator("#id_date_joined_1").locator("..").locator("a[id^=clocklink]")
    number = clock.get_attribute("id").removeprefix("clocklink")
    clock.click()
    expect(page.locator(f"#clockbox{number}")).to_be_visible()
    page.locator(f"#clockbox{number}").get_by_role("link", name="Noon").click()
    expect(page.locator("#id_date_joined_1")).to_have_value("12:00:00")

    # A prepopulated slug.
    page.goto(url + reverse("admin:agencies_agency_add"))
    page.locator("#id_name").fill("Lewisham Homes Trust")
    page.locator("#id_name").blur()
    expect(page.locator("#id_slug")).to_have_value("lewisham-homes-trust")

    # An inline's "Add another" row.
    strand = Strand.objects.order_by("pk").first()
    page.goto(url + reverse("admin:priorities_strand_change", args=[strand.pk]))
    rows = page.locator("#actions-group tr.form-row:not(.empty-form)")
    before = rows.count()
    page.locator("#actions-group .add-row a", has_text="Add another").click()
    expect(rows).to_have_count(before + 1)

    # A plain select of agencies (admin's select2 autocompletes are not used: their markup
    # fails the accessibility checks).
    action = Action.objects.order_by("pk").first()
    page.goto(url + reverse("admin:actions_action_change", args=[action.pk]))

    # A related-object popup: add an agency from the action's page, and see it chosen.
    with page.expect_popup() as popup_info:
        page.locator("#add_id_lead_agency").click()
    popup = popup_info.value
    popup.locator("#id_name").fill("Lewisham Youth Service")
    popup.locator("#id_short_name").fill("Youth Service")
    # Waited for from before the click: a popup that closes at once must not be missed.
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#id_lead_agency option:checked")).to_have_text("Lewisham Youth Service")

    # The change list's select-all and action bar.
    page.goto(url + reverse("admin:actions_action_changelist"))
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("selected")

    assert violations == []
    assert errors == []
