"""The update round's e-mails in admin: a read-only record, filtered by status and kind, with
"Retry now" for those that failed."""

import smtplib

import pytest
from django.core import mail
from django.urls import reverse, reverse_lazy

from rounds.models import RoundEmail
from rounds.windows import window_for
from tests.factories import RoundEmailFactory

pytestmark = pytest.mark.django_db

Status = RoundEmail.Status
CHANGELIST = reverse_lazy("admin:rounds_roundemail_changelist")


@pytest.fixture
def window(plan):
    return window_for(plan, 3)


def test_the_list_shows_each_emails_attempts_and_last_error(admin_client, window, officer):
    RoundEmailFactory(
        window=window,
        recipient=officer,
        status=Status.FAILED,
        attempts=2,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )

    page = admin_client.get(CHANGELIST).content.decode()

    assert "officer@example.org" in page
    assert "Failed (will be retried)" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page


def test_the_list_filters_by_status_and_kind(admin_client, window, officer, other_officer):
    RoundEmailFactory(window=window, recipient=officer, status=Status.GAVE_UP)
    RoundEmailFactory(window=window, recipient=other_officer, status=Status.SENT)

    response = admin_client.get(CHANGELIST, {"status__exact": "gave_up", "kind__exact": "opening"})

    assert response.context["cl"].result_count == 1
    assert "officer@example.org" in response.content.decode()


def test_an_email_cannot_be_added_changed_or_deleted(admin_client, window, officer):
    row = RoundEmailFactory(window=window, recipient=officer)
    change = reverse("admin:rounds_roundemail_change", args=[row.pk])

    assert admin_client.get(reverse("admin:rounds_roundemail_add")).status_code == 403
    assert admin_client.post(change, {"status": "pending"}).status_code == 403
    assert admin_client.get(change).status_code == 200  # read only
    delete = reverse("admin:rounds_roundemail_delete", args=[row.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert RoundEmail.objects.get().status == Status.SENT


def test_an_officer_cannot_see_the_emails(client, officer, window):
    officer.is_staff = True
    officer.save()
    client.force_login(officer)

    # Plan administration is open to administrators only: anyone else is asked to sign in as one.
    assert client.get(CHANGELIST).status_code == 302


def retry(admin_client, *rows):
    return admin_client.post(
        CHANGELIST,
        {"action": "retry_now", "_selected_action": [row.pk for row in rows]},
        follow=True,
    )


def test_retry_now_sends_a_failed_email_again(admin_client, window, officer, due_action):
    row = RoundEmailFactory(window=window, recipient=officer, status=Status.FAILED, attempts=1)

    response = retry(admin_client, row)

    [message] = mail.outbox
    assert message.to == ["officer@example.org"]
    assert due_action.text in message.body
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)
    assert "Sent 1; failed again 0" in response.content.decode()


def test_retry_now_sends_one_given_up_on(admin_client, window, officer, due_action):
    row = RoundEmailFactory(window=window, recipient=officer, status=Status.GAVE_UP, attempts=5)

    retry(admin_client, row)

    row.refresh_from_db()
    assert row.status == Status.SENT


def test_retry_now_leaves_sent_emails_alone(admin_client, window, officer, due_action):
    row = RoundEmailFactory(window=window, recipient=officer, status=Status.SENT)

    retry(admin_client, row)

    assert mail.outbox == []


def test_retry_now_does_not_send_when_nothing_is_due_any_more(admin_client, window, officer):
    row = RoundEmailFactory(window=window, recipient=officer, status=Status.FAILED)

    response = retry(admin_client, row)

    assert mail.outbox == []
    assert "not needed any more (nothing due) 1" in response.content.decode()


def test_retry_now_records_a_second_failure(admin_client, window, officer, due_action, monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("still down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    row = RoundEmailFactory(window=window, recipient=officer, status=Status.FAILED, attempts=1)

    response = retry(admin_client, row)

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 2)
    assert "still down" in row.last_error
    assert "failed again 1" in response.content.decode()
