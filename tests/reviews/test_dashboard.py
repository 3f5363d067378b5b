"""The dashboard (/dashboard/): every plan in delivery, its reporting quarter at a glance and its
trend, and where the chair, members and administrators land after signing in.

Expected figures are counted by hand from the actions and updates each test builds.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import AnnualPlan
from reviews.building import review_for
from reviews.dashboard import plans_at_a_glance
from reviews.figures import Figures
from tests.closing import close_quarter
from tests.conftest import PREFIX
from tests.factories import (
    ActionFactory,
    AnnualPlanFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    StrandFactory,
    TimeframeFactory,
    UserFactory,
    completion_status,
)
from tests.two_factor import through_the_second_step, with_an_app

pytestmark = pytest.mark.django_db

URL = PREFIX + "/dashboard/"
# In Q3 2017-18 (October to December 2017): the 2017-18 plan's reporting quarter is Q3.
IN_Q3 = date(2017, 11, 15)
PASSWORD = "correct-horse-battery"  # every UserFactory user's password


def make_plan(**kwargs) -> AnnualPlan:
    return AnnualPlanFactory(financial_year=2017, **kwargs)


def make_action(plan, *, due="March 18", status="not-started", **kwargs):
    strand = kwargs.pop("strand", None) or StrandFactory(priority=PriorityFactory(plan=plan))
    return ActionFactory(
        strand=strand,
        timeframe=TimeframeFactory(plan=plan, wording=due),
        completion_status=completion_status(status),
        **kwargs,
    )


def update(action, quarter, rag, status="in-progress"):
    return ProgressUpdateFactory(
        action=action, quarter=quarter, rag_rating=rag, completion_status=completion_status(status)
    )


def glance_of(plan, on=IN_Q3):
    return next(g for g in plans_at_a_glance(on) if g.plan == plan)


def a_plan_of_five_actions():
    """Five actions of a 2017-18 plan, with updates in Q1 to Q3:

    1. due Sept 17: Q1 green, Q2 amber, Q3 red                    -> late in Q3 (and Q2? due 30
       September is not before the end of Q2, 30 September: not late in Q2)
    2. due Sept 17: Q1 green, Q2 blue and complete                -> complete from Q2
    3. due March 18: Q1 amber; nothing since                      -> not updated in Q2 and Q3
    4. due June 17, complete on the action itself, no updates     -> complete in every quarter
    5. due June 17: Q3 green                                      -> late in Q2 and Q3
    """
    plan = make_plan()
    strand = StrandFactory(priority=PriorityFactory(plan=plan))
    one = make_action(plan, due="Sept 17", strand=strand)
    update(one, 1, "green")
    update(one, 2, "amber")
    update(one, 3, "red")
    two = make_action(plan, due="Sept 17", strand=strand)
    update(two, 1, "green")
    update(two, 2, "blue", status="complete")
    three = make_action(plan, due="March 18", strand=strand)
    update(three, 1, "amber")
    make_action(plan, due="June 17", status="complete", strand=strand)
    five = make_action(plan, due="June 17", strand=strand)
    update(five, 3, "green")
    return plan


# What it counts -----------------------------------------------------------------------------------


def test_it_counts_the_reporting_quarter_of_a_plan():
    plan = a_plan_of_five_actions()

    glance = glance_of(plan)

    assert glance.quarter.label == "Q3 2017-18"
    assert glance.figures == Figures(
        total=5,
        complete=2,  # 2 (complete in Q2) and 4 (complete itself)
        not_started=0,  # 5 started in Q3
        open_green=1,  # 5
        open_amber=0,
        open_red=1,  # 1
        on_track=1,  # 5
        at_risk=0,
        off_track=1,  # 1
        rated_complete=0,
        late=2,  # 1 (due September) and 5 (due June)
        not_updated=3,  # 2, 3 and 4
    )
    assert glance.figures.percent_complete == 40


def test_it_counts_each_quarter_so_far_as_it_stood_then():
    plan = a_plan_of_five_actions()

    trend = dict(glance_of(plan).trend)

    assert list(trend) == [1, 2, 3]
    assert trend[1] == Figures(
        total=5,
        complete=1,
        not_started=1,  # 5, not updated yet
        open_green=2,  # 1 and 2
        open_amber=1,  # 3
        open_red=0,
        on_track=2,
        at_risk=1,
        off_track=0,
        rated_complete=0,
        late=0,
        not_updated=2,
    )
    assert trend[2] == Figures(
        total=5,
        complete=2,
        not_started=1,  # 5
        open_green=0,
        open_amber=1,  # 1
        open_red=0,
        on_track=0,
        at_risk=1,
        off_track=0,
        rated_complete=1,
        late=1,
        not_updated=3,
    )


def test_late_in_the_quarter_in_progress_means_due_before_today():
    plan = make_plan()
    make_action(plan, due="Sept 17")  # due 30 September 2017

    assert glance_of(plan, on=date(2017, 9, 30)).figures.late == 0
    assert glance_of(plan, on=date(2017, 10, 1)).figures.late == 1


def test_an_update_saying_not_complete_undoes_the_actions_own_completion_from_its_quarter():
    plan = make_plan()
    action = make_action(plan, status="complete")
    update(action, 2, "amber", status="in-progress")

    trend = dict(glance_of(plan).trend)

    assert [trend[n].complete for n in (1, 2, 3)] == [1, 0, 0]


def test_it_shows_active_and_signed_off_plans_only():
    active = make_plan(status=AnnualPlan.Status.ACTIVE)
    signed_off = make_plan(status=AnnualPlan.Status.SIGNED_OFF)
    make_plan(status=AnnualPlan.Status.DRAFT)
    make_plan(status=AnnualPlan.Status.CONSULTATION)
    make_plan(status=AnnualPlan.Status.CLOSED)

    assert [g.plan for g in plans_at_a_glance(IN_Q3)] == [active, signed_off]


def test_a_plan_whose_year_has_not_started_has_no_quarter_yet():
    plan = AnnualPlanFactory(financial_year=2018, status=AnnualPlan.Status.SIGNED_OFF)

    glance = glance_of(plan)

    assert glance.quarter is None
    assert glance.trend == []


def test_a_closed_quarter_keeps_the_figures_its_meeting_was_shown():
    plan = make_plan()
    action = make_action(plan)
    update(action, 1, "red")
    close_quarter(plan, 1, by=UserFactory(), on=date(2017, 7, 5))
    # Changed after the meeting (say, by an administrator in Plan administration).
    action.progress_updates.filter(quarter=1).update(rag_rating="green")

    trend = dict(glance_of(plan).trend)

    assert trend[1].off_track == 1
    assert trend[1].on_track == 0


def test_a_closed_reporting_quarter_shows_the_review_as_it_was_closed():
    plan = make_plan()  # its year is over: its reporting quarter is Q4
    action = make_action(plan)
    update(action, 3, "amber")
    update(action, 4, "red")
    close_quarter(plan, 4, by=UserFactory(), on=date(2018, 4, 20))
    action.progress_updates.update(rag_rating="green")

    glance = glance_of(plan, on=date(2018, 6, 1))

    assert glance.quarter.number == 4
    assert glance.figures.off_track == 1
    assert dict(glance.trend)[3].at_risk == 1
    assert glance.trend == review_for(plan, 4, on=date(2018, 6, 1)).trend


def test_its_figures_agree_with_the_quarterly_review_for_every_quarter():
    plan = a_plan_of_five_actions()

    trend = glance_of(plan).trend

    assert trend == review_for(plan, 3, on=IN_Q3).trend
    assert trend[-1][1] == review_for(plan, 3, on=IN_Q3).figures


def test_its_figures_agree_with_the_quarterly_review_of_the_demo_plan(demo_plan):
    plan = demo_plan
    quarter = plan.reporting_quarter()

    glance = glance_of(plan, on=timezone.localdate())

    review = review_for(plan, quarter.number)
    assert glance.figures == review.figures
    assert glance.trend == review.trend
    # The demo has updates for Q1 to Q3: some rated red in Q3, say.
    assert dict(glance.trend)[3].total == review.figures.total > 0


# Query count --------------------------------------------------------------------------------------


def plan_with_updates(actions: int, quarters: int = 3) -> AnnualPlan:
    plan = make_plan()
    strand = StrandFactory(priority=PriorityFactory(plan=plan))
    rags = ["red", "amber", "green", "blue"]
    for n in range(actions):
        action = make_action(plan, strand=strand, due=["Sept 17", "March 18"][n % 2])
        for quarter in range(1, quarters + 1):
            update(action, quarter, rags[(n + quarter) % 4])
    return plan


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_its_figures_take_as_many_queries_for_five_plans_as_for_one():
    plan_with_updates(1)
    one = count_queries(lambda: plans_at_a_glance(IN_Q3))
    for actions in (2, 4, 6, 8):
        plan_with_updates(actions)

    five = count_queries(lambda: plans_at_a_glance(IN_Q3))

    assert five == one


def test_its_page_takes_as_many_queries_for_five_plans_as_for_one(member_client):
    plan_with_updates(1, quarters=1)
    member_client.get(URL)  # the session's first request may save it: not counted
    one = count_queries(lambda: member_client.get(URL))
    for actions in (2, 4, 6, 8):
        plan_with_updates(actions, quarters=2)

    five = count_queries(lambda: member_client.get(URL))

    assert five == one


# The page -----------------------------------------------------------------------------------------


def test_it_is_readable_by_the_chair_and_members(member_client):
    assert member_client.get(URL).status_code == 200


def test_it_is_readable_by_officers(officer_client):
    assert officer_client.get(URL).status_code == 200


def test_it_is_readable_by_administrators(client, administrator):
    client.force_login(administrator)

    assert client.get(URL).status_code == 200


def test_it_sends_someone_not_signed_in_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_it_is_not_found_for_someone_signed_in_without_a_role_in_the_partnership(client):
    client.force_login(UserFactory())

    assert client.get(URL).status_code == 404


def test_it_rejects_post(member_client):
    assert member_client.post(URL).status_code == 405


def text_of(response) -> str:
    """The page's text, tags removed and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(svg|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_it_shows_each_plans_reporting_quarter_at_a_glance(member_client):
    plan = a_plan_of_five_actions()

    response = member_client.get(URL)

    text = text_of(response)
    assert plan.title in text
    quarter = plan.reporting_quarter()
    figures = glance_of(plan, on=timezone.localdate()).figures
    assert f"{quarter.label} ({quarter.months_label})" in text
    assert f"{figures.total} actions" in text
    assert f"{figures.percent_complete}% complete ({figures.complete} of 5)" in text
    assert f"{figures.off_track} off track (red)" in text
    assert f"{figures.at_risk} at risk (amber)" in text
    assert f"{figures.late} late" in text
    assert f"{figures.not_updated} not updated this quarter" in text


