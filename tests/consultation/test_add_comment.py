"""Commenting on a plan out for consultation: on the plan as a whole, a strand or an action."""

import re

import pytest
from django.urls import reverse

from consultation.models import Comment
from partnerships.models import OversightBody
from tests.factories import (
    ActionFactory,
    AnnualPlanFactory,
    CommentFactory,
    StrandFactory,
    UserFactory,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return AnnualPlanFactory(status="consultation", title="Safer Lewisham Plan 18-19")


def add_url(plan, query=""):
    return reverse("consultation:add", args=[plan.slug]) + query


def test_a_member_comments_on_the_plan_as_a_whole(member_client, member, plan):
    response = member_client.post(add_url(plan), {"text": "Add a priority on knife crime."})

    comment = Comment.objects.get()
    assert (comment.plan, comment.strand, comment.action) == (plan, None, None)
    assert comment.author == member
    assert comment.text == "Add a priority on knife crime."
    list_url = reverse("consultation:list", args=[plan.slug])
    assert response["Location"] == f"{list_url}#comment-{comment.pk}"
    assert "Your comment has been added" in text_of(member_client.get(response["Location"]))


def test_an_officer_comments_on_a_strand(officer_client, officer, plan):
    strand = StrandFactory(priority__plan=plan, title="Violence against women and girls")

    page = text_of(officer_client.get(add_url(plan, f"?strand={strand.pk}")))
    officer_client.post(add_url(plan, f"?strand={strand.pk}"), {"text": "More on stalking."})

    assert "Comment on a strand" in page
    assert "Violence against women and girls" in page
    comment = Comment.objects.get()
    assert (comment.strand, comment.action, comment.author) == (strand, None, officer)


def test_a_member_comments_on_an_action(member_client, plan):
    action = ActionFactory(strand__priority__plan=plan, reference="1.2", text="Run a campaign.")

    page = text_of(member_client.get(add_url(plan, f"?action={action.pk}")))
    member_client.post(add_url(plan, f"?action={action.pk}"), {"text": "Say by when."})

    assert "Comment on action 1.2" in page
    assert "Run a campaign." in page
    comment = Comment.objects.get()
    assert (comment.strand, comment.action) == (None, action)


def test_the_form_is_protected_against_cross_site_posts(member_client, plan):
    html = member_client.get(add_url(plan)).content.decode()

    form = html.split(f'<form method="post" action="{add_url(plan)}"')[1].split("</form>")[0]
    assert 'name="csrfmiddlewaretoken"' in form


def test_a_post_without_the_csrf_token_is_refused(client, member, plan):
    client.handler.enforce_csrf_checks = True
    client.force_login(member)

    response = client.post(add_url(plan), {"text": "Forged."})

    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize("subject", ["strand", "action"])
def test_another_plans_strand_or_action_is_not_found(member_client, plan, subject):
    other = ActionFactory()  # in another plan
    pk = other.strand.pk if subject == "strand" else other.pk

    assert member_client.get(add_url(plan, f"?{subject}={pk}")).status_code == 404
    assert member_client.post(add_url(plan, f"?{subject}={pk}"), {"text": "x"}).status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize("query", ["?strand=abc", "?action=999999", "?strand=1&action=1"])
def test_a_subject_that_is_not_one_of_the_plans_is_not_found(member_client, plan, query):
    assert member_client.get(add_url(plan, query)).status_code == 404


def test_an_empty_comment_is_refused_keeping_the_form(member_client, plan):
    response = member_client.post(add_url(plan), {"text": "   "})

    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    assert "Enter your comment" in page
    assert response.context["form"]["text"].value() == "   "
    assert not Comment.objects.exists()


def test_a_comment_too_long_is_refused_keeping_what_was_typed(member_client, plan):
    typed = "word " * 1200

    response = member_client.post(add_url(plan), {"text": typed})

    assert response.status_code == 400
    assert "5,000 characters or fewer" in text_of(response)
    assert typed.strip() in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "signed_off", "active", "closed"])
