"""The quarterly review page (/plans/<slug>/quarters/<n>/) the chair runs the meeting from, and
the filtered action lists behind its figures (/plans/<slug>/quarters/<n>/actions/)."""

import html
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PREFIX
from tests.factories import (
    ActionFactory,
    AnnualPlanFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    StrandFactory,
    ThemeFactory,
    UserFactory,
)

DEMO = PREFIX + "/plans/safer-lewisham-plan-17-18/quarters"


def text_of(response) -> str:
    """The page's text, tags removed and white space collapsed, as a reader sees it."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def section(response, element_id) -> str:
    """The text of the page's <section> labelled by the heading with this id."""
    body = response.content.decode()
    match = re.search(rf'<section aria-labelledby="{element_id}">(.*?)</section>', body, re.S)
    assert match, f"no section {element_id}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def rows_in(response) -> int:
    """How many actions the filtered list's table holds."""
    body = response.content.decode()
    tbody = re.search(r'<tbody class="govuk-table__body">(.*?)</tbody>', body, re.S)
    return len(re.findall(r'<tr class="govuk-table__row">', tbody.group(1))) if tbody else 0


# Access --------------------------------------------------------------------------------------


def test_it_asks_to_sign_in(client, demo_plan):
    response = client.get(f"{DEMO}/3/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={DEMO}/3/"


def test_it_is_not_found_for_someone_without_a_role_in_the_partnership(client, demo_plan):
    client.force_login(UserFactory(username="nobody"))

    assert client.get(f"{DEMO}/3/").status_code == 404
    assert client.get(f"{DEMO}/3/actions/").status_code == 404


@pytest.mark.parametrize("quarter", ["0", "5", "12", "three"])
def test_there_is_no_quarter_outside_one_to_four(member_client, demo_plan, quarter):
    assert member_client.get(f"{DEMO}/{quarter}/").status_code == 404
    assert member_client.get(f"{DEMO}/{quarter}/actions/").status_code == 404


def test_an_unknown_plan_has_no_quarters(member_client, db):
    assert member_client.get("/p/lewisham/plans/no-such-plan/quarters/1/").status_code == 404
    assert (
        member_client.get("/p/lewisham/plans/no-such-plan/quarters/1/actions/").status_code == 404
    )


def test_it_answers_head_but_not_post(member_client, demo_plan):
    assert member_client.head(f"{DEMO}/3/").status_code == 200
    assert member_client.post(f"{DEMO}/3/").status_code == 405


# The quarterly page ----------------------------------------------------------------------------


def test_it_is_titled_with_the_quarter_its_months_and_the_plan(member_client, demo_plan):
    response = member_client.get(f"{DEMO}/3/")

    assert response.status_code == 200
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert html.unescape(title).startswith(
        "Q3 2017-18: October to December 2017 — Safer Lewisham Plan 17-18"
    )
    assert "Safer Lewisham Plan 17-18 Q3 2017-18: October to December 2017" in text_of(response)


def test_it_shows_the_headline_figures_each_linking_to_its_actions(member_client, demo_plan):
    response = member_client.get(f"{DEMO}/3/")

    figures = re.search(r'<ul class="app-figures"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    links = re.findall(r'href="([^"]+)">\s*(.*?)</a>', figures.group(1), re.S)
    shown = {
        html.unescape(href): " ".join(re.sub(r"<[^>]+>", " ", inner).split())
        for href, inner in links
    }
    assert shown == {
        f"{DEMO}/3/actions/?figure=total": "37 actions",
        f"{DEMO}/3/actions/?figure=complete": "27% complete (10 of 37)",
        f"{DEMO}/3/actions/?figure=on_track": "18 on track (green)",
        f"{DEMO}/3/actions/?figure=at_risk": "6 at risk (amber)",
        f"{DEMO}/3/actions/?figure=off_track": "3 off track (red)",
        f"{DEMO}/3/actions/?figure=blue": "10 rated blue (complete)",
        f"{DEMO}/3/actions/?figure=late": "0 late",
        f"{DEMO}/3/actions/?figure=not_updated": "0 not updated this quarter",
    }


