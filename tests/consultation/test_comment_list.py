"""The list of a plan's comments, for the administrator and the meeting: filters, marking
comments addressed and open again, escaping, printing, and its queries."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultation.models import Comment
from tests.actions.test_plan_page import plan_with_actions, queries_to_show
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
    return AnnualPlanFactory(status="consultation")


def list_url(plan, query=""):
    return reverse("consultation:list", args=[plan.slug]) + query


def address_url(comment):
    return reverse("consultation:address", args=[comment.plan.slug, comment.pk])


def reopen_url(comment):
    return reverse("consultation:reopen", args=[comment.plan.slug, comment.pk])


def test_it_lists_every_comment_with_what_it_is_about_and_links(member_client, plan):
    strand = StrandFactory(priority__plan=plan, title="Violence against women and girls")
    action = ActionFactory(strand__priority__plan=plan, reference="2.3")
    CommentFactory(plan=plan, text="On the whole plan.")
    CommentFactory(plan=plan, strand=strand, text="On the strand.")
    CommentFactory(plan=plan, action=action, text="On the action.")
    CommentFactory(text="On another plan.")

    response = member_client.get(list_url(plan))

    assert response.status_code == 200
    page = text_of(response)
    html = response.content.decode()
    for text in ["On the whole plan.", "On the strand.", "On the action."]:
        assert text in page
    assert "On another plan." not in page
    assert "The plan as a whole" in page
    assert "Strand: Violence against women and girls" in page
    assert "Action 2.3" in page
    assert f'href="{plan.get_absolute_url()}#strand-{strand.pk}"' in html
    assert f'href="{action.get_absolute_url()}"' in html
    assert "3 comments: 3 open, 0 addressed." in page


def test_it_shows_who_commented_and_when(member_client, plan):
    author = UserFactory(first_name="Sam", last_name="Jones")
    comment = CommentFactory(plan=plan, author=author)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=datetime(2018, 4, 12, 10, 3, tzinfo=ZoneInfo("Europe/London"))
    )

    assert "Sam Jones, 12 April 2018 at 10:03" in text_of(member_client.get(list_url(plan)))


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("", ["Still open.", "Dealt with."], []),
        ("?show=all", ["Still open.", "Dealt with."], []),
        ("?show=open", ["Still open."], ["Dealt with."]),
        ("?show=addressed", ["Dealt with."], ["Still open."]),
        ("?show=nonsense", ["Still open.", "Dealt with."], []),
    ],
)
def test_it_filters_open_and_addressed_comments(member_client, plan, query, shown, hidden):
    CommentFactory(plan=plan, text="Still open.")
    CommentFactory(plan=plan, text="Dealt with.", addressed_at=timezone.now())

    page = text_of(member_client.get(list_url(plan, query)))

    assert all(text in page for text in shown)
    assert not any(text in page for text in hidden)
    assert "All (2)" in page
    assert "Open (1)" in page
    assert "Addressed (1)" in page


def test_a_plan_with_no_comments_says_so(member_client, plan):
    assert "No comments have been made on this plan yet" in text_of(
        member_client.get(list_url(plan))
    )


def test_comments_are_shown_as_text_never_as_markup(member_client, plan):
    CommentFactory(plan=plan, text='<script>alert("x")</script>', response="<b>bold</b>")
    CommentFactory(
        plan=plan,
        text="<img src=x onerror=alert(1)>",
        addressed_at=timezone.now(),
        response="<script>alert(2)</script>",
    )

    html = member_client.get(list_url(plan)).content.decode()

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_it_can_be_printed_for_the_meeting(member_client, plan):
    CommentFactory(plan=plan)

    html = member_client.get(list_url(plan)).content.decode()

    # A "Print this list" button, shown by a small script (no inline script on the page).
    assert "data-print-button hidden" in html
    assert "js/print-button.mjs" in html
    assert "<script>" not in html


def test_members_and_officers_read_the_list_but_cannot_mark_comments(member_client, plan):
    comment = CommentFactory(plan=plan)

    html = member_client.get(list_url(plan)).content.decode()

    assert address_url(comment) not in html
    assert "Mark as addressed" not in html


# Marking a comment addressed, and open again ----------------------------------------------


def test_an_administrator_marks_a_comment_addressed_with_a_response(client, administrator, plan):
    comment = CommentFactory(plan=plan)
    client.force_login(administrator)

    html = client.get(list_url(plan)).content.decode()
    response = client.post(address_url(comment), {"response": "Added to strand 2.", "show": "open"})

    assert f'action="{address_url(comment)}"' in html
    assert response.status_code == 302
    assert response["Location"] == list_url(plan, f"?show=open#comment-{comment.pk}")
    comment.refresh_from_db()
    assert comment.is_addressed
    assert comment.addressed_by == administrator
    assert comment.response == "Added to strand 2."
    record = comment.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        administrator,
        "Marked addressed",
    )


def test_an_addressed_comment_shows_who_addressed_it_when_and_the_response(
    client, administrator, plan
):
    addresser = UserFactory(first_name="Helen", last_name="Marsden")
    CommentFactory(
        plan=plan,
        addressed_at=datetime(2018, 5, 1, 9, 30, tzinfo=ZoneInfo("Europe/London")),
        addressed_by=addresser,
        response="Added to the plan.",
    )
    client.force_login(administrator)

    page = text_of(client.get(list_url(plan)))

    assert "Addressed by Helen Marsden on 1 May 2018 at 09:30: Added to the plan." in page
    assert "Reopen" in page


def test_an_administrator_reopens_an_addressed_comment(client, administrator, plan):
    comment = CommentFactory(plan=plan, addressed_at=timezone.now(), response="Done.")
    client.force_login(administrator)

    response = client.post(reopen_url(comment))

    assert response.status_code == 302
    comment.refresh_from_db()
    assert not comment.is_addressed
    assert comment.addressed_by is None
    assert comment.history.latest().history_change_reason == "Reopened"


def test_marking_an_addressed_comment_again_changes_nothing(client, administrator, plan):
    first = UserFactory()
    comment = CommentFactory(plan=plan, addressed_at=timezone.now(), addressed_by=first)
    client.force_login(administrator)

    response = client.post(address_url(comment), {"response": "Again"}, follow=True)

    assert "already been marked addressed" in text_of(response)
    comment.refresh_from_db()
    assert (comment.addressed_by, comment.response) == (first, "")


def test_a_response_too_long_is_refused(client, administrator, plan):
    comment = CommentFactory(plan=plan)
    client.force_login(administrator)

    response = client.post(address_url(comment), {"response": "x" * 5001})

    assert response.status_code == 400
    comment.refresh_from_db()
    assert not comment.is_addressed


@pytest.mark.parametrize("who", ["member", "officer"])
def test_only_administrators_mark_comments(client, request, plan, who):
    comment = CommentFactory(plan=plan)
    addressed = CommentFactory(plan=plan, addressed_at=timezone.now())
    client.force_login(request.getfixturevalue(who))

    assert client.post(address_url(comment), {"response": "x"}).status_code == 403
    assert client.post(reopen_url(addressed)).status_code == 403
    comment.refresh_from_db()
    addressed.refresh_from_db()
    assert not comment.is_addressed
    assert addressed.is_addressed


def test_marking_is_post_only(client, administrator, plan):
    comment = CommentFactory(plan=plan)
    client.force_login(administrator)

    assert client.get(address_url(comment)).status_code == 405
    assert client.get(reopen_url(comment)).status_code == 405


def test_a_comment_of_another_plan_is_not_found(client, administrator, plan):
    other = CommentFactory()
    client.force_login(administrator)
    url = reverse("consultation:address", args=[plan.slug, other.pk])

    assert client.post(url).status_code == 404
    other.refresh_from_db()
    assert not other.is_addressed


def test_comments_can_be_marked_after_the_plan_is_signed_off(client, administrator):
    comment = CommentFactory(plan__status="signed_off")
    client.force_login(administrator)

    assert client.post(address_url(comment)).status_code == 302
    comment.refresh_from_db()
    assert comment.is_addressed


# Queries ---------------------------------------------------------------------------------------


def plan_with_comments(count):
    plan = AnnualPlanFactory(status="consultation")
    strand = StrandFactory(priority__plan=plan)
    action = ActionFactory(strand=strand)
    for n in range(count):
        author = UserFactory()
        subject = [{}, {"strand": strand}, {"action": action}][n % 3]
        extra = {"addressed_at": timezone.now(), "addressed_by": author} if n % 2 else {}
        CommentFactory(plan=plan, author=author, **subject, **extra)
    return plan


def queries_to_list(client, plan):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(list_url(plan))
    assert response.status_code == 200
    return len(queries)


def test_it_lists_comments_in_as_many_queries_whatever_their_number(client, administrator):
    client.force_login(administrator)
    small = plan_with_comments(2)
    large = plan_with_comments(30)

    assert queries_to_list(client, small) == queries_to_list(client, large)


def test_the_plan_page_in_consultation_takes_as_many_queries_whatever_its_size(member_client):
    small = plan_with_actions(2, strands=1, themes=1)
    large = plan_with_actions(20, strands=3, themes=2)
    for plan in (small, large):
        plan.status = "consultation"
        plan.save()
        CommentFactory(plan=plan)

    assert queries_to_show(member_client, small) == queries_to_show(member_client, large)
