"""Issue 5's whole journey in real Chromium, from the demo data, as its "Not done until" says:
as `admin`, export the 17-18 plan, import it into a new plan, roll 17-18 forward into 18-19
carrying its unfinished actions, open 18-19 for comment; as `chair`, comment and sign it off; as
`admin`, publish it; signed out, read it. Then the audit trail holds every step, by whom."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Q3 = "/p/lewisham/plans/safer-lewisham-plan-17-18/quarters/3/"
NEXT_YEAR = "/p/lewisham/plans/safer-lewisham-plan-18-19/"


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_the_plans_year_from_export_to_the_public_page(
    browser, page, live_server, demo_data, sign_in, tmp_path, axe_check
):
    from actions.models import Action
    from consultation.models import Comment
    from plans.models import AnnualPlan

    url = live_server.url
    sign_in(page, "admin")

    # 1. Export the 17-18 plan from its quarterly review.
    page.goto(url + Q3)
    with page.expect_download() as download:
        page.get_by_role("link", name="Actions as a spreadsheet (Excel)").click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)

    # 2. A new, empty plan in admin, and the export imported into it, through the preview.
    page.goto(url + "/p/lewisham/admin/plans/annualplan/add/")
    page.locator("#id_title").fill("Safer Lewisham Plan 17-18 (copy)")
    page.locator("#id_financial_year").fill("2017")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    page.get_by_role("link", name="Import actions from a spreadsheet").click()
    page.get_by_label("Spreadsheet").set_input_files(exported)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Preview")
    expect(page.locator("#summary").get_by_role("row", name="Actions created")).to_contain_text(
        "37"
    )
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("37")
    copy = AnnualPlan.objects.get(title="Safer Lewisham Plan 17-18 (copy)")
    assert Action.objects.filter(strand__priority__plan=copy).count() == 37

    # 3. Roll 17-18 forward into the 18-19 draft, carrying the unfinished actions (ticked).
    page.goto(url + "/p/lewisham/plans/safer-lewisham-plan-17-18/")
    page.get_by_role("link", name="Roll forward into next year").click()
    expect(page.get_by_label("Into an existing draft plan")).to_be_checked()
    unfinished = Action.objects.filter(
        strand__priority__plan__slug="safer-lewisham-plan-17-18"
    ).not_complete()
    assert page.locator("input[name=actions]:checked").count() == unfinished.count()
    assert axe_check(page) == []
    page.get_by_role("button", name="Roll forward").click()
    expect(page).to_have_url(re.compile(NEXT_YEAR + "$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Rolled forward from")
    carried = Action.objects.filter(strand__priority__plan__slug="safer-lewisham-plan-18-19")
    assert carried.count() == unfinished.count()
    assert all(action.carried_from_id for action in carried)

    # 4. Open 18-19 for comment.
    page.get_by_role("link", name="Plan status and history").click()
    page.get_by_role("button", name="Open for comment").click()
    expect(page.get_by_text("out for consultation").first).to_be_visible()
    _sign_out(page)

    # 5. The chair comments on a strand, then signs the plan off.
    sign_in(page, "chair")
    page.goto(url + NEXT_YEAR)
    page.get_by_role("link", name="Comment on this strand").first.click()
    page.get_by_label("Your comment").fill("Add knife crime to the scope of this strand.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Add knife crime to the scope of this strand.")).to_be_visible()
    page.goto(url + NEXT_YEAR)
    page.get_by_role("link", name="Plan status and history").click()
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text(re.compile(r"Signed off on \d+ \w+ \d{4}")).first).to_be_visible()
    _sign_out(page)

    # 6. The administrator publishes it.
    sign_in(page, "admin")
    page.goto(url + NEXT_YEAR)
    page.get_by_role("button", name="Publish on the public pages").click()
    expect(page.get_by_text("Published on the public pages on").first).to_be_visible()
    _sign_out(page)

    # 7. Signed out, anyone reads it, without officers' names.
    page.goto(url + "/p/lewisham/public/safer-lewisham-plan-18-19/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Safer Lewisham Plan 18-19")
    first_carried = carried.select_related("lead_officer").filter(lead_officer__isnull=False)
    expect(page.locator("main")).to_contain_text(carried.first().text[:40])
    for action in first_carried:
        expect(page.locator("main")).not_to_contain_text(action.lead_officer.get_full_name())
    assert axe_check(page) == []

    # Every step is in the audit trail, with who made it.
    plan = AnnualPlan.objects.get(slug="safer-lewisham-plan-18-19")
    steps = [
        (record.status, record.history_user.username if record.history_user else None)
        for record in plan.history.order_by("history_date", "history_id")
    ]
    assert ("consultation", "admin") in steps
    assert ("signed_off", "chair") in steps
    published = plan.history.filter(published_at__isnull=False).earliest("history_date")
    assert published.history_user.username == "admin"
    assert plan.signed_off_by.username == "chair"
    comment = Comment.objects.get(plan=plan)
    assert comment.author.username == "chair"
    assert comment.history.first().history_user.username == "chair"
    carried_history = Action.history.filter(id__in=carried.values("id"), history_type="+")
    assert carried_history.count() == carried.count()
    assert {record.history_user.username for record in carried_history} == {"admin"}
    copied_history = Action.history.filter(
        id__in=Action.objects.filter(strand__priority__plan=copy).values("id"), history_type="+"
    )
    assert {record.history_user.username for record in copied_history} == {"admin"}