def test_its_figures_link_to_the_actions_behind_them(member_client):
    plan = a_plan_of_five_actions()
    quarter = plan.reporting_quarter().number

    html = member_client.get(URL).content.decode()

    actions = f"/p/lewisham/plans/{plan.slug}/quarters/{quarter}/actions/"
    for figure in ("total", "complete", "off_track", "at_risk", "late", "not_updated"):
        assert f'href="{actions}?figure={figure}"' in html
    assert f'href="/p/lewisham/plans/{plan.slug}/quarters/{quarter}/"' in html


def test_it_draws_each_plans_trend_with_its_table(member_client):
    plan = a_plan_of_five_actions()

    html = member_client.get(URL).content.decode()

    assert f'id="trend-{plan.slug}-title"' in html
    assert f"{plan.title}: RAG ratings by quarter, Q1 to Q4 2017-18</caption>" in html


def test_it_leaves_out_plans_not_in_delivery(member_client):
    make_plan(title="Draft plan 18-19", status=AnnualPlan.Status.DRAFT)
    make_plan(title="Closed plan 16-17", status=AnnualPlan.Status.CLOSED)

    text = text_of(member_client.get(URL))

    assert "Draft plan 18-19" not in text
    assert "Closed plan 16-17" not in text


def test_it_says_so_when_no_plan_is_in_delivery(member_client):
    make_plan(status=AnnualPlan.Status.DRAFT)

    text = text_of(member_client.get(URL))

    assert "No plan is in delivery." in text


