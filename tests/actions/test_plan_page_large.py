"""A large plan's page (issue 15): above FOLD_ABOVE actions the plan's page shows its priorities
and strands with their counts, and each strand's actions at ``?strand=<id>``, a page of
ACTIONS_PER_PAGE at a time; every action is reached by ordinary links. A plan of up to
FOLD_ABOVE actions shows them all, as before (tests/actions/test_plan_page.py).

Most tests lower the two numbers (monkeypatch) so that a plan of a few actions folds and pages;
the first two make a plan of the real size around the threshold."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action
from actions.views import plan as plan_view
from partnerships.context import acting_in
from tests.factories import (
    ActionFactory,
    ActionSubItemFactory,
    AgencyFactory,
    AnnualPlanFactory,
    PartnershipFactory,
    PriorityFactory,
    StrandFactory,
    ThemeFactory,
    TimeframeFactory,
    completion_status,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_numbers(monkeypatch):
    """A plan of more than 4 actions folds; a strand's actions are listed 2 to a page."""
    monkeypatch.setattr(plan_view, "FOLD_ABOVE", 4)
    monkeypatch.setattr(plan_view, "ACTIONS_PER_PAGE", 2)


def rows(response):
    """The action rows of the page's tables: the ids of their actions, in order."""
    return [
        int(n)
        for n in re.findall(r'<tr class="govuk-table__row" id="action-(\d+)"', html(response))
    ]


def html(response):
    return response.content.decode()


def links(response):
    """The addresses of the page's links, unescaped."""
    return [unescape(href) for href in re.findall(r'<a [^>]*href="([^"]*)"', html(response))]


def bulk_actions(strand, count, **fields):
    """``count`` actions in the strand, made in one query: a plan of the real threshold's size
    without a factory's queries per action."""
    Action.objects.bulk_create(
        Action(strand=strand, text=f"Action {n} of {strand.title}.", order=n, **fields)
        for n in range(count)
    )


@pytest.fixture
def large_plan(small_numbers):
    """A plan of 7 actions (more than 4: it folds) in two priorities: "Violence" with two
    strands of 5 (2 complete) and 2 actions, "Exploitation" with one strand and no action."""
    plan = AnnualPlanFactory(title="Safer Northbrook Plan")
    violence = PriorityFactory(plan=plan, title="Violence", order=1)
    exploitation = PriorityFactory(plan=plan, title="Exploitation", order=2)
    women = StrandFactory(priority=violence, title="Violence against women and girls", order=1)
    peer = StrandFactory(priority=violence, title="Peer on peer abuse", order=2)
    empty = StrandFactory(priority=exploitation, title="Modern slavery", order=1)
    for n in range(5):
        ActionFactory(
            strand=women,
            order=n,
            text=f"Women and girls action {n}.",
            completion_status=completion_status("complete" if n < 2 else "in-progress"),
        )
    for n in range(2):
        ActionFactory(strand=peer, order=n, text=f"Peer action {n}.")
    return {"plan": plan, "women": women, "peer": peer, "empty": empty}


def strand_url(plan, strand, page=None):
    url = f"{plan.get_absolute_url()}?strand={strand.pk}"
    return f"{url}&page={page}" if page else url


# The threshold, at its real size --------------------------------------------------------------


def test_a_plan_of_as_many_actions_as_the_threshold_shows_them_all(member_client):
    plan = AnnualPlanFactory()
    bulk_actions(StrandFactory(priority__plan=plan), plan_view.FOLD_ABOVE)

    response = member_client.get(plan.get_absolute_url())

    assert len(rows(response)) == plan_view.FOLD_ABOVE == 150
    assert "choose a strand" not in text_of(response)


def test_a_plan_of_one_action_more_shows_its_strands_instead(member_client):
    plan = AnnualPlanFactory()
    strand = StrandFactory(priority__plan=plan, title="Serious violence")
    bulk_actions(strand, plan_view.FOLD_ABOVE + 1)

    response = member_client.get(plan.get_absolute_url())

    assert rows(response) == []
    page = text_of(response)
    assert "This plan has 151 actions in 1 strand." in page
    assert "Serious violence 151 0" in page
    strand_page = member_client.get(strand_url(plan, strand))
    assert "Showing actions 1 to 100 of 151 in this strand." in text_of(strand_page)
    assert len(rows(strand_page)) == 100


# The folded page --------------------------------------------------------------------------------


def test_it_shows_the_priorities_and_strands_with_their_counts(member_client, large_plan):
    plan = large_plan["plan"]

    response = member_client.get(plan.get_absolute_url())

    assert response.status_code == 200
    page = text_of(response)
    assert "This plan has 7 actions in 3 strands." in page
    assert (
        "Violence Strands of Violence Strand Actions Complete "
        "Violence against women and girls 5 2 Peer on peer abuse 2 0 "
        "Exploitation Strands of Exploitation Strand Actions Complete Modern slavery 0 0"
    ) in page
    assert rows(response) == []
    assert "Women and girls action 0." not in page