def test_it_puts_the_exceptions_first(member_client, demo_plan):
    body = member_client.get(f"{DEMO}/3/").content.decode()

    order = [body.index(f'id="{heading}"') for heading in ("exceptions", "completed", "late")]
    assert order == sorted(order)
    assert body.index('id="exceptions"') < body.index('id="breakdowns"')


def test_each_exception_has_its_narrative_lead_due_date_and_last_quarters_rag(
    member_client, demo_plan
):
    response = member_client.get(f"{DEMO}/3/")

    exceptions = section(response, "exceptions")
    assert (
        exceptions.index("1.2 Open Day")
        < exceptions.index("2.11 Develop")
        < exceptions.index("1.10 Everyone")
    )  # reds first, then ambers
    open_day = exceptions[exceptions.index("1.2 Open Day") : exceptions.index("1.4 VAWG")]
    assert "Red" in open_day
    assert "No venue secured and the small events budget has been used" in open_day
    assert "Lead Lewisham Council Daniel Osei" in open_day
    assert "Due 31 March 2018 “March 18”" in open_day
    assert "Q2 RAG Amber worsened to red" in open_day


def test_it_lists_the_actions_not_updated_with_their_leads_to_chase(member_client, db):
    plan = AnnualPlanFactory(slug="quiet-plan", financial_year=2017)
    strand = StrandFactory(priority=PriorityFactory(plan=plan))
    lead = UserFactory(first_name="Priya", last_name="Shah")
    ActionFactory(strand=strand, reference="4.1", lead_officer=lead, text="Run the forum.")
    updated = ActionFactory(strand=strand, reference="4.2", text="Train the staff.")
    ProgressUpdateFactory(action=updated, quarter=2)

    response = member_client.get("/p/lewisham/plans/quiet-plan/quarters/2/")

    not_updated = section(response, "not-updated")
    assert "1 action with no Q2 2017-18 update" in not_updated
    assert "4.1 Run the forum." in not_updated
    assert "Priya Shah" in not_updated
    assert "Train the staff." not in not_updated


def test_it_shows_what_moved_since_the_previous_quarter(member_client, demo_plan):
    response = member_client.get(f"{DEMO}/3/")

    movement = section(response, "movement")
    assert "Movement since Q2" in movement
    assert "4 actions whose RAG rating worsened" in movement
    assert "2 actions whose RAG rating improved" in movement


def test_the_first_quarter_has_no_movement_to_show(member_client, demo_plan):
    response = member_client.get(f"{DEMO}/1/")

    assert "there is no earlier quarter to compare with" in section(response, "movement")


def test_it_lists_the_actions_completed_this_quarter(member_client, demo_plan):
    response = member_client.get(f"{DEMO}/2/")

    completed = section(response, "completed")
    assert "9 actions completed in Q2 2017-18" in completed
    assert "1.3 Conversation with leaders of all faiths" in completed


def test_it_breaks_the_figures_down_by_strand_theme_and_lead_agency(member_client, demo_plan):
    response = member_client.get(f"{DEMO}/3/")

    breakdowns = section(response, "breakdowns")
    assert "By priority and strand" in breakdowns
    assert "By theme" in breakdowns
    assert "By lead agency" in breakdowns
    strand = demo_plan.priorities.get().strands.get(slug="violence-against-women-and-girls")
    assert f'href="{DEMO}/3/actions/?figure=off_track&amp;strand={strand.pk}">2<' in (
        response.content.decode()
    )


def test_it_links_to_the_pack_the_exports_and_the_other_quarters(member_client, demo_plan):
    body = member_client.get(f"{DEMO}/3/").content.decode()

    for address in ("3/pack.pdf", "3/actions.xlsx", "3/actions.csv", "1/", "2/", "4/"):
        assert f'href="{DEMO}/{address}"' in body
    assert 'aria-current="page">Q3<' in body


