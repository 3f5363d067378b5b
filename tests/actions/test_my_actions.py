"""My actions (/actions/mine/): the actions an officer or their agency leads, with their
progress, flags and filters; and the count of them on the home page.

The plans here are of the 2017-18 financial year, which is over whatever day the tests run:
their reporting quarter is Q4 2017-18, and "March 18" (31 March 2018) is past."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies import roles
from tests.conftest import PREFIX, in_role
from tests.factories import (
    ActionFactory,
    ActionSubItemFactory,
    AgencyFactory,
    AnnualPlanFactory,
    PriorityFactory,
    ProfileFactory,
    ProgressUpdateFactory,
    StrandFactory,
    ThemeFactory,
    TimeframeFactory,
    UserFactory,
    completion_status,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db

URL = PREFIX + "/actions/mine/"


def listed(response):
    """The ids of the actions the list shows, in the order it shows them."""
    return [
        int(pk)
        for pk in re.findall(r'<tr class="govuk-table__row" id="action-(\d+)">', html(response))
    ]


def html(response):
    return response.content.decode()


def row(response, action):
    """The HTML of an action's row."""
    return re.search(
        rf'<tr class="govuk-table__row" id="action-{action.pk}">.*?</tr>', html(response), re.S
    ).group(0)


def row_text(response, action):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", row(response, action))).split())


def group_headings(response):
    """The plan (h2 large) and strand (h3) headings of the results, in order."""
    found = re.findall(
        r'<h2 class="govuk-heading-l govuk-!-margin-top-8"[^>]*>(.*?)</h2>'
        r'|<h3 [^>]*id="strand-\d+">(.*?)</h3>',
        html(response),
        re.S,
    )
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", plan or strand)).split())
        for plan, strand in found
    ]


@pytest.fixture
def plan():
    return AnnualPlanFactory(title="Safer Plan 17-18", slug="safer-17-18", financial_year=2017)


@pytest.fixture
def strand(plan):
    return StrandFactory(priority__plan=plan, title="Violence against women and girls")


def led(lead_agency, strand, **kwargs):
    """An action of `strand` led by `lead_agency`."""
    return ActionFactory(strand=strand, lead_agency=lead_agency, **kwargs)


# Access -----------------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_it_is_not_found_for_someone_without_a_role_in_the_partnership(client):
    client.force_login(UserFactory(username="no-role"))

    response = client.get(URL)

    assert response.status_code == 404


def test_its_address_without_the_partnership_leads_to_the_officers_partnership(officer_client):
    response = officer_client.get("/actions/mine/?late=yes")

    assert response.status_code == 302
    assert response.url == f"{URL}?late=yes"


def test_it_shows_a_chair_who_leads_nothing_an_empty_list(member_client):
    ActionFactory(text="Someone else's action.")

    response = member_client.get(URL)

    assert response.status_code == 200
    page = text_of(response)
    assert "You do not lead any actions" in page
    assert "Someone else's action." not in page


# Which actions ----------------------------------------------------------------------------------


def test_it_lists_the_actions_the_officers_agency_leads(officer_client, led_action):
    response = officer_client.get(URL)

    assert response.status_code == 200
    assert listed(response) == [led_action.pk]


def test_it_lists_an_action_the_officer_leads_in_person(officer_client, officer, strand):
    action = ActionFactory(strand=strand, lead_agency=AgencyFactory(), lead_officer=officer)

    response = officer_client.get(URL)

    assert listed(response) == [action.pk]


def test_it_does_not_list_another_agencys_actions(officer_client, led_action):
    ActionFactory(text="The police's action.")

    response = officer_client.get(URL)

    assert listed(response) == [led_action.pk]
    assert "The police's action." not in text_of(response)


def test_it_groups_actions_by_plan_then_strand_in_plan_order(officer_client, lead_agency):
    older = AnnualPlanFactory(title="Safer Plan 16-17", financial_year=2016, status="closed")
    active = AnnualPlanFactory(title="Safer Plan 17-18", financial_year=2017, status="active")
    priority = PriorityFactory(plan=active, title="Violence")
    second = StrandFactory(priority=priority, title="Peer on peer abuse", order=2)
    first = StrandFactory(priority=priority, title="VAWG", order=1)
    old_strand = StrandFactory(priority__plan=older, title="Burglary")
    in_second = led(lead_agency, second, order=1)
    in_first_b = led(lead_agency, first, order=2)
    in_first_a = led(lead_agency, first, order=1)
    in_old = led(lead_agency, old_strand)

    response = officer_client.get(URL)

    assert group_headings(response) == [
        "Safer Plan 17-18",
        "Violence VAWG",
        "Violence Peer on peer abuse",
        "Safer Plan 16-17",
        f"{old_strand.priority.title} Burglary",
    ]
    assert listed(response) == [in_first_a.pk, in_first_b.pk, in_second.pk, in_old.pk]