def test_it_says_when_a_plans_year_starts(member_client):
    AnnualPlanFactory(
        title="Safer Plan 99-00", financial_year=2099, status=AnnualPlan.Status.SIGNED_OFF
    )

    text = text_of(member_client.get(URL))

    assert "Its year starts on 1 April 2099: there is nothing to report yet." in text


def test_it_escapes_plan_titles(member_client):
    make_plan(title="<script>alert(1)</script>")

    html = member_client.get(URL).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Where people land after signing in ---------------------------------------------------------------


def sign_in(client, user):
    """Sign in on the partnership's sign-in page, without a page to return to."""
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def test_the_chair_lands_on_the_dashboard(client, member):
    assert sign_in(client, member).url == URL


def test_an_administrator_lands_on_the_dashboard(client, administrator):
    with_an_app(administrator)  # administrators type a code from it after the password

    response = through_the_second_step(client, sign_in(client, administrator), administrator)

    assert response.url == URL


def test_a_superuser_lands_on_the_dashboard(client, superuser):
    with_an_app(superuser)

    response = through_the_second_step(client, sign_in(client, superuser), superuser)

    assert response.url == URL


def test_an_officer_still_lands_on_my_actions(client, officer):
    assert sign_in(client, officer).url == reverse("actions:mine")


def test_someone_without_a_role_in_the_partnership_lands_on_the_sites_root_page(client):
    """Not on the partnership's pages (not found for them): on the site's root page, which
    takes a person to their own partnership or lists theirs."""
    landing = sign_in(client, UserFactory()).url

    assert landing == "/"
    assert client.get(landing).status_code == 200