def test_it_shows_the_charts(member_client, demo_plan):
    response = member_client.get(f"{DEMO}/3/")

    assert "RAG ratings by strand, Q3 2017-18" in text_of(response)


def test_it_says_a_quarter_that_has_ended_is_open_until_it_is_closed(member_client, demo_plan):
    response = member_client.get(f"{DEMO}/3/")

    assert "Open This quarter ended on 31 December 2017" in text_of(response)


def test_it_says_a_quarter_in_progress_is_in_progress(member_client, demo_plan, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2017, 11, 20))

    response = member_client.get(f"{DEMO}/3/")

    assert "In progress This quarter runs until 31 December 2017" in text_of(response)


def grow(plan, count):
    """Add `count` actions, each in a strand and theme of its own, with a lead officer and three
    quarters of updates (red, so that they are also listed as exceptions)."""
    for _ in range(count):
        strand = StrandFactory(priority=PriorityFactory(plan=plan))
        action = ActionFactory(
            strand=strand, theme=ThemeFactory(plan=plan), lead_officer=UserFactory()
        )
        for quarter in (1, 2, 3):
            ProgressUpdateFactory(action=action, quarter=quarter, rag_rating="red")
        # Performance indicators: one per action, with a target and three values.
        value = IndicatorValueFactory(indicator__plan=plan, quarter=1)
        IndicatorTargetFactory(indicator=value.indicator, quarter=3)
        for quarter in (2, 3):
            IndicatorValueFactory(indicator=value.indicator, quarter=quarter)


@pytest.mark.parametrize("address", ["3/", "3/actions/", "3/actions/?figure=off_track"])
def test_it_takes_the_same_number_of_queries_however_many_actions(member_client, db, address):
    plan = AnnualPlanFactory(slug="growing-plan", financial_year=2017)
    url = f"/p/lewisham/plans/growing-plan/quarters/{address}"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(url).status_code == 200
        return len(captured)

    grow(plan, 1)
    member_client.get(url)  # the session and permissions, fetched once per client
    few = queries()
    grow(plan, 15)

    assert queries() == few


# The filtered action lists --------------------------------------------------------------------


def figure_links(response):
    """(address, count) of every link of the page to a filtered action list, with the number
    its text shows: a percentage's link counts the "(n of m)" after it."""
    links = []
    for href, inner in re.findall(
        r'<a class="[^"]*" href="([^"]*/actions/\?figure=[^"]*)">(.*?)</a>',
        response.content.decode(),
        re.S,
    ):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inner)).split())
        count = re.search(r"\((\d+) of", text) if "%" in text else re.match(r"(\d+)", text)
        links.append((html.unescape(href), int(count.group(1))))
    return links


@pytest.mark.parametrize("quarter", [2, 3])
def test_every_figure_on_the_page_links_to_a_list_of_exactly_that_many_actions(
    member_client, demo_plan, quarter
):
    links = figure_links(member_client.get(f"{DEMO}/{quarter}/"))

    assert len(links) > 100  # headline, sections and every cell of the three breakdowns
    for address, count in links:
        response = member_client.get(address)
        assert response.status_code == 200, address
        assert rows_in(response) == count, address
        assert f"{count} action" in text_of(response), address


# Q3 of the demo plan, counted by hand in tests/reviews/test_building.py.
Q3_FIGURES = {
    "total": 37,
    "complete": 10,
    "on_track": 18,
    "at_risk": 6,
    "off_track": 3,
    "blue": 10,
    "late": 0,
    "not_updated": 0,
    "completed_this_quarter": 0,
    "improved": 2,
    "worsened": 4,
}