def test_it_links_each_action_to_its_page(officer_client, led_action):
    response = officer_client.get(URL)

    assert f'href="/p/lewisham/actions/{led_action.pk}/"' in row(response, led_action)


def test_it_shows_an_actions_reference_text_and_theme(officer_client, lead_agency, strand):
    theme = ThemeFactory(plan=strand.priority.plan, name="Awareness raising")
    action = led(lead_agency, strand, reference="1.4", text="VAWG and Arts.", theme=theme)

    response = officer_client.get(URL)

    assert "1.4 VAWG and Arts. Late Update due Awareness raising" in row_text(response, action)


def test_it_shows_user_text_escaped(officer_client, lead_agency, strand):
    action = led(lead_agency, strand, text="<script>alert('x')</script> & more")

    response = officer_client.get(URL)

    assert "<script>alert" not in html(response)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in row(response, action)


# What each row says ----------------------------------------------------------------------------


def test_it_shows_the_due_date_as_people_write_it(officer_client, led_action):
    response = officer_client.get(URL)

    assert "31 March 2018 March 18" in row_text(response, led_action)


def test_it_says_no_fixed_date_for_a_timeframe_without_one(officer_client, lead_agency, strand):
    plan = strand.priority.plan
    action = led(lead_agency, strand, timeframe=TimeframeFactory(plan=plan, wording="As required"))

    response = officer_client.get(URL)

    assert "No fixed date As required" in row_text(response, action)


def test_it_shows_the_completion(officer_client, lead_agency, strand):
    action = led(lead_agency, strand, completion_status=completion_status("in-progress"))

    response = officer_client.get(URL)

    assert "In progress" in row_text(response, action)


def test_it_shows_the_latest_rag_rating_and_its_quarter(officer_client, led_action):
    ProgressUpdateFactory(action=led_action, quarter=1, rag_rating="green")
    ProgressUpdateFactory(action=led_action, quarter=3, rag_rating="amber")

    response = officer_client.get(URL)

    assert '<strong class="govuk-tag govuk-tag--orange">Amber</strong>' in row(response, led_action)
    assert "Amber for Q3 2017-18" in row_text(response, led_action)


@pytest.mark.parametrize(
    "rating, tag",
    [
        ("red", '<strong class="govuk-tag govuk-tag--red">Red</strong>'),
        ("amber", '<strong class="govuk-tag govuk-tag--orange">Amber</strong>'),
        ("green", '<strong class="govuk-tag govuk-tag--green">Green</strong>'),
        ("blue", '<strong class="govuk-tag">Blue</strong>'),
    ],
)
def test_it_colours_each_rag_rating(officer_client, led_action, rating, tag):
    ProgressUpdateFactory(action=led_action, quarter=2, rag_rating=rating)

    response = officer_client.get(URL)

    assert tag in row(response, led_action)


def test_it_says_no_update_for_an_action_never_updated(officer_client, led_action):
    response = officer_client.get(URL)

    assert '<strong class="govuk-tag govuk-tag--grey">No update</strong>' in row(
        response, led_action
    )


def test_it_flags_an_action_past_due_and_not_complete_as_late(officer_client, led_action):
    response = officer_client.get(URL)

    assert '<strong class="govuk-tag govuk-tag--red govuk-!-margin-right-1">Late</strong>' in row(
        response, led_action
    )


def test_it_does_not_flag_a_complete_action_as_late(officer_client, lead_agency, strand):
    action = led(lead_agency, strand, completion_status=completion_status("complete"))

    response = officer_client.get(URL)

    assert "Late" not in row_text(response, action)


def test_it_does_not_flag_an_action_with_no_due_date_as_late(officer_client, lead_agency, strand):
    plan = strand.priority.plan
    action = led(lead_agency, strand, timeframe=TimeframeFactory(plan=plan, wording="As required"))

    response = officer_client.get(URL)

    assert "Late" not in row_text(response, action)


def test_it_flags_an_update_due_with_no_update_for_the_reporting_quarter(
    officer_client, led_action
):
    ProgressUpdateFactory(action=led_action, quarter=3)

    response = officer_client.get(URL)

    assert '<strong class="govuk-tag govuk-tag--yellow">Update due</strong>' in row(
        response, led_action
    )