def test_it_links_each_strand_to_its_own_address(member_client, large_plan):
    plan = large_plan["plan"]

    response = member_client.get(plan.get_absolute_url())

    assert {strand_url(plan, large_plan[name]) for name in ("women", "peer", "empty")} <= set(
        links(response)
    )


def test_a_link_to_a_strand_on_the_plans_page_still_lands_on_it(member_client, large_plan):
    # A comment on a strand links to <plan>#strand-<id> (consultation/views.py).
    response = member_client.get(large_plan["plan"].get_absolute_url())

    assert f'id="strand-{large_plan["peer"].pk}"' in html(response)


def test_it_still_shows_the_plans_title_and_status(member_client, large_plan):
    response = member_client.get(large_plan["plan"].get_absolute_url())

    assert "Safer Northbrook Plan" in text_of(response)
    assert "Plan status and history" in text_of(response)


# A strand's page --------------------------------------------------------------------------------


def test_a_strands_page_shows_its_actions_only(member_client, large_plan):
    plan, peer = large_plan["plan"], large_plan["peer"]

    response = member_client.get(strand_url(plan, peer))

    assert response.status_code == 200
    page = text_of(response)
    assert "Safer Northbrook Plan: Violence" in page
    assert "<h1" in html(response) and ">Peer on peer abuse</h1>" in html(response)
    assert "This strand has 2 actions. The plan has 7 actions in all" in page
    assert "Peer action 0." in page and "Peer action 1." in page
    assert "Women and girls action" not in page
    assert rows(response) == list(peer.actions.order_by("order").values_list("pk", flat=True))


def test_a_strands_page_links_back_to_the_plan(member_client, large_plan):
    plan = large_plan["plan"]

    response = member_client.get(strand_url(plan, large_plan["peer"]))

    assert plan.get_absolute_url() in links(response)


def test_a_strand_with_no_actions_says_so(member_client, large_plan):
    response = member_client.get(strand_url(large_plan["plan"], large_plan["empty"]))

    assert response.status_code == 200
    assert "No actions have been added to this strand yet." in text_of(response)
    assert 'class="govuk-pagination"' not in html(response)


def test_a_strands_page_pages_its_actions(member_client, large_plan):
    plan, women = large_plan["plan"], large_plan["women"]

    first = member_client.get(strand_url(plan, women))
    last = member_client.get(strand_url(plan, women, page=3))

    assert "Showing actions 1 to 2 of 5 in this strand." in text_of(first)
    assert "Showing actions 5 to 5 of 5 in this strand." in text_of(last)
    assert [len(rows(first)), len(rows(last))] == [2, 1]
    assert 'class="govuk-pagination"' in html(first)
    assert 'aria-current="page">1</a>' in html(first)
    assert strand_url(plan, women, page=2) in links(first)
    assert 'rel="next"' in html(first) and 'rel="prev"' not in html(first)
    assert 'rel="prev"' in html(last) and 'rel="next"' not in html(last)


def test_following_the_links_reaches_every_action_once(member_client, large_plan):
    plan = large_plan["plan"]
    ActionFactory(strand=large_plan["empty"], text="A late addition.")  # 8 actions, 3 strands

    seen, queue, opened = [], [plan.get_absolute_url()], set()
    while queue:
        url = queue.pop(0)
        if url in opened:
            continue
        opened.add(url)
        response = member_client.get(url)
        assert response.status_code == 200, url
        seen += rows(response)
        queue += [
            link
            for link in links(response)
            if link.startswith(plan.get_absolute_url() + "?strand=")
        ]

    assert sorted(seen) == sorted(
        Action.objects.filter(strand__priority__plan=plan).values_list("pk", flat=True)
    )
    # The plan's page, the 3 strands' pages, and the 2nd and 3rd pages of the strand of 5.
    assert len(opened) == 1 + 3 + 2


def test_a_strands_actions_follow_the_plans_themes_across_its_pages(member_client, small_numbers):
    plan = AnnualPlanFactory()
    strand = StrandFactory(priority__plan=plan)
    prevention = ThemeFactory(plan=plan, name="Prevention", order=2)
    awareness = ThemeFactory(plan=plan, name="Awareness raising", order=1)
    made = [
        ActionFactory(strand=strand, theme=theme, order=order, text=text)
        for theme, order, text in [
            (None, 0, "No theme, first."),
            (prevention, 1, "Prevention, second."),
            (awareness, 2, "Awareness, third."),
            (prevention, 0, "Prevention, first."),
            (awareness, 1, "Awareness, second."),
        ]
    ]

    pages = [member_client.get(strand_url(plan, strand, page=n)) for n in (1, 2, 3)]

    in_order = [made[4], made[2], made[3], made[1], made[0]]
    assert sum((rows(page) for page in pages), []) == [action.pk for action in in_order]
    # Each page shows its rows' themes, the theme's name heading its group.
    assert "Awareness raising Awareness, second." in text_of(pages[0])
    assert "Prevention Prevention, first." in text_of(pages[1])
    assert "No theme No theme, first." in text_of(pages[2])