def test_comments_are_taken_only_during_consultation(member_client, status):
    plan = AnnualPlanFactory(status=status)

    response = member_client.post(add_url(plan), {"text": "My careful <b>comment</b>."})

    assert response.status_code == 403
    page = text_of(response)
    assert "comments are taken while the plan is out for consultation" in page.lower()
    # What was typed is shown, to copy, and escaped.
    assert "My careful <b>comment</b>." in page
    assert "My careful &lt;b&gt;comment&lt;/b&gt;." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_form_of_a_plan_not_in_consultation_explains_why(member_client):
    plan = AnnualPlanFactory(status="draft")

    response = member_client.get(add_url(plan))

    assert response.status_code == 403
    assert "out for consultation" in text_of(response)


def test_an_oversight_body_neither_reads_nor_makes_comments(client, plan):
    """The people of a body that oversees the partnership read its signed-off plans but never
    its consultation: the page is not there for them."""
    overseer = UserFactory()
    body = OversightBody.objects.create(
        name="Office of the Police and Crime Commissioner", slug="opcc"
    )
    body.covers.add(plan.partnership)
    body.members.add(overseer)
    client.force_login(overseer)

    assert client.get(add_url(plan)).status_code == 404
    assert client.post(add_url(plan), {"text": "Hello"}).status_code == 404
    assert not Comment.objects.exists()


def test_someone_not_of_the_partnership_is_told_the_plan_is_not_there(client, plan):
    client.force_login(UserFactory())

    assert client.get(add_url(plan)).status_code == 404
    assert client.post(add_url(plan), {"text": "Hello"}).status_code == 404
    assert not Comment.objects.exists()


def test_a_comment_typed_before_the_session_ran_out_comes_back_unsaved(client, member, plan):
    url = add_url(plan)
    client.force_login(member)
    form = client.get(url).content.decode()
    shown_to = re.search(r'name="shown_to" value="([^"]+)"', form).group(1)
    client.logout()  # the session ran out
    client.post(url, {"text": "Typed while signed out.", "shown_to": shown_to})  # kept, not saved
    client.force_login(member)

    response = client.get(url)

    assert response.status_code == 200
    assert "Typed while signed out." in response.content.decode()
    assert "It has not been saved yet" in text_of(response)
    assert not Comment.objects.exists()


# Where the links to the form are -----------------------------------------------------------


def test_the_plan_page_during_consultation_links_to_comment_and_to_the_comments(
    member_client, plan
):
    strand = StrandFactory(priority__plan=plan)
    CommentFactory.create_batch(2, plan=plan)

    response = member_client.get(plan.get_absolute_url())

    html = response.content.decode()
    page = text_of(response)
    assert "out for consultation" in page
    assert f'href="{add_url(plan)}"' in html
    assert f'href="{add_url(plan, f"?strand={strand.pk}")}"' in html
    assert "Comment on this strand" in page
    assert "Read the comments (2)" in page


def test_the_plan_page_outside_consultation_has_no_comment_links(member_client):
    plan = AnnualPlanFactory(status="active")
    StrandFactory(priority__plan=plan)

    page = text_of(member_client.get(plan.get_absolute_url()))

    assert "Comment on" not in page
    assert "Read the comments" not in page


def test_the_action_page_during_consultation_links_to_comment_on_the_action(officer_client, plan):
    action = ActionFactory(strand__priority__plan=plan)

    response = officer_client.get(action.get_absolute_url())

    assert "Comment on this action" in text_of(response)
    assert f'href="{add_url(plan, f"?action={action.pk}")}"' in response.content.decode()


def test_the_action_page_outside_consultation_has_no_comment_link(officer_client):
    action = ActionFactory()

    assert "Comment on this action" not in text_of(officer_client.get(action.get_absolute_url()))