def test_it_does_not_flag_an_update_due_once_the_quarter_is_updated(officer_client, led_action):
    ProgressUpdateFactory(action=led_action, quarter=4)

    response = officer_client.get(URL)

    assert "Update due" not in row_text(response, led_action)


def test_it_does_not_flag_an_update_due_for_a_complete_action(officer_client, lead_agency, strand):
    action = led(lead_agency, strand, completion_status=completion_status("complete"))

    response = officer_client.get(URL)

    assert "Update due" not in row_text(response, action)


def test_it_offers_to_update_the_actions_the_officer_may_update(officer_client, led_action):
    response = officer_client.get(URL)

    assert (
        f'<a class="govuk-link" href="/p/lewisham/actions/{led_action.pk}/update/">Update progress'
        in row(response, led_action)
    )


def test_it_does_not_offer_to_update_an_action_the_person_may_not_update(client, strand):
    # A member of the chair's role named as an action's lead officer reads it, changes nothing.
    chair = in_role(UserFactory(username="chair"), roles.CHAIR_AND_MEMBERS)
    action = ActionFactory(strand=strand, lead_officer=chair)
    client.force_login(chair)

    response = client.get(URL)

    assert listed(response) == [action.pk]
    assert "Update progress" not in row_text(response, action)
    assert "/update/" not in row(response, action)


# Counts ----------------------------------------------------------------------------------------


def test_it_counts_the_actions_and_those_needing_an_update(officer_client, lead_agency, strand):
    led(lead_agency, strand)
    updated = led(lead_agency, strand)
    ProgressUpdateFactory(action=updated, quarter=4)
    led(lead_agency, strand, completion_status=completion_status("complete"))

    response = officer_client.get(URL)

    assert "3 actions 1 needs an update for Q4 2017-18." in text_of(response)


def test_it_counts_one_action_in_the_singular(officer_client, led_action):
    response = officer_client.get(URL)

    assert "1 action 1 needs an update for Q4 2017-18." in text_of(response)


# Filters ----------------------------------------------------------------------------------------


@pytest.fixture
def two_plans(lead_agency):
    """Two plans of actions led by `lead_agency`, one action each, in strands and themes of their
    own."""
    first = AnnualPlanFactory(title="Safer Plan 17-18", slug="safer-17-18", financial_year=2017)
    second = AnnualPlanFactory(title="Safer Plan 16-17", slug="safer-16-17", financial_year=2016)
    return {
        plan.slug: ActionFactory(
            strand=StrandFactory(priority__plan=plan, title=f"Strand of {plan.title}"),
            theme=ThemeFactory(plan=plan, name=f"Theme of {plan.title}"),
            lead_agency=lead_agency,
        )
        for plan in (first, second)
    }


def test_it_filters_by_plan(officer_client, two_plans):
    response = officer_client.get(URL, {"plan": "safer-16-17"})

    assert listed(response) == [two_plans["safer-16-17"].pk]


def test_it_offers_only_the_plans_of_the_officers_actions(officer_client, two_plans):
    AnnualPlanFactory(title="A plan with nothing of theirs", slug="other")

    response = officer_client.get(URL)

    assert '<option value="safer-16-17">Safer Plan 16-17</option>' in html(response)
    assert "A plan with nothing of theirs" not in html(response)


def test_it_filters_by_strand(officer_client, two_plans):
    action = two_plans["safer-17-18"]

    response = officer_client.get(URL, {"strand": action.strand_id})

    assert listed(response) == [action.pk]


def test_it_groups_the_strands_to_choose_from_under_their_plans(officer_client, two_plans):
    response = officer_client.get(URL)

    strand = two_plans["safer-16-17"].strand
    assert re.search(
        rf'<optgroup label="Safer Plan 16-17">\s*'
        rf'<option value="{strand.pk}">Strand of Safer Plan 16-17</option>',
        html(response),
    )


def test_it_lists_the_strands_without_plan_groups_for_a_single_plan(officer_client, led_action):
    response = officer_client.get(URL)

    assert "<optgroup" not in html(response)
    assert f'<option value="{led_action.strand_id}">{led_action.strand.title}</option>' in html(
        response
    )


def test_it_filters_by_theme(officer_client, two_plans):
    action = two_plans["safer-16-17"]

    response = officer_client.get(URL, {"theme": action.theme_id})

    assert listed(response) == [action.pk]


def test_it_filters_by_completion(officer_client, lead_agency, strand):
    led(lead_agency, strand, completion_status=completion_status("not-started"))
    done = led(lead_agency, strand, completion_status=completion_status("complete"))

    response = officer_client.get(URL, {"completion": "complete"})

    assert listed(response) == [done.pk]


