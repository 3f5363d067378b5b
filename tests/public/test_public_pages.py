"""The public pages: a published plan, read-only and open to anyone, with its latest closed
quarter's progress, and never an officer's name or an internal narrative."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate
from plans.models import AnnualPlan
from tests.closing import close_quarter
from tests.conftest import PREFIX
from tests.factories import (
    ActionFactory,
    ActionSubItemFactory,
    AgencyFactory,
    AnnualPlanFactory,
    PrincipleFactory,
    ProgressUpdateFactory,
    StrandFactory,
    UserFactory,
    completion_status,
)
from tests.pages import text_of
from tests.test_admin import submit

pytestmark = pytest.mark.django_db

AFTER_THE_YEAR = date(2018, 4, 20)


def published(**kw):
    return AnnualPlanFactory(published_at=timezone.now() - timedelta(days=1), **kw)


def close(plan, quarter, by=None):
    return close_quarter(plan, quarter, by=by or UserFactory(), on=AFTER_THE_YEAR)


def url(plan):
    return f"{PREFIX}/public/{plan.slug}/"


@pytest.fixture
def plan():
    return published(title="Safer Lewisham Plan 17-18", slug="safer-17-18", financial_year=2017)


# Who may read it --------------------------------------------------------------------------------


def test_anyone_may_read_a_published_plan_without_signing_in(client, plan):
    response = client.get(url(plan))

    assert response.status_code == 200
    assert "Safer Lewisham Plan 17-18" in text_of(response)


@pytest.mark.parametrize("status", ["draft", "consultation"])
def test_a_plan_that_is_not_published_is_not_found(client, status):
    unpublished = AnnualPlanFactory(status="active")
    not_signed_off = published(status=status)

    for plan in (unpublished, not_signed_off):
        response = client.get(url(plan))
        assert response.status_code == 404
        assert "Page not found" in text_of(response)


def test_an_unknown_plan_is_not_found(client):
    assert client.get("/p/lewisham/public/no-such-plan/").status_code == 404


def test_a_signed_in_member_reads_it_too(member_client, plan):
    assert member_client.get(url(plan)).status_code == 200


def test_someone_signed_in_without_a_role_in_the_partnership_reads_it_too(client, plan):
    """Every other page of the partnership is not found for them (404): not its public ones."""
    client.force_login(UserFactory(username="no-role"))

    assert client.get(url(plan)).status_code == 200
    assert client.get(PREFIX + "/public/").status_code == 200
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_it_refuses_a_post(client, plan):
    assert client.post(url(plan)).status_code == 405
    assert client.post("/p/lewisham/public/").status_code == 405


def test_a_signed_out_reader_sees_no_internal_navigation_or_sign_out(client, plan):
    html = client.get(url(plan)).content.decode()

    assert "Sign out" not in html
    assert "My updates" not in html
    assert "Dashboard" not in html
    assert "Plan administration" not in html
    assert f'href="{reverse("login")}"' in html
    assert reverse("login") == PREFIX + "/sign-in/"


def test_a_signed_out_readers_copy_may_be_cached_publicly(client, plan):
    response = client.get(url(plan))

    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]


def test_a_signed_in_persons_copy_is_not_cached_publicly(member_client, plan):
    response = member_client.get(url(plan))

    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


# What it shows ----------------------------------------------------------------------------------


def test_it_lists_the_published_plans_only(client, plan):
    AnnualPlanFactory(title="A plan nobody published")

    response = client.get("/p/lewisham/public/")

    assert response.status_code == 200
    text = text_of(response)
    assert "Safer Lewisham Plan 17-18" in text
    assert "A plan nobody published" not in text
    assert f'href="{url(plan)}"' in response.content.decode()


def test_it_says_when_no_plan_is_published(client):
    assert "No plans have been published yet." in text_of(client.get("/p/lewisham/public/"))


def test_it_shows_the_plan_its_principles_strands_and_actions(client, plan):
    plan.summary = "The partnership's single priority is violence."
    plan.save()
    PrincipleFactory(plan=plan, name="Victim-centred approach", description="Victims first")
    strand = StrandFactory(
        priority__plan=plan, priority__title="Violence", title="VAWG", scope="All of VAWG."
    )
    action = ActionFactory(
        strand=strand,
        reference="1.2",
        text="Open Day with the community",
        lead_agency=AgencyFactory(name="Lewisham Council"),
    )
    action.partner_agencies.set(
        [AgencyFactory(name="Athena"), AgencyFactory(name="Victim Support")]
    )
    ActionSubItemFactory(action=action, label="a", text="Clare's Law")

    text = text_of(client.get(url(plan)))

    for expected in (
        "1 April 2017 to 31 March 2018",
        "Active",
        "The partnership's single priority is violence.",
        "Victims first",
        "Violence",
        "VAWG",
        "All of VAWG.",
        "1.2 Open Day with the community a) Clare's Law",
        "March 18",
        "Lewisham Council With Athena, Victim Support",
    ):
        assert expected in text


def test_it_says_when_no_quarter_has_been_reviewed(client, plan):
    ProgressUpdateFactory(action=ActionFactory(strand__priority__plan=plan), narrative="Open Q1")

    text = text_of(client.get(url(plan)))

    assert "No quarter has been reviewed yet." in text
    assert "Open Q1" not in text


def test_it_shows_the_latest_closed_quarters_progress(client, plan):
    action = ActionFactory(strand__priority__plan=plan)
    ProgressUpdateFactory(action=action, quarter=1, rag_rating="green", narrative="Q1 story")
    ProgressUpdateFactory(action=action, quarter=2, rag_rating="amber", narrative="Q2 story")
    ProgressUpdateFactory(action=action, quarter=3, rag_rating="red", narrative="Q3 not closed")
    close(plan, 1)
    close(plan, 2)

    text = text_of(client.get(url(plan)))

    assert "As reviewed by the partnership for Q2 2017-18 (July to September 2017)" in text
    assert "Amber Q2 story" in text
    assert "Q1 story" not in text
    assert "Q3 not closed" not in text
    assert "At risk (amber) 1" in text


def test_it_shows_the_snapshot_not_what_was_changed_after_the_meeting(client, plan):
    update = ProgressUpdateFactory(
        action=ActionFactory(strand__priority__plan=plan), quarter=2, narrative="As at the meeting"
    )
    close(plan, 2)
    ProgressUpdate.objects.filter(pk=update.pk).update(narrative="Rewritten afterwards")

    text = text_of(client.get(url(plan)))

    assert "As at the meeting" in text
    assert "Rewritten afterwards" not in text


def test_it_leaves_out_an_internal_narrative(client, plan):
    open_action = ActionFactory(strand__priority__plan=plan)
    private_action = ActionFactory(strand__priority__plan=plan)
    ProgressUpdateFactory(action=open_action, quarter=2, narrative="Campaign launched.")
    ProgressUpdateFactory(
        action=private_action,
        quarter=2,
        rag_rating="red",
        narrative="The named officer is off sick.",
        internal=True,
    )
    close(plan, 2)

    response = client.get(url(plan))

    text = text_of(response)
    assert "Campaign launched." in text
    assert "The named officer is off sick." not in response.content.decode()
    assert "Red Internal update: not published" in text


def test_it_names_no_officer(client, plan):
    officer = UserFactory(username="dosei", first_name="Daniel", last_name="Osei")
    closer = UserFactory(username="choll", first_name="Catherine", last_name="Holloway")
    action = ActionFactory(strand__priority__plan=plan, lead_officer=officer)
    ProgressUpdateFactory(action=action, quarter=2, author=officer, narrative="On track.")
    close(plan, 2, by=closer)

    html = client.get(url(plan)).content.decode()

    assert "On track." in html
    for name in ("Daniel", "Osei", "dosei", "Catherine", "Holloway", "choll"):
        assert name not in html


def test_the_demo_plan_names_none_of_its_officers(client, demo_plan):
    """The demo plan with its demo users (created with DEBUG on), who lead actions and wrote its
    updates, published with its second quarter closed."""
    plan = demo_plan
    AnnualPlan.objects.filter(pk=plan.pk).update(published_at=timezone.now())
    close(plan, 2, by=get_user_model().objects.get(username="chair"))
    people = get_user_model().objects.filter(username__in=["admin", "chair", "officer", "police"])
    assert Action.objects.filter(lead_officer__in=people).exists()

    response = client.get(url(plan))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Q2 2017-18" in html
    for person in people:
        assert person.first_name and person.last_name
        assert person.first_name not in html
        assert person.last_name not in html


# Queries ----------------------------------------------------------------------------------------


def make_plan(actions, slug):
    plan = published(slug=slug)
    strands = [StrandFactory(priority__plan=plan) for _ in range(2)]
    for n in range(actions):
        action = ActionFactory(strand=strands[n % 2], lead_officer=UserFactory())
        action.partner_agencies.set([AgencyFactory(), AgencyFactory()])
        ActionSubItemFactory(action=action)
        ProgressUpdateFactory(action=action, quarter=1)
        ProgressUpdateFactory(
            action=action, quarter=2, completion_status=completion_status("complete")
        )
    PrincipleFactory(plan=plan)
    close(plan, 1)
    close(plan, 2)
    return plan


def queries_for(client, address):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_number_of_queries_does_not_grow_with_the_plan(client, member, signed_in):
    if signed_in:
        client.force_login(member)
    small = make_plan(actions=2, slug="small")
    index_with_one = queries_for(client, "/p/lewisham/public/")
    large = make_plan(actions=20, slug="large")
    published(slug="another")

    assert queries_for(client, url(small)) == queries_for(client, url(large))
    assert queries_for(client, "/p/lewisham/public/") == index_with_one


# Completion as the meeting saw it ---------------------------------------------------------------


def completion_cell(response, action):
    """The text of the action's Completed cell on the public page ("" when it has none)."""
    html = response.content.decode()
    row = re.search(rf'<tr[^>]*id="action-{action.pk}".*?</tr>', html, re.S).group(0)
    cell = re.search(r'class="[^"]*app-action-table__completion[^"]*">(.*?)</td>', row, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", cell.group(1))).split()) if cell else ""


def test_it_shows_each_actions_completion_as_the_meeting_saw_it(client, plan):
    action = ActionFactory(strand__priority__plan=plan)
    ProgressUpdateFactory(
        action=action, quarter=2, completion_status=completion_status("in-progress")
    )
    close(plan, 2)
    Action.objects.filter(pk=action.pk).update(completion_status=completion_status("complete"))

    assert completion_cell(client.get(url(plan)), action) == "In progress"


def test_a_completion_note_typed_after_the_meeting_is_not_public(client, plan):
    action = ActionFactory(strand__priority__plan=plan, completion_note="Within YOS")
    close(plan, 2)
    Action.objects.filter(pk=action.pk).update(completion_note="Daniel Osei is off sick")

    response = client.get(url(plan))

    assert completion_cell(response, action) == "Not started Within YOS"
    assert "Daniel Osei" not in response.content.decode()


def test_an_action_added_after_the_review_shows_no_completion(client, plan):
    close(plan, 2)
    added = ActionFactory(
        strand__priority__plan=plan,
        completion_status=completion_status("complete"),
        completion_note="Finished by Daniel Osei",
    )

    response = client.get(url(plan))

    assert completion_cell(response, added) == ""
    assert "Added after this review" in text_of(response)
    assert "Daniel Osei" not in response.content.decode()


def test_with_no_closed_quarter_it_shows_no_completion_and_says_so_once(client, plan):
    for note in ("Finished by Daniel Osei", "Within YOS"):
        ActionFactory(
            strand__priority__plan=plan,
            completion_status=completion_status("complete"),
            completion_note=note,
        )

    response = client.get(url(plan))

    html, text = response.content.decode(), text_of(response)
    assert "Daniel Osei" not in html
    assert "Within YOS" not in html
    assert "Completed" not in text
    assert "app-tick" not in html
    assert (
        text.count("progress and completion will be shown once the partnership has reviewed a") == 1
    )


def test_an_internal_updates_completion_note_is_not_public(client, plan):
    action = ActionFactory(strand__priority__plan=plan, completion_note="Daniel Osei is off sick")
    ProgressUpdateFactory(
        action=action,
        quarter=2,
        completion_status=action.completion_status,
        narrative="Kept to the partnership",
        internal=True,
    )
    close(plan, 2)

    response = client.get(url(plan))

    assert completion_cell(response, action) == "Not started"
    assert "Daniel Osei" not in response.content.decode()


# Internal takes effect at once ------------------------------------------------------------------


@pytest.fixture
def closed_with_a_public_narrative(plan):
    update = ProgressUpdateFactory(
        action=ActionFactory(strand__priority__plan=plan),
        quarter=2,
        narrative="The named victim has moved to Catford.",
    )
    close(plan, 2)
    return update


def test_an_update_marked_internal_in_admin_after_closing_leaves_the_public_page(
    client, plan, administrator, closed_with_a_public_narrative
):
    update = closed_with_a_public_narrative
    assert "moved to Catford" in text_of(client.get(url(plan)))
    admin = Client()
    admin.force_login(administrator)

    submit(
        admin,
        f"/p/lewisham/admin/actions/progressupdate/{update.pk}/change/",
        ProgressUpdate,
        internal="on",
    )

    update.refresh_from_db()
    assert update.internal is True
    response = client.get(url(plan))
    assert "moved to Catford" not in response.content.decode()
    assert "Internal update: not published" in text_of(response)


def test_an_update_marked_internal_through_the_model_after_closing_leaves_the_public_page(
    client, plan, closed_with_a_public_narrative
):
    update = closed_with_a_public_narrative
    update.internal = True
    update.save()

    response = client.get(url(plan))

    assert "moved to Catford" not in response.content.decode()
    assert "Internal update: not published" in text_of(response)


def test_a_deleted_updates_narrative_leaves_the_public_page(
    client, plan, closed_with_a_public_narrative
):
    closed_with_a_public_narrative.delete()

    assert "moved to Catford" not in client.get(url(plan)).content.decode()


def test_an_update_made_public_after_closing_stays_internal_until_the_quarter_is_closed_again(
    client, plan
):
    update = ProgressUpdateFactory(
        action=ActionFactory(strand__priority__plan=plan),
        quarter=2,
        narrative="The named victim has moved to Catford.",
        internal=True,
    )
    close(plan, 2)
    ProgressUpdate.objects.filter(pk=update.pk).update(internal=False)

    assert "moved to Catford" not in client.get(url(plan)).content.decode()
