"""A plan's page (its action plan table)."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency
from tests.conftest import PREFIX
from tests.factories import (
    ActionFactory,
    ActionSubItemFactory,
    AgencyFactory,
    AnnualPlanFactory,
    KeyQuestionFactory,
    PrincipleFactory,
    PriorityFactory,
    StrandFactory,
    ThemeFactory,
    TimeframeFactory,
    completion_status,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def headings(response):
    """The text of the page's h2 (large) and h3 headings, in the order the page shows them."""
    html = response.content.decode()
    found = re.findall(r'<h(?:2 class="govuk-heading-l[^"]*"|3[^>]*)>(.*?)</h[23]>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in found]


# Access -----------------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_from_a_plan_to_sign_in(client):
    plan = AnnualPlanFactory(slug="safer-lewisham-17-18")

    response = client.get(PREFIX + "/plans/safer-lewisham-17-18/")

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={plan.get_absolute_url()}"
    assert reverse("login") == PREFIX + "/sign-in/"
    assert plan.get_absolute_url() == PREFIX + "/plans/safer-lewisham-17-18/"


def test_it_answers_not_found_for_an_unknown_plan(member_client):
    response = member_client.get("/p/lewisham/plans/no-such-plan/")

    assert response.status_code == 404


# Plan page --------------------------------------------------------------------------------------


def test_it_shows_the_plans_title_status_and_year(member_client):
    plan = AnnualPlanFactory(title="Safer Lewisham Plan 17-18", status="active")

    response = member_client.get(plan.get_absolute_url())

    assert response.status_code == 200
    page = text_of(response)
    assert "Safer Lewisham Plan 17-18" in page
    assert "2017-18 plan: 1 April 2017 to 31 March 2018" in page


def test_it_shows_every_action_of_the_plan(member_client):
    plan = AnnualPlanFactory()
    strand = StrandFactory(priority__plan=plan)
    ActionFactory(strand=strand, text="Deliver a campaign on healthy relationships.")
    ActionFactory(strand=strand, text="Review the MARAC process.")
    ActionFactory(strand=StrandFactory(priority__plan=plan), text="Map knife crime hotspots.")

    response = member_client.get(plan.get_absolute_url())

    page = text_of(response)
    assert "Deliver a campaign on healthy relationships." in page
    assert "Review the MARAC process." in page
    assert "Map knife crime hotspots." in page


def test_it_does_not_show_another_plans_actions(member_client):
    plan = AnnualPlanFactory()
    ActionFactory(strand=StrandFactory(priority__plan=plan), text="This plan's action.")
    ActionFactory(text="Another plan's action.")

    response = member_client.get(plan.get_absolute_url())

    assert "Another plan's action." not in text_of(response)


def test_it_shows_an_actions_timeframe_wording_and_due_date(member_client):
    plan = AnnualPlanFactory(financial_year=2017)
    ActionFactory(
        strand=StrandFactory(priority__plan=plan),
        timeframe=TimeframeFactory(plan=plan, wording="March 18"),
    )

    response = member_client.get(plan.get_absolute_url())

    assert "March 18 Due 31 March 2018" in text_of(response)


def test_it_shows_the_dates_read_from_a_timeframe_with_a_start(member_client):
    plan = AnnualPlanFactory(financial_year=2017)
    ActionFactory(
        strand=StrandFactory(priority__plan=plan),
        timeframe=TimeframeFactory(plan=plan, wording="Sept 17 March 18"),
    )

    response = member_client.get(plan.get_absolute_url())

    page = text_of(response)
    assert "Sept 17 March 18" in page
    assert "31 March 2018" in page


def test_it_shows_a_review_cadence_after_the_dates(member_client):
    plan = AnnualPlanFactory(financial_year=2017)
    ActionFactory(
        strand=StrandFactory(priority__plan=plan),
        timeframe=TimeframeFactory(plan=plan, wording="Review quarterly"),
    )

    response = member_client.get(plan.get_absolute_url())

    assert re.search(r"Review quarterly [^;]*31 March 2018; quarterly", text_of(response))


def test_it_shows_dates_not_yet_set_for_a_timeframe_it_could_not_read(member_client):
    plan = AnnualPlanFactory()
    ActionFactory(
        strand=StrandFactory(priority__plan=plan),
        timeframe=TimeframeFactory(plan=plan, wording="When funding allows"),
    )

    response = member_client.get(plan.get_absolute_url())

    page = text_of(response)
    assert "When funding allows Dates not yet set" in page
    assert "Due " not in page


def test_it_shows_an_actions_lead_agency_by_its_short_name(member_client):
    plan = AnnualPlanFactory()
    police = Agency.objects.create(
        name="Metropolitan Police Service", short_name="Met Police", slug="met"
    )
    ActionFactory(strand=StrandFactory(priority__plan=plan), lead_agency=police)

    response = member_client.get(plan.get_absolute_url())

    assert "Met Police" in text_of(response)


def test_it_shows_an_actions_partner_agencies(member_client):
    plan = AnnualPlanFactory()
    action = ActionFactory(strand=StrandFactory(priority__plan=plan))
    action.partner_agencies.add(AgencyFactory(name="Lewisham Council", short_name="LBL"))

    response = member_client.get(plan.get_absolute_url())

    assert "With LBL" in text_of(response)


def test_it_shows_a_tick_for_a_complete_action(member_client):
    plan = AnnualPlanFactory()
    ActionFactory(
        strand=StrandFactory(priority__plan=plan), completion_status=completion_status("complete")
    )

    response = member_client.get(plan.get_absolute_url())

    assert "✓ Complete" in text_of(response)


def test_it_shows_complete_with_caveats_and_its_note(member_client):
    plan = AnnualPlanFactory()
    ActionFactory(
        strand=StrandFactory(priority__plan=plan),
        completion_status=completion_status("complete-with-caveats"),
        completion_note="within YOS and CER",
    )

    response = member_client.get(plan.get_absolute_url())

    assert "✓ Complete with caveats within YOS and CER" in text_of(response)


def test_it_shows_no_tick_for_an_action_not_started(member_client):
    plan = AnnualPlanFactory()
    ActionFactory(strand=StrandFactory(priority__plan=plan))

    response = member_client.get(plan.get_absolute_url())

    page = text_of(response)
    assert "Not started" in page
    assert "✓" not in page


def test_it_shows_an_actions_lettered_sub_items(member_client):
    plan = AnnualPlanFactory()
    action = ActionFactory(strand=StrandFactory(priority__plan=plan))
    ActionSubItemFactory(action=action, label="a", text="Domestic Violence Protection Orders")
    ActionSubItemFactory(action=action, label="f", text="Modern Slavery Orders")

    response = member_client.get(plan.get_absolute_url())

    page = text_of(response)
    assert "a) Domestic Violence Protection Orders" in page
    assert "f) Modern Slavery Orders" in page


def test_it_shows_each_strands_title_and_scope(member_client):
    plan = AnnualPlanFactory()
    StrandFactory(
        priority__plan=plan,
        title="Violence against women and girls",
        scope="Domestic abuse, sexual violence and harmful practices.",
    )

    response = member_client.get(plan.get_absolute_url())

    page = text_of(response)
    assert "Violence against women and girls" in page
    assert "Domestic abuse, sexual violence and harmful practices." in page
    assert "No actions have been added to this strand yet." in page


def test_it_shows_the_priorities_and_strands_in_order(member_client):
    plan = AnnualPlanFactory()
    violence = PriorityFactory(plan=plan, title="Violence")
    StrandFactory(priority=violence, title="All other forms of violence", order=3)
    StrandFactory(priority=violence, title="Peer on peer abuse", order=2)
    StrandFactory(priority=violence, title="Violence against women and girls", order=1)

    response = member_client.get(plan.get_absolute_url())

    assert headings(response) == [
        "Violence",
        "Violence against women and girls",
        "Peer on peer abuse",
        "All other forms of violence",
    ]


def test_it_groups_a_strands_actions_under_the_plans_themes(member_client):
    plan = AnnualPlanFactory()
    strand = StrandFactory(priority__plan=plan)
    prevention = ThemeFactory(plan=plan, name="Prevention", order=2)
    awareness = ThemeFactory(plan=plan, name="Awareness raising", order=1)
    ActionFactory(strand=strand, theme=prevention, text="A prevention action.")
    ActionFactory(strand=strand, theme=awareness, text="An awareness action.")
    ActionFactory(strand=strand, theme=None, text="An action with no theme.")

    response = member_client.get(plan.get_absolute_url())

    page = text_of(response)
    assert page.index("Awareness raising An awareness action.") < page.index(
        "Prevention A prevention action."
    )
    assert page.index("Prevention A prevention action.") < page.index(
        "No theme An action with no theme."
    )


def test_it_shows_the_plans_principles_and_key_questions(member_client):
    plan = AnnualPlanFactory()
    PrincipleFactory(plan=plan, name="Victim-centred approach")
    PrincipleFactory(plan=plan, name="Trust and confidence")
    KeyQuestionFactory(plan=plan, text="How do we become a less violent society?")

    response = member_client.get(plan.get_absolute_url())

    page = text_of(response)
    assert "Victim-centred approach" in page
    assert "Trust and confidence" in page
    assert "How do we become a less violent society?" in page


def test_it_escapes_what_people_typed(member_client):
    plan = AnnualPlanFactory(summary="<b>Bold</b> summary")
    strand = StrandFactory(priority__plan=plan, title="<i>Strand</i>", scope="<u>Scope</u>")
    action = ActionFactory(strand=strand, text="<script>alert(1)</script>")
    ActionSubItemFactory(action=action, text="<img src=x onerror=alert(2)>")
    PrincipleFactory(plan=plan, name="<em>Principle</em>")

    response = member_client.get(plan.get_absolute_url())

    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "<b>Bold</b>" not in html
    assert "<i>Strand</i>" not in html
    assert "<u>Scope</u>" not in html
    assert "<em>Principle</em>" not in html


# Performance ------------------------------------------------------------------------------------


def plan_with_actions(count, strands, themes):
    """A plan whose actions are spread over strands and themes, each with everything a row
    shows: lead agency and officer, partners, sub-items, timeframe and completion."""
    plan = AnnualPlanFactory()
    strand_list = [StrandFactory(priority__plan=plan) for _ in range(strands)]
    theme_list = [ThemeFactory(plan=plan) for _ in range(themes)]
    wordings = ["March 18", "Sept 17", "Review quarterly", "When funding allows"]
    statuses = ["not-started", "in-progress", "complete", "complete-with-caveats"]
    # Created directly rather than by UserFactory: no password to hash, so the test stays fast.
    officer = get_user_model().objects.create(
        username=f"officer-of-{plan.slug}", first_name="Sam", last_name="Jones"
    )
    for n in range(count):
        action = ActionFactory(
            strand=strand_list[n % strands],
            theme=theme_list[n % themes],
            timeframe=TimeframeFactory(plan=plan, wording=wordings[n % len(wordings)]),
            completion_status=completion_status(statuses[n % len(statuses)]),
            completion_note="within YOS" if n % 3 == 0 else "",
            lead_officer=officer if n % 2 else None,
        )
        action.partner_agencies.add(AgencyFactory(), AgencyFactory())
        ActionSubItemFactory(action=action, label="a")
        ActionSubItemFactory(action=action, label="b")
    return plan


def queries_to_show(client, plan):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def test_it_shows_a_plan_in_as_many_queries_whatever_its_number_of_actions(member_client):
    small = plan_with_actions(2, strands=1, themes=1)
    large = plan_with_actions(20, strands=3, themes=2)

    assert queries_to_show(member_client, small) == queries_to_show(member_client, large)


def test_it_shows_a_plan_in_a_handful_of_queries(member_client, django_assert_max_num_queries):
    plan = plan_with_actions(20, strands=3, themes=2)

    # The partnership of the address and the person's membership of it, session, user, the
    # person's own permissions and their role's (the role and its group's permissions), the
    # person's partnerships (the header's), saving the session (it is saved on every request so
    # that it expires after inactivity: 3 queries), then the page's own queries.
    with django_assert_max_num_queries(21):
        response = member_client.get(plan.get_absolute_url())

    assert response.status_code == 200