def test_it_filters_by_latest_rag_rating(officer_client, lead_agency, strand):
    red = led(lead_agency, strand)
    ProgressUpdateFactory(action=red, quarter=1, rag_rating="green")
    ProgressUpdateFactory(action=red, quarter=2, rag_rating="red")
    was_red = led(lead_agency, strand)
    ProgressUpdateFactory(action=was_red, quarter=1, rag_rating="red")
    ProgressUpdateFactory(action=was_red, quarter=2, rag_rating="green")

    response = officer_client.get(URL, {"rag": "red"})

    assert listed(response) == [red.pk]


def test_it_filters_actions_with_no_update_yet(officer_client, lead_agency, strand):
    never = led(lead_agency, strand)
    ProgressUpdateFactory(action=led(lead_agency, strand), quarter=1)

    response = officer_client.get(URL, {"rag": "none"})

    assert listed(response) == [never.pk]


def test_it_filters_late_actions(officer_client, lead_agency, strand):
    late = led(lead_agency, strand)
    led(lead_agency, strand, completion_status=completion_status("complete"))

    response = officer_client.get(URL, {"late": "yes"})

    assert listed(response) == [late.pk]


def test_it_filters_actions_that_are_not_late(officer_client, lead_agency, strand):
    led(lead_agency, strand)
    done = led(lead_agency, strand, completion_status=completion_status("complete"))

    response = officer_client.get(URL, {"late": "no"})

    assert listed(response) == [done.pk]


def test_it_filters_actions_needing_an_update(officer_client, lead_agency, strand):
    due = led(lead_agency, strand)
    ProgressUpdateFactory(action=led(lead_agency, strand), quarter=4)

    response = officer_client.get(URL, {"update_due": "yes"})

    assert listed(response) == [due.pk]


def test_it_filters_actions_not_needing_an_update(officer_client, lead_agency, strand):
    led(lead_agency, strand)
    updated = led(lead_agency, strand)
    ProgressUpdateFactory(action=updated, quarter=4)

    response = officer_client.get(URL, {"update_due": "no"})

    assert listed(response) == [updated.pk]


def test_it_searches_the_action_text(officer_client, lead_agency, strand):
    found = led(lead_agency, strand, text="Map knife crime hotspots across the borough.")
    led(lead_agency, strand, text="Review the MARAC process.")

    response = officer_client.get(URL, {"q": "KNIFE hotspots"})

    assert listed(response) == [found.pk]


def test_it_searches_the_action_reference(officer_client, lead_agency, strand):
    found = led(lead_agency, strand, reference="2.8")
    led(lead_agency, strand, reference="1.4")

    response = officer_client.get(URL, {"q": "2.8"})

    assert listed(response) == [found.pk]


def test_it_combines_filters(officer_client, lead_agency, strand):
    wanted = led(lead_agency, strand, text="Knife crime, late.")
    led(
        lead_agency,
        strand,
        text="Knife crime, done.",
        completion_status=completion_status("complete"),
    )
    led(lead_agency, strand, text="Something else, late.")

    response = officer_client.get(URL, {"q": "knife", "late": "yes"})

    assert listed(response) == [wanted.pk]


def test_it_keeps_the_chosen_filters_in_the_form(officer_client, led_action):
    response = officer_client.get(URL, {"q": "campaign", "late": "yes"})

    assert re.search(r'<input type="text" name="q" value="campaign"', html(response))
    assert '<option value="yes" selected>Yes</option>' in html(response)


def test_it_says_how_many_of_the_actions_match_the_filters(officer_client, lead_agency, strand):
    led(lead_agency, strand)
    led(lead_agency, strand, completion_status=completion_status("complete"))

    response = officer_client.get(URL, {"late": "yes"})

    assert "1 of your 2 actions matches these filters" in text_of(response)


def test_it_says_when_no_action_matches_the_filters(officer_client, led_action):
    response = officer_client.get(URL, {"q": "no such words"})

    page = text_of(response)
    assert "No actions match these filters" in page
    assert "You do not lead any actions" not in page
    assert listed(response) == []


def test_it_reports_an_invalid_filter_value_and_leaves_it_out(officer_client, led_action):
    response = officer_client.get(URL, {"plan": "abc"})

    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem Select a plan in the list" in page
    assert "Error: My updates" in page
    assert listed(response) == [led_action.pk]


