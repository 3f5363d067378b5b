"""Issue 5's consultation in real Chromium: the administrator opens the 18-19 draft for comment,
the chair comments on a strand, the administrator marks the comment addressed, and the chair
signs the plan off."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import AnnualPlan
from tests.factories import ActionFactory, StrandFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "safer-lewisham-plan-18-19"


@pytest.fixture
def draft_plan(demo_data):
    """The demo 18-19 draft, given one strand with one action (as rolling forward would)."""
    plan = AnnualPlan.objects.get(slug=SLUG)
    assert plan.status == AnnualPlan.Status.DRAFT
    strand = StrandFactory(
        priority__plan=plan,
        priority__title="Violence",
        title="Violence against women and girls",
    )
    ActionFactory(strand=strand, reference="1.1", text="Run a domestic abuse campaign.")
    return plan


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_member_comments_during_consultation_and_the_administrator_addresses_it(
    page, live_server, draft_plan, sign_in, axe_check
):
    plan_url = live_server.url + reverse("plans:detail", args=[SLUG])

    # The administrator opens the draft for comment from its status page.
    sign_in(page, "admin")
    page.goto(plan_url)
    page.get_by_role("link", name="Plan status and history").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan status and history")
    assert axe_check(page) == []
    page.get_by_role("button", name="Open for comment").click()
    expect(page).to_have_url(plan_url)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The plan is out for consultation"
    )
    sign_out(page)

    # The chair reads the plan and comments on a strand.
    sign_in(page, "chair")
    page.goto(plan_url)
    expect(page.get_by_text("This plan is out for consultation")).to_be_visible()
    assert axe_check(page) == []
    page.get_by_role("link", name="Comment on this strand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comment on a strand")
    expect(page.get_by_text("Violence against women and girls").first).to_be_visible()
    assert axe_check(page) == []

    page.get_by_role("button", name="Add comment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your comment")
    assert axe_check(page) == []

    page.get_by_label("Your comment").fill("Include stalking <and> harassment.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comments on the plan")
    comment = page.locator(".app-comment").first
    expect(comment).to_contain_text("Strand: Violence against women and girls")
    expect(comment).to_contain_text("Include stalking <and> harassment.")
    expect(comment).to_contain_text("Catherine Holloway")
    expect(comment).to_contain_text("Open")
    # The chair reads the comments but does not mark them.
    expect(page.get_by_text("Mark as addressed")).to_have_count(0)
    assert axe_check(page) == []
    sign_out(page)

    # The administrator marks it addressed, with a response.
    sign_in(page, "admin")
    page.goto(f"{plan_url}comments/")
    expect(page.get_by_role("button", name="Print this list")).to_be_visible()
    assert axe_check(page) == []
    page.locator(".app-comment summary").first.click()
    page.get_by_label("Response (optional)").fill("Added to strand 1.")
    page.get_by_role("button", name="Mark as addressed").click()
    comment = page.locator(".app-comment").first
    expect(comment).to_contain_text("Addressed by Helen Marsden")
    expect(comment).to_contain_text("Added to strand 1.")
    assert axe_check(page) == []

    # On paper, the list keeps the comments and leaves out the buttons and forms.
    page.emulate_media(media="print")
    expect(comment).to_contain_text("Include stalking <and> harassment.")
    expect(page.get_by_role("button", name="Reopen")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this list")).to_be_hidden()
    page.emulate_media(media="screen")
    sign_out(page)

    # The chair signs the plan off; its page says so.
    sign_in(page, "chair")
    page.goto(f"{plan_url}status/")
    page.get_by_role("button", name="Sign off").click()
    expect(page).to_have_url(plan_url)
    expect(page.locator(".app-plan-status")).to_contain_text(
        re.compile(r"Signed off on \d{1,2} \w+ \d{4} by Catherine Holloway")
    )
    assert AnnualPlan.objects.get(slug=SLUG).status == AnnualPlan.Status.SIGNED_OFF