def test_the_list_behind_each_figure_holds_the_figures_actions(member_client, demo_plan):
    counted = {}
    for figure in Q3_FIGURES:
        response = member_client.get(f"{DEMO}/3/actions/?figure={figure}")
        assert response.status_code == 200
        counted[figure] = rows_in(response)

    assert counted == Q3_FIGURES


def test_a_list_is_headed_with_its_figure_group_and_quarter(member_client, demo_plan):
    strand = demo_plan.priorities.get().strands.get(slug="violence-against-women-and-girls")

    response = member_client.get(f"{DEMO}/3/actions/?figure=off_track&strand={strand.pk}")

    assert "Off track actions in Violence against women and girls, Q3 2017-18" in text_of(response)
    assert rows_in(response) == 2


def test_a_list_by_lead_agency_says_who_leads_them(member_client, demo_plan):
    met = demo_plan.priorities.get().strands.first().actions.get(reference="1.14").lead_agency

    response = member_client.get(f"{DEMO}/3/actions/?figure=at_risk&agency={met.pk}")

    assert "At risk actions led by Met Police, Q3 2017-18" in text_of(response)
    assert rows_in(response) == 2  # 1.14 and 3.11


def test_a_list_shows_each_actions_quarter_at_a_glance(member_client, demo_plan):
    action = demo_plan.priorities.get().strands.first().actions.get(reference="1.2")

    response = member_client.get(f"{DEMO}/3/actions/?figure=off_track")

    page = text_of(response)
    assert f'href="/p/lewisham/actions/{action.pk}/"' in response.content.decode()
    headings = "Ref Action Strand Theme Lead Due Q2 RAG Q3 RAG Completion Narrative"
    assert headings in page
    row = page[page.index("1.2 Open Day") : page.index("1.4 VAWG")]
    assert "Violence against women and girls Awareness raising Lewisham Council" in row
    assert "31 March 2018 “March 18” Amber Red Not started No venue secured" in row


def test_the_no_theme_list_holds_the_actions_with_no_theme(member_client, db):
    plan = AnnualPlanFactory(slug="themeless", financial_year=2017)
    strand = StrandFactory(priority=PriorityFactory(plan=plan))
    ActionFactory(strand=strand, theme=None, text="Without a theme.")
    ActionFactory(strand=strand, text="With a theme.")

    response = member_client.get(
        "/p/lewisham/plans/themeless/quarters/1/actions/?figure=total&theme=none"
    )

    assert "All actions with no theme, Q1 2017-18" in text_of(response)
    assert "Without a theme." in text_of(response)
    assert rows_in(response) == 1


@pytest.mark.parametrize(
    "query",
    [
        "figure=everything",
        "figure=off_track&strand=999999",
        "figure=off_track&strand=twelve",
        "theme=0",
        "priority=none",
        "agency=-1",
    ],
)
def test_a_list_with_an_unknown_filter_is_a_bad_request(member_client, demo_plan, query):
    response = member_client.get(f"{DEMO}/3/actions/?{query}")

    assert response.status_code == 400
    assert "There is a problem with the list of actions" in text_of(response)


def test_a_list_refuses_a_strand_of_another_plan(member_client, demo_plan):
    other = StrandFactory(priority=PriorityFactory(plan=AnnualPlanFactory()))

    response = member_client.get(f"{DEMO}/3/actions/?strand={other.pk}")

    assert response.status_code == 400
    assert f"There is no strand “{other.pk}” in Safer Lewisham Plan 17-18." in text_of(response)


def test_the_plans_page_links_to_the_quarters_that_have_begun(
    member_client, demo_plan, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2017, 11, 20))

    body = member_client.get("/p/lewisham/plans/safer-lewisham-plan-17-18/").content.decode()

    assert f'href="{DEMO}/1/">Q1 2017-18: April to June 2017<' in body
    assert f'href="{DEMO}/3/">Q3 2017-18: October to December 2017<' in body
    assert f'href="{DEMO}/4/"' not in body


# Long sections ---------------------------------------------------------------------------------