@pytest.mark.parametrize("name", ["strand", "theme", "completion", "rag", "late", "update_due"])
def test_it_does_not_fail_on_any_invalid_filter_value(officer_client, led_action, name):
    response = officer_client.get(URL, {name: "<b>abc</b>"})

    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert "<b>abc</b>" not in html(response)


def test_it_applies_the_valid_filters_beside_an_invalid_one(officer_client, lead_agency, strand):
    late = led(lead_agency, strand)
    led(lead_agency, strand, completion_status=completion_status("complete"))

    response = officer_client.get(URL, {"late": "yes", "strand": "999999"})

    assert listed(response) == [late.pk]


def test_it_filters_with_a_get_form_that_carries_no_csrf_token(officer_client, led_action):
    response = officer_client.get(URL)

    form = re.search(
        r'<form method="get" action="/p/lewisham/actions/mine/".*?</form>', html(response), re.S
    ).group(0)
    assert "csrfmiddlewaretoken" not in form
    assert "Apply filters" in form
    assert '<a class="govuk-link" href="/p/lewisham/actions/mine/">Clear filters</a>' in form


# Queries ---------------------------------------------------------------------------------------


def build_actions(lead_agency, count):
    """`count` actions led by `lead_agency`, spread over two plans, each with the things a row
    shows: a theme, a timeframe, partners, sub-items and progress updates."""
    plans = [AnnualPlanFactory(financial_year=2017), AnnualPlanFactory(financial_year=2016)]
    for n in range(count):
        plan = plans[n % 2]
        action = ActionFactory(strand=StrandFactory(priority__plan=plan), lead_agency=lead_agency)
        action.partner_agencies.add(AgencyFactory())
        ActionSubItemFactory(action=action)
        ProgressUpdateFactory(action=action, quarter=1, rag_rating="amber")
        ProgressUpdateFactory(action=action, quarter=2, rag_rating="green")


def queries_to_show_my_actions(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_its_query_count_does_not_grow_with_the_number_of_actions(officer_client, lead_agency):
    build_actions(lead_agency, 2)
    few = queries_to_show_my_actions(officer_client)
    build_actions(lead_agency, 10)

    many = queries_to_show_my_actions(officer_client)

    assert many == few


def test_its_filtered_query_count_does_not_grow_with_the_number_of_actions(
    officer_client, lead_agency
):
    build_actions(lead_agency, 2)
    with CaptureQueriesContext(connection) as few:
        officer_client.get(URL, {"late": "yes", "q": "action"})
    build_actions(lead_agency, 10)

    with CaptureQueriesContext(connection) as many:
        officer_client.get(URL, {"late": "yes", "q": "action"})

    assert len(many) == len(few)


# The home page ---------------------------------------------------------------------------------


def test_it_tells_an_officer_on_the_home_page_how_many_actions_they_lead(
    officer_client, lead_agency, strand
):
    led(lead_agency, strand)
    led(lead_agency, strand)

    response = officer_client.get(reverse("home"))

    assert f'href="{URL}">You or your agency lead 2 actions</a>' in html(response)


def test_it_links_the_home_page_to_the_actions_needing_an_update(
    officer_client, lead_agency, strand
):
    led(lead_agency, strand)
    ProgressUpdateFactory(action=led(lead_agency, strand), quarter=4)
    led(lead_agency, strand)

    response = officer_client.get(reverse("home"))

    assert f'href="{URL}?update_due=yes">2 need an update for Q4 2017-18</a>' in html(response)


def test_the_home_pages_update_link_lists_the_actions_it_counts(
    officer_client, lead_agency, strand
):
    due = led(lead_agency, strand)
    ProgressUpdateFactory(action=led(lead_agency, strand), quarter=4)

    response = officer_client.get(f"{URL}?update_due=yes")

    assert listed(response) == [due.pk]


def test_it_does_not_link_to_updates_on_the_home_page_when_none_is_due(officer_client, led_action):
    ProgressUpdateFactory(action=led_action, quarter=4)

    response = officer_client.get(reverse("home"))

    assert "You or your agency lead 1 action" in text_of(response)
    assert "update_due" not in html(response)


def test_it_shows_no_action_count_on_the_home_page_to_a_chair(member_client, led_action):
    response = member_client.get(reverse("home"))

    assert response.status_code == 200
    assert "You or your agency lead" not in text_of(response)
    assert URL not in html(response)


def test_it_shows_no_action_count_to_an_officer_who_leads_nothing(client):
    officer = in_role(UserFactory(username="new-officer"), roles.OFFICERS)
    ProfileFactory(user=officer, agency=AgencyFactory())
    ActionFactory()
    client.force_login(officer)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "You or your agency lead" not in text_of(response)
