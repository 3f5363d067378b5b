"""The action page: everything about an action, its progress updates and its history."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies import roles
from plans.models import AnnualPlan
from tests.conftest import PREFIX, in_role
from tests.factories import (
    ActionFactory,
    ActionSubItemFactory,
    AgencyFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    StrandFactory,
    ThemeFactory,
    TimeframeFactory,
    UserFactory,
    completion_status,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def section(response, heading):
    """The page's text from a heading on; the progress updates end where the history begins."""
    text = text_of(response)
    text = text[text.index(heading) :]
    return text.split("Changes to this action")[0] if heading == "Progress updates" else text


def update_button(response):
    return 'href="/p/lewisham/actions/{}/update/"'.format(response.context["action"].pk) in (
        response.content.decode()
    )


# Access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["member", "officer", "other_officer", "administrator", "superuser"]
)
def test_it_is_readable_by_everyone_who_may_read_actions(client, led_action, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(led_action.get_absolute_url())

    assert response.status_code == 200
    assert led_action.text in text_of(response)


def test_it_is_not_found_for_someone_without_a_role_in_the_partnership(client, led_action):
    client.force_login(UserFactory(username="no-role"))

    response = client.get(led_action.get_absolute_url())

    assert response.status_code == 404
    assert "Page not found" in text_of(response)
    assert led_action.text not in text_of(response)


def test_it_sends_an_anonymous_visitor_to_sign_in(client, led_action):
    response = client.get(led_action.get_absolute_url())

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={PREFIX}/actions/{led_action.pk}/"


def test_it_answers_not_found_for_an_unknown_action(member_client):
    assert member_client.get("/p/lewisham/actions/999999/").status_code == 404


# What it shows ----------------------------------------------------------------------------------


def test_it_shows_everything_about_the_action(member_client, lead_agency):
    priority = PriorityFactory(title="Violence", plan__title="Safer Lewisham Plan 17-18")
    plan = priority.plan
    action = ActionFactory(
        strand=StrandFactory(priority=priority, title="Violence against women and girls"),
        theme=ThemeFactory(plan=plan, name="Action / intervention / enforcement"),
        reference="1.4",
        text="Use the full range of orders to protect victims.",
        lead_agency=lead_agency,
        lead_officer=UserFactory(first_name="Priya", last_name="Shah"),
        timeframe=TimeframeFactory(plan=plan, wording="Sept 17 March 18"),
        completion_status=completion_status("complete-with-caveats"),
        completion_note="within YOS and CER",
    )
    action.partner_agencies.add(AgencyFactory(name="Metropolitan Police"))
    ActionSubItemFactory(action=action, label="a", text="Domestic Violence Protection Orders")

    response = member_client.get(action.get_absolute_url())
    text = text_of(response)

    for expected in [
        "Plan Safer Lewisham Plan 17-18",
        "Priority Violence",
        "Strand Violence against women and girls",
        "Theme Action / intervention / enforcement",
        "Reference 1.4",
        "Use the full range of orders to protect victims.",
        "a) Domestic Violence Protection Orders",
        "Lead agency Lewisham Council",
        "Lead officer Priya Shah",
        "Partners Metropolitan Police",
        "Timeframe Sept 17 March 18 1 September 2017 to 31 March 2018",
        "Completion ✓ Complete with caveats within YOS and CER",
    ]:
        assert expected in text
    assert f'href="{plan.get_absolute_url()}"' in response.content.decode()


def test_it_leads_back_to_the_plan_in_its_breadcrumbs(member_client, led_action):
    response = member_client.get(led_action.get_absolute_url())

    crumbs = re.search(r'<nav class="govuk-breadcrumbs".*?</nav>', response.content.decode(), re.S)
    assert "Plans" in crumbs.group(0)
    assert led_action.plan.get_absolute_url() in crumbs.group(0)


def test_it_shows_the_progress_updates_newest_quarter_first(member_client, led_action):
    author = UserFactory(first_name="Sam", last_name="Okafor")
    ProgressUpdateFactory(action=led_action, quarter=1, narrative="Started.", author=author)
    ProgressUpdateFactory(
        action=led_action,
        quarter=3,
        rag_rating="red",
        narrative="Funding withdrawn.",
        completion_status=completion_status("deferred"),
        author=author,
    )

    text = section(member_client.get(led_action.get_absolute_url()), "Progress updates")

    assert text.index("Q3 2017-18") < text.index("Q1 2017-18")
    assert "Q3 2017-18 October to December 2017 Red Deferred Funding withdrawn. Sam Okafor" in text
    assert "Q1 2017-18 April to June 2017 Green In progress Started. Sam Okafor" in text


def test_it_dates_each_update(member_client, led_action):
    update = ProgressUpdateFactory(action=led_action)
    update.__class__.objects.filter(pk=update.pk).update(updated_at="2017-12-20T10:00:00Z")

    text = section(member_client.get(led_action.get_absolute_url()), "Progress updates")

    assert "20 December 2017" in text


def test_it_shows_a_narrative_escaped_with_its_line_breaks(member_client, led_action):
    ProgressUpdateFactory(action=led_action, narrative="<script>alert('x')</script>\nSecond line")

    html = member_client.get(led_action.get_absolute_url()).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>Second line" in html


def test_it_says_when_no_progress_has_been_recorded(member_client, led_action):
    text = text_of(member_client.get(led_action.get_absolute_url()))

    assert "No progress has been recorded for this action yet." in text


# Update button ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shown"),
    [("officer", True), ("administrator", True), ("member", False), ("other_officer", False)],
)
def test_it_offers_the_update_button_only_to_those_who_may_update(
    client, led_action, who, shown, request
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(led_action.get_absolute_url())

    assert update_button(response) is shown
    assert ("Update progress" in text_of(response)) is shown


def test_it_offers_the_lead_officer_of_another_agency_the_update_button(client, led_action):
    lead_officer = in_role(UserFactory(), roles.OFFICERS)
    led_action.lead_officer = lead_officer
    led_action.save()
    client.force_login(lead_officer)

    assert update_button(client.get(led_action.get_absolute_url()))


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (AnnualPlan.Status.CLOSED, "This plan is closed: progress can no longer be recorded."),
        (
            AnnualPlan.Status.DRAFT,
            "This plan is still a draft: progress can be recorded once it is signed off.",
        ),
    ],
)
def test_it_says_why_progress_cannot_be_recorded(officer_client, led_action, status, reason):
    AnnualPlan.objects.filter(pk=led_action.plan.pk).update(status=status)

    response = officer_client.get(led_action.get_absolute_url())

    assert not update_button(response)
    assert reason in text_of(response)