def test_a_long_section_lists_its_first_actions_and_links_to_all_of_them(
    member_client, demo_plan, monkeypatch
):
    monkeypatch.setattr("reviews.views.quarter.LISTED_ROWS", 2)

    response = member_client.get(f"{DEMO}/2/")

    completed = re.search(
        r'<section aria-labelledby="completed">(.*?)</section>', response.content.decode(), re.S
    ).group(1)
    assert len(re.findall(r'<tr class="govuk-table__row">', completed)) == 1 + 2  # head, 2 rows
    assert "9 actions completed in Q2 2017-18" in section(response, "completed")
    assert "These are the first 2. 9 actions in all: see every one" in section(
        response, "completed"
    )
    assert f'href="{DEMO}/2/actions/?figure=completed_this_quarter">9 actions in all' in completed


def test_the_exceptions_are_not_cut_short_like_the_other_sections(
    member_client, demo_plan, monkeypatch
):
    monkeypatch.setattr("reviews.views.quarter.LISTED_ROWS", 1)

    response = member_client.get(f"{DEMO}/3/")

    body = response.content.decode()
    assert body.count('class="govuk-summary-card app-exception"') == 3 + 6  # red and amber
    assert "These are the first" not in section(response, "exceptions")


def test_a_long_list_of_exceptions_shows_the_first_and_links_to_every_one(
    member_client, demo_plan, monkeypatch
):
    monkeypatch.setattr("reviews.views.quarter.LISTED_EXCEPTIONS", 4)

    response = member_client.get(f"{DEMO}/3/")

    body = response.content.decode()
    exceptions = section(response, "exceptions")
    assert body.count('class="govuk-summary-card app-exception"') == 4
    # The three reds first, then the first amber.
    assert (
        exceptions.index("1.2 Open Day")
        < exceptions.index("2.11 Develop")
        < exceptions.index("1.10 Everyone")
    )
    assert (
        "These are the first 4 of 9. See every one with its narrative: "
        "all 3 off track (red) and all 6 at risk (amber)"
    ) in exceptions
    assert f'href="{DEMO}/3/actions/?figure=off_track">all 3 off track' in body
    assert f'href="{DEMO}/3/actions/?figure=at_risk">all 6 at risk' in body


def test_an_exception_changed_since_the_page_was_last_shown_is_shown_as_it_is_now(
    member_client, db
):
    """The exceptions' cards come from a cache while none of them changes."""
    plan = AnnualPlanFactory(slug="changing-plan", financial_year=2017)
    action = ActionFactory(strand=StrandFactory(priority=PriorityFactory(plan=plan)))
    update = ProgressUpdateFactory(action=action, quarter=2, rag_rating="red", narrative="First.")
    assert "First." in section(
        member_client.get("/p/lewisham/plans/changing-plan/quarters/2/"), "exceptions"
    )

    type(update).objects.filter(pk=update.pk).update(narrative="Second.")
    exceptions = section(
        member_client.get("/p/lewisham/plans/changing-plan/quarters/2/"), "exceptions"
    )

    assert "Second." in exceptions
    assert "First." not in exceptions


def test_a_sections_table_shows_its_actions_as_they_are_now(member_client, db):
    """Each section's table comes from a cache while none of its rows changes."""
    plan = AnnualPlanFactory(slug="renamed-lead", financial_year=2017)
    lead = UserFactory(first_name="Priya", last_name="Shah")
    ActionFactory(strand=StrandFactory(priority=PriorityFactory(plan=plan)), lead_officer=lead)
    assert "Priya Shah" in section(
        member_client.get("/p/lewisham/plans/renamed-lead/quarters/2/"), "not-updated"
    )

    type(lead).objects.filter(pk=lead.pk).update(first_name="Asha")
    not_updated = section(
        member_client.get("/p/lewisham/plans/renamed-lead/quarters/2/"), "not-updated"
    )

    assert "Asha Shah" in not_updated
    assert "Priya" not in not_updated
