"""Publishing a signed-off plan on the public pages and taking it off them: administrators
only, signed-off plans only, each recorded in the plan's history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import AnnualPlan
from tests.conftest import PREFIX
from tests.factories import AnnualPlanFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def publish_url(plan):
    return reverse("plans:publish", args=[plan.slug])


@pytest.fixture
def plan():
    return AnnualPlanFactory(title="Safer Lewisham Plan 18-19", slug="plan-18-19", status="active")


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.mark.parametrize("status", ["signed_off", "active", "closed"])
def test_an_administrator_publishes_a_signed_off_plan(administrator_client, status):
    plan = AnnualPlanFactory(status=status)

    response = administrator_client.post(publish_url(plan), {"action": "publish"}, follow=True)

    plan.refresh_from_db()
    assert plan.is_published
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    public = f"http://testserver{PREFIX}/public/{plan.slug}/"
    assert f"{plan.title} is published: anyone can read it at {public}" in text_of(response)
    assert f'href="{public}"' in response.content.decode()
    assert administrator_client.get(f"{PREFIX}/public/{plan.slug}/").status_code == 200


def test_publishing_is_recorded_in_the_history(administrator_client, administrator, plan):
    administrator_client.post(publish_url(plan), {"action": "publish"})
    administrator_client.post(publish_url(plan), {"action": "unpublish"})

    records = list(plan.history.order_by("history_date", "history_id"))[-2:]
    assert [(r.history_change_reason, r.history_user) for r in records] == [
        ("Published on the public pages", administrator),
        ("Unpublished", administrator),
    ]
    assert records[0].published_at is not None
    assert records[1].published_at is None


@pytest.mark.parametrize("status", ["draft", "consultation"])
def test_a_plan_not_yet_signed_off_cannot_be_published(administrator_client, status):
    plan = AnnualPlanFactory(title="The draft plan", status=status)

    response = administrator_client.post(publish_url(plan), {"action": "publish"})

    assert response.status_code == 400
    assert "only a plan that has been signed off can be published" in text_of(response)
    plan.refresh_from_db()
    assert not plan.is_published
    assert plan.history.count() == 1


def test_publishing_twice_keeps_the_first_date(administrator_client, plan):
    administrator_client.post(publish_url(plan), {"action": "publish"})
    first = AnnualPlan.objects.get(pk=plan.pk).published_at

    response = administrator_client.post(publish_url(plan), {"action": "publish"}, follow=True)

    assert AnnualPlan.objects.get(pk=plan.pk).published_at == first
    assert "was already published" in text_of(response)


def test_unpublishing_takes_it_off_the_public_pages(administrator_client, client, plan):
    AnnualPlan.objects.filter(pk=plan.pk).update(published_at=timezone.now())

    response = administrator_client.post(publish_url(plan), {"action": "unpublish"}, follow=True)

    assert not AnnualPlan.objects.get(pk=plan.pk).is_published
    assert "Safer Lewisham Plan 18-19 has been taken off the public pages" in text_of(response)
    client.logout()
    assert client.get(f"{PREFIX}/public/plan-18-19/").status_code == 404


def test_an_unknown_action_changes_nothing(administrator_client, plan):
    response = administrator_client.post(publish_url(plan), {"action": "shout"})

    assert response.status_code == 400
    assert not AnnualPlan.objects.get(pk=plan.pk).is_published


def test_it_refuses_a_get(administrator_client, plan):
    assert administrator_client.get(publish_url(plan)).status_code == 405


@pytest.mark.parametrize("who", ["member", "officer"])
def test_others_may_not_publish(client, request, who, plan):
    client.force_login(request.getfixturevalue(who))

    response = client.post(publish_url(plan), {"action": "publish"})

    assert response.status_code == 403
    assert not AnnualPlan.objects.get(pk=plan.pk).is_published


def test_others_may_not_unpublish(member_client, plan):
    AnnualPlan.objects.filter(pk=plan.pk).update(published_at=timezone.now())

    assert member_client.post(publish_url(plan), {"action": "unpublish"}).status_code == 403
    assert AnnualPlan.objects.get(pk=plan.pk).is_published


# On the plan's page -----------------------------------------------------------------------------


def test_the_plan_page_offers_an_administrator_the_publish_button(administrator_client, plan):
    html = administrator_client.get(plan.get_absolute_url()).content.decode()

    assert f'action="{publish_url(plan)}"' in html
    assert 'name="action" value="publish"' in html
    assert "Publish on the public pages" in html


def test_the_plan_page_offers_no_publish_button_before_sign_off(administrator_client):
    draft = AnnualPlanFactory(status="draft")

    html = administrator_client.get(draft.get_absolute_url()).content.decode()

    assert publish_url(draft) not in html


def test_the_plan_page_of_a_published_plan_says_where_for_everyone(member_client, plan):
    AnnualPlan.objects.filter(pk=plan.pk).update(published_at=timezone.now())

    response = member_client.get(plan.get_absolute_url())

    text = text_of(response)
    today = timezone.localdate().strftime("%-d %B %Y")
    assert f"Published on the public pages on {today} at {PREFIX}/public/plan-18-19/" in text
    assert f'href="{PREFIX}/public/plan-18-19/"' in response.content.decode()
    assert publish_url(plan) not in response.content.decode()


def test_the_plan_page_offers_an_administrator_to_unpublish(administrator_client, plan):
    AnnualPlan.objects.filter(pk=plan.pk).update(published_at=timezone.now())

    html = administrator_client.get(plan.get_absolute_url()).content.decode()

    assert 'name="action" value="unpublish"' in html