def test_a_strands_page_shows_what_the_plans_table_shows(member_client, small_numbers):
    plan = AnnualPlanFactory(financial_year=2017)
    strand = StrandFactory(priority__plan=plan)
    action = ActionFactory(
        strand=strand,
        reference="1.4",
        timeframe=TimeframeFactory(plan=plan, wording="March 18"),
        lead_agency=AgencyFactory(name="Metropolitan Police Service", short_name="Met Police"),
        completion_status=completion_status("complete-with-caveats"),
        completion_note="within YOS and CER",
    )
    action.partner_agencies.add(
        AgencyFactory(name="Lewisham Council", short_name="LBL"),
        AgencyFactory(name="Clinical Commissioning Group", short_name="CCG"),
    )
    ActionSubItemFactory(action=action, label="a", text="Domestic Violence Protection Orders")

    page = text_of(member_client.get(strand_url(plan, strand)))

    assert "1.4 " in page
    assert "a) Domestic Violence Protection Orders" in page
    assert "March 18 Due 31 March 2018" in page
    assert "Met Police With CCG, LBL" in page
    assert "✓ Complete with caveats within YOS and CER" in page


# What it refuses ------------------------------------------------------------------------------


def test_a_strand_of_another_plan_is_not_found(member_client, large_plan):
    other = StrandFactory(priority__plan=AnnualPlanFactory())
    ActionFactory(strand=other)

    response = member_client.get(strand_url(large_plan["plan"], other))

    assert response.status_code == 404


def test_a_strand_of_another_partnership_is_not_found(member_client, large_plan):
    with acting_in(PartnershipFactory()):
        theirs = StrandFactory(priority__plan=AnnualPlanFactory(slug=large_plan["plan"].slug))
        ActionFactory(strand=theirs, text="Their action.")

    response = member_client.get(strand_url(large_plan["plan"], theirs))

    assert response.status_code == 404
    assert "Their action." not in text_of(response)


@pytest.mark.parametrize("value", ["", "abc", "-1", "1.5", "99999999999999999999", "%00"])
def test_a_strand_that_is_not_a_number_of_the_plans_is_not_found(member_client, large_plan, value):
    response = member_client.get(f"{large_plan['plan'].get_absolute_url()}?strand={value}")

    assert response.status_code == 404
    assert "Page not found" in text_of(response)


@pytest.mark.parametrize(
    ("page", "showing"),
    [
        ("abc", "Showing actions 1 to 2 of 5"),
        ("", "Showing actions 1 to 2 of 5"),
        ("0", "Showing actions 5 to 5 of 5"),
        ("4", "Showing actions 5 to 5 of 5"),
        ("99999999999999999999", "Showing actions 5 to 5 of 5"),
    ],
)
def test_a_page_that_is_not_one_shows_the_nearest(member_client, large_plan, page, showing):
    url = strand_url(large_plan["plan"], large_plan["women"]) + f"&page={page}"

    response = member_client.get(url)

    assert response.status_code == 200
    assert showing in text_of(response)


def test_a_small_plans_strand_has_its_address_too(member_client):
    plan = AnnualPlanFactory()
    strand = StrandFactory(priority__plan=plan, title="Peer on peer abuse")
    ActionFactory(strand=strand, text="Map the hotspots.")
    ActionFactory(strand=StrandFactory(priority__plan=plan), text="Another strand's action.")

    page = text_of(member_client.get(strand_url(plan, strand)))

    assert "Map the hotspots." in page
    assert "Another strand's action." not in page


# Queries --------------------------------------------------------------------------------------


def plan_of(actions_per_strand, strands=2):
    """A plan whose actions have everything a row shows: theme, timeframe, lead agency and
    officer-free lead, two partners, two sub-items."""
    plan = AnnualPlanFactory()
    theme = ThemeFactory(plan=plan)
    timeframe = TimeframeFactory(plan=plan, wording="March 18")
    made = []
    for _ in range(strands):
        strand = StrandFactory(priority__plan=plan)
        made.append(strand)
        for n in range(actions_per_strand):
            action = ActionFactory(
                strand=strand,
                theme=theme if n % 2 else None,
                timeframe=timeframe,
                lead_agency=AgencyFactory(),
            )
            action.partner_agencies.add(AgencyFactory(), AgencyFactory())
            ActionSubItemFactory(action=action, label="a")
            ActionSubItemFactory(action=action, label="b")
    return plan, made


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_folded_page_takes_as_many_queries_whatever_the_plans_size(
    member_client, small_numbers
):
    small, _ = plan_of(3)
    large, _ = plan_of(6, strands=4)

    assert queries(member_client, small.get_absolute_url()) == queries(
        member_client, large.get_absolute_url()
    )


def test_a_strands_page_takes_as_many_queries_whatever_its_size(member_client, monkeypatch):
    monkeypatch.setattr(plan_view, "ACTIONS_PER_PAGE", 4)
    small, (small_strand, _) = plan_of(1)
    large, (large_strand, _) = plan_of(10)

    counts = {
        queries(member_client, strand_url(small, small_strand)),
        queries(member_client, strand_url(large, large_strand)),
        queries(member_client, strand_url(large, large_strand, page=2)),
    }

    assert len(counts) == 1
