"""Issue 3's journeys in real Chromium: an officer finds an action and records progress; two
people save at once and nothing is lost; a chair can read but not change."""

import re

import pytest
from playwright.sync_api import expect

from actions.models import Action, ProgressUpdate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

OPEN_DAY = "Open Day / Evening with the community"


def open_day_action():
    return Action.objects.get(text__startswith=OPEN_DAY)


def record_amber_then_explain(page, axe_check=None):
    """On the progress form: save amber without a narrative, see why not, then explain."""
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Save progress").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a narrative explaining why this action is amber")
    expect(page.get_by_label("Amber")).to_be_checked()  # what was chosen is still there
    if axe_check:
        assert axe_check(page) == []

    page.get_by_role("textbox", name="Narrative").fill(
        "Venue at the Civic Suite booked for 8 March; speakers from Athena still to confirm."
    )
    page.get_by_role("button", name="Save progress").click()


def test_an_officer_finds_an_action_and_records_progress(
    page, live_server, demo_data, sign_in, axe_check
):
    sign_in(page, "officer")

    expect(page).to_have_url(re.compile(r"/p/lewisham/actions/mine/$"))
    page.get_by_label("Words or reference").fill("Open Day")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("1 of your 19 actions match")).to_be_visible()
    page.get_by_role("link", name=OPEN_DAY).first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Action 1.2")
    assert axe_check(page) == []
    page.get_by_role("button", name="Update progress").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record progress for Q4 2017-18")
    assert axe_check(page) == []
    record_amber_then_explain(page, axe_check)

    expect(page.get_by_text("Progress for Q4 2017-18 saved")).to_be_visible()
    # In the timeline of progress updates, and in the history of changes (with who made them).
    expect(page.get_by_role("list", name="Progress updates")).to_contain_text(
        "Venue at the Civic Suite booked for 8 March"
    )
    expect(
        page.get_by_role("cell", name="Venue at the Civic Suite booked for 8 March")
    ).to_be_visible()
    expect(page.locator("#history").locator("xpath=..")).to_contain_text("Daniel Osei")
    update = ProgressUpdate.objects.get(action=open_day_action(), quarter=4)
    assert update.rag_rating == "amber"
    assert update.author.username == "officer"


def test_the_same_update_works_without_javascript(browser, live_server, demo_data, sign_in):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "officer")
    page.goto(live_server.url + f"/p/lewisham/actions/{open_day_action().pk}/update/")

    record_amber_then_explain(page)

    expect(page.get_by_text("Progress for Q4 2017-18 saved")).to_be_visible()
    assert ProgressUpdate.objects.get(action=open_day_action(), quarter=4).rag_rating == "amber"
    context.close()


def test_two_people_saving_at_once_lose_nothing(
    browser, live_server, demo_data, sign_in, axe_check
):
    url = live_server.url + f"/p/lewisham/actions/{open_day_action().pk}/update/"
    contexts = [browser.new_context() for _ in range(2)]
    first, second = (context.new_page() for context in contexts)
    sign_in(first, "officer")
    sign_in(second, "admin")
    first.goto(url)
    second.goto(url)

    first.get_by_label("Green").check()
    first.get_by_role("textbox", name="Narrative").fill("Officer: venue confirmed.")
    first.get_by_role("button", name="Save progress").click()
    expect(first.get_by_text("Progress for Q4 2017-18 saved")).to_be_visible()

    second.get_by_label("Amber").check()
    second.get_by_role("textbox", name="Narrative").fill("Admin: funding not yet agreed.")
    second.get_by_role("button", name="Save progress").click()

    # Refused, shown what the officer saved, and the administrator's own text is still there.
    expect(second.get_by_text("Someone else saved this action while you were editing it"))
    expect(second.locator(".app-conflict")).to_contain_text("Officer: venue confirmed.")
    expect(second.get_by_role("textbox", name="Narrative")).to_have_value(
        "Admin: funding not yet agreed."
    )
    assert axe_check(second) == []
    assert ProgressUpdate.objects.get(action=open_day_action(), quarter=4).narrative == (
        "Officer: venue confirmed."
    )

    # Merging and saving again goes through.
    second.get_by_role("textbox", name="Narrative").fill(
        "Officer: venue confirmed. Admin: funding not yet agreed."
    )
    second.get_by_role("button", name="Save progress").click()
    expect(second.get_by_text("Progress for Q4 2017-18 saved")).to_be_visible()
    assert ProgressUpdate.objects.get(action=open_day_action(), quarter=4).narrative == (
        "Officer: venue confirmed. Admin: funding not yet agreed."
    )
    for context in contexts:
        context.close()


@pytest.mark.parametrize("username", ["chair", "police"])
def test_a_reader_can_read_an_action_but_not_change_it(
    page, live_server, demo_data, sign_in, username
):
    """The chair reads everything; the police officer reads the council's action."""
    action = open_day_action()
    sign_in(page, username)
    page.goto(live_server.url + f"/p/lewisham/actions/{action.pk}/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Action 1.2")
    expect(page.get_by_role("button", name="Update progress")).to_have_count(0)

    page.goto(live_server.url + f"/p/lewisham/actions/{action.pk}/update/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do that")

    # A forged POST, with a valid CSRF token from the reader's own session, is refused.
    page.goto(live_server.url + f"/p/lewisham/actions/{action.pk}/")
    status = page.evaluate(
        """async (url) => {
            const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const body = new URLSearchParams({quarter: "4", rag_rating: "green",
                narrative: "forged", completion_status: "1", action_version: "1"});
            const response = await fetch(url, {method: "POST", body,
                headers: {"X-CSRFToken": token}});
            return response.status;
        }""",
        live_server.url + f"/p/lewisham/actions/{action.pk}/update/",
    )
    assert status == 403
    assert not ProgressUpdate.objects.filter(action=action, quarter=4).exists()