# History ----------------------------------------------------------------------------------------


def test_it_shows_a_change_made_through_the_form_with_who_and_the_values(
    officer_client, officer, led_action
):
    officer.first_name, officer.last_name = "Olu", "Adeyemi"
    officer.save()
    officer_client.post(
        f"/p/lewisham/actions/{led_action.pk}/update/",
        {
            "quarter": 4,
            "rag_rating": "amber",
            "narrative": "Waiting for the new contract.",
            "completion_status": completion_status("in-progress").pk,
            "completion_note": "",
            "action_version": led_action.version,
            "update_version": "",
        },
    )

    text = section(officer_client.get(led_action.get_absolute_url()), "Changes to this action")

    assert "Action changed Olu Adeyemi" in text
    assert "Completion Not started In progress" in text
    assert "Q4 update added Olu Adeyemi" in text
    assert "RAG rating Amber (at risk) Narrative Waiting for the new contract." in text


def test_it_shows_a_change_made_without_a_signed_in_person_as_the_system(member_client, led_action):
    led_action.completion_note = "Confirmed at the March meeting"
    led_action.save()

    text = section(member_client.get(led_action.get_absolute_url()), "Changes to this action")

    assert "Action changed System" in text
    assert "Completion note Blank Confirmed at the March meeting" in text


# Queries ----------------------------------------------------------------------------------------


def page_queries(client, action):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(action.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def test_it_shows_an_action_in_the_same_number_of_queries_however_much_it_holds(
    officer_client, lead_agency
):
    small, large = ActionFactory(lead_agency=lead_agency), ActionFactory(lead_agency=lead_agency)
    for action, quarters, partners, sub_items in ((small, [1], 1, 1), (large, [1, 2, 3, 4], 4, 6)):
        for _ in range(partners):
            action.partner_agencies.add(AgencyFactory())
        for _ in range(sub_items):
            ActionSubItemFactory(action=action)
        for quarter in quarters:
            update = ProgressUpdateFactory(action=action, quarter=quarter)
            update.narrative = "Amended."
            update.save()
        action.completion_status = completion_status("in-progress")
        action.save()

    assert page_queries(officer_client, small) == page_queries(officer_client, large)


def test_it_changes_nothing_on_a_post(officer_client, led_action):
    assert officer_client.post(led_action.get_absolute_url()).status_code == 405
