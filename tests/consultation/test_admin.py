"""The comments in admin: listed with what they are about, filtered, and marked addressed in
bulk."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consultation.models import Comment
from tests.factories import CommentFactory, StrandFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:consultation_comment_changelist"


def test_it_lists_comments_with_what_they_are_about(admin_client):
    comment = CommentFactory(text="Mention knife crime.")
    strand = StrandFactory(priority__plan=comment.plan, title="Youth violence")
    CommentFactory(plan=comment.plan, strand=strand)

    page = text_of(admin_client.get(reverse(CHANGELIST)))

    assert "The plan as a whole" in page
    assert "Strand: Youth violence" in page
    assert str(comment.plan) in page


def test_it_filters_open_comments(admin_client):
    CommentFactory(text="Still open.")
    CommentFactory(text="Dealt with.", addressed_at=timezone.now())

    page = text_of(admin_client.get(reverse(CHANGELIST) + "?addressed=no"))

    assert "Still open." in page
    assert "Dealt with." not in page


def test_it_searches_the_comments(admin_client):
    CommentFactory(text="Mention knife crime.")
    CommentFactory(text="Something else.")

    page = text_of(admin_client.get(reverse(CHANGELIST) + "?q=knife"))

    assert "Mention knife crime." in page
    assert "Something else." not in page


def test_the_administrator_marks_selected_comments_addressed(client, administrator):
    open_comments = CommentFactory.create_batch(2)
    client.force_login(administrator)

    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "mark_addressed",
            "_selected_action": [str(c.pk) for c in open_comments],
        },
        follow=True,
    )

    assert "2 comments marked addressed" in text_of(response)
    for comment in Comment.objects.all():
        assert comment.is_addressed
        assert comment.addressed_by == administrator
        assert comment.history.latest().history_change_reason == "Marked addressed"
