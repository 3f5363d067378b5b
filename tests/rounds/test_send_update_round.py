"""The update round's command, `send_update_round`: each officer with something due gets the
window's opening e-mail once, the reminder once if still due, and a failed e-mail is recorded,
retried and reported, never dropped."""

import re
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command

from agencies import roles
from plans.models import QuarterClosure
from rounds.models import RoundEmail, UpdateWindow
from sso.models import SingleSignOnProvider
from tests.conftest import in_role
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    IndicatorFactory,
    ProfileFactory,
    ProgressUpdateFactory,
    UserFactory,
)
from tests.rounds.conftest import AFTER_CLOSE, CLOSES, IN_WINDOW, OPENS, REMINDER_DAY

pytestmark = pytest.mark.django_db

Status = RoundEmail.Status
Kind = RoundEmail.Kind


def run(day, *args):
    """Run the command as cron would on a day; returns what it printed."""
    out, err = StringIO(), StringIO()
    call_command("send_update_round", "--today", day.isoformat(), *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


class FailingBackend(EmailBackend):
    """An e-mail backend whose server refuses everything."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


FAILING = "tests.rounds.test_send_update_round.FailingBackend"


class FailsForOfficerBackend(EmailBackend):
    """An e-mail backend whose server refuses one address only."""

    def send_messages(self, messages):
        if messages[0].to == ["officer@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"officer@example.org": (550, b"No such user")})
        return super().send_messages(messages)


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://csp.example.gov.uk"


# The opening e-mail -------------------------------------------------------------------------------


def test_it_sends_the_opening_email_to_an_officer_with_an_action_due(officer, due_action, site):
    output = run(IN_WINDOW)

    [message] = mail.outbox
    assert message.to == ["officer@example.org"]
    assert message.subject == "Updates for Q3 2017-18 due by 10 January 2018: Safer Plan 17-18"
    assert "1.1 Run the Open Day with the community." in message.body
    assert "sent 1, skipped 0, failed 0, gave up 0" in output


def test_the_email_has_a_text_and_an_html_part_with_absolute_links(officer, due_action, site):
    run(IN_WINDOW)

    [message] = mail.outbox
    link = f"https://csp.example.gov.uk/p/lewisham/actions/{due_action.pk}/update/?quarter=3"
    assert link in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "10 January 2018" in message.body and "10 January 2018" in html
    assert 'href="https://csp.example.gov.uk/p/lewisham/actions/mine/"' in html
    assert "<script" not in html


def test_the_email_lists_the_indicators_due_with_links_to_record_them(
    officer, plan, lead_agency, site
):
    indicator = IndicatorFactory(plan=plan, source_agency=lead_agency, name="DVPOs applied for")

    run(IN_WINDOW)

    [message] = mail.outbox
    link = f"https://csp.example.gov.uk/p/lewisham/indicators/{indicator.pk}/record/?quarter=3"
    assert "DVPOs applied for" in message.body
    assert link in message.body
    assert f'href="{link}"' in message.alternatives[0][0]


def test_one_email_lists_everything_the_officer_has_due(officer, strand, lead_agency, plan):
    first = ActionFactory(strand=strand, lead_agency=lead_agency, order=1)
    second = ActionFactory(strand=strand, lead_officer=officer, order=2)
    IndicatorFactory(plan=plan, source_agency=lead_agency, name="Hate crime reports")

    run(IN_WINDOW)

    [message] = mail.outbox
    assert message.body.index(first.text) < message.body.index(second.text)
    assert "Hate crime reports" in message.body


def test_it_records_the_email(officer, due_action):
    run(IN_WINDOW)

    row = RoundEmail.objects.get()
    assert (row.kind, row.status, row.attempts) == (Kind.OPENING, Status.SENT, 1)
    assert row.recipient == officer and row.to_address == "officer@example.org"
    assert row.body == mail.outbox[0].body
    assert row.sent_at is not None


def test_running_twice_sends_each_officer_one_email(officer, other_officer, due_action, strand):
    ActionFactory(strand=strand, lead_agency=other_officer.profile.agency)

    run(IN_WINDOW)
    output = run(IN_WINDOW)

    assert len(sent_to("officer@example.org")) == 1
    assert len(sent_to("other-officer@example.org")) == 1
    assert "sent 0, skipped 2" in output


def test_it_sends_the_opening_email_once_over_the_whole_window(officer, due_action):
    run(OPENS)
    run(IN_WINDOW)
    run(CLOSES.replace(day=5))

    assert len(mail.outbox) == 1


def test_it_sends_nothing_before_the_window_opens(officer, due_action):
    run(OPENS.replace(day=16))

    assert mail.outbox == []
    assert not RoundEmail.objects.exists()


def test_it_sends_nothing_after_the_window_closes(officer, due_action):
    run(AFTER_CLOSE)

    assert mail.outbox == []


def test_it_makes_the_plans_windows_with_the_default_dates(officer, plan):
    run(IN_WINDOW)

    window = UpdateWindow.objects.get(plan=plan, quarter=3)
    assert (window.opens_on, window.closes_on) == (OPENS, CLOSES)


def test_it_follows_a_window_changed_in_admin(officer, due_action, plan):
    UpdateWindow.objects.create(plan=plan, quarter=3, opens_on=IN_WINDOW, closes_on=AFTER_CLOSE)

    run(OPENS)
    assert mail.outbox == []
    run(AFTER_CLOSE)

    [message] = mail.outbox
    assert "11 January 2018" in message.subject


def test_it_sends_nothing_to_an_officer_with_nothing_due(officer, due_action):
    ProgressUpdateFactory(action=due_action, quarter=3)

    run(IN_WINDOW)

    assert mail.outbox == []


def test_it_sends_nothing_to_an_officer_without_an_email_address(officer, due_action):
    officer.email = ""
    officer.save()

    run(IN_WINDOW)

    assert mail.outbox == []


def test_it_sends_nothing_to_a_chair(member, strand):
    agency = AgencyFactory()
    ProfileFactory(user=member, agency=agency)
    ActionFactory(strand=strand, lead_agency=agency)

    run(IN_WINDOW)

    assert mail.outbox == []


def test_it_sends_nothing_for_a_closed_plan(officer, due_action, plan):
    plan.status = "closed"
    plan.save()

    run(IN_WINDOW)

    assert mail.outbox == []


def test_it_sends_nothing_for_a_draft_plan(officer, due_action, plan):
    plan.status = "draft"
    plan.save()

    run(IN_WINDOW)

    assert mail.outbox == []


def test_it_sends_nothing_for_a_closed_quarter(officer, due_action, plan):
    QuarterClosure.objects.create(plan=plan, quarter=3, snapshot={})

    run(IN_WINDOW)

    assert mail.outbox == []


# The reminder -------------------------------------------------------------------------------------


def test_it_reminds_an_officer_who_still_has_something_due(officer, due_action):
    run(IN_WINDOW)

    run(REMINDER_DAY)

    opening, reminder = sent_to("officer@example.org")
    assert reminder.subject.startswith("Reminder: updates for Q3 2017-18 due by 10 January 2018")
    assert due_action.text in reminder.body
    assert RoundEmail.objects.get(kind=Kind.REMINDER).status == Status.SENT


def test_it_reminds_only_once(officer, due_action):
    run(IN_WINDOW)
    run(REMINDER_DAY)
    run(REMINDER_DAY)
    run(CLOSES)

    assert len(mail.outbox) == 2


def test_it_does_not_remind_an_officer_who_has_updated(officer, other_officer, due_action, strand):
    theirs = ActionFactory(strand=strand, lead_agency=other_officer.profile.agency)
    run(IN_WINDOW)
    ProgressUpdateFactory(action=due_action, quarter=3)

    run(REMINDER_DAY)

    assert len(sent_to("officer@example.org")) == 1
    assert len(sent_to("other-officer@example.org")) == 2
    assert theirs.text in sent_to("other-officer@example.org")[1].body


def test_the_reminder_lists_only_what_is_still_due(officer, strand, lead_agency):
    done = ActionFactory(strand=strand, lead_agency=lead_agency, text="Already updated.")
    still_due = ActionFactory(strand=strand, lead_agency=lead_agency, text="Still to update.")
    run(IN_WINDOW)
    ProgressUpdateFactory(action=done, quarter=3)

    run(REMINDER_DAY)

    reminder = mail.outbox[-1]
    assert still_due.text in reminder.body
    assert done.text not in reminder.body


def test_it_does_not_remind_before_the_reminder_day(officer, due_action):
    run(IN_WINDOW)
    run(REMINDER_DAY.replace(day=6))

    assert len(mail.outbox) == 1


def test_someone_first_written_to_on_the_reminder_day_gets_the_reminder_on_the_next_run(
    officer, due_action
):
    run(REMINDER_DAY)
    assert [m.subject[:8] for m in mail.outbox] == ["Updates "]

    run(REMINDER_DAY.replace(day=8))

    assert [m.subject[:9] for m in mail.outbox] == ["Updates f", "Reminder:"]


# Failures, retries and giving up ------------------------------------------------------------------


def test_a_failed_send_is_recorded_and_reported(officer, due_action, settings):
    settings.EMAIL_BACKEND = FAILING

    with pytest.raises(CommandError, match="1 e-mail"):
        run(IN_WINDOW)

    row = RoundEmail.objects.get()
    assert (row.status, row.attempts) == (Status.FAILED, 1)
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in row.last_error
    assert row.sent_at is None


def test_a_failed_email_is_retried_on_the_next_run_and_sent(officer, due_action, settings):
    settings.EMAIL_BACKEND = FAILING
    with pytest.raises(CommandError):
        run(IN_WINDOW)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    output = run(IN_WINDOW)

    assert len(mail.outbox) == 1
    row = RoundEmail.objects.get()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")
    assert "sent 1, skipped 0, failed 0" in output


def test_it_gives_up_after_the_maximum_attempts(officer, due_action, settings):
    settings.EMAIL_BACKEND = FAILING
    settings.ROUND_EMAIL_MAX_ATTEMPTS = 3
    for _ in range(2):
        with pytest.raises(CommandError):
            run(IN_WINDOW)
    assert RoundEmail.objects.get().status == Status.FAILED

    with pytest.raises(CommandError) as failure:
        run(IN_WINDOW)

    row = RoundEmail.objects.get()
    assert (row.status, row.attempts) == (Status.GAVE_UP, 3)
    assert "1 e-mail" in str(failure.value)
    # Given up on: not tried again, and no longer a failure of the runs that follow.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    output = run(IN_WINDOW)
    assert mail.outbox == []
    assert "skipped 1" in output


def test_one_failure_does_not_stop_the_others(officer, other_officer, due_action, strand, settings):
    ActionFactory(strand=strand, lead_agency=other_officer.profile.agency)

    settings.EMAIL_BACKEND = f"{__name__}.FailsForOfficerBackend"

    with pytest.raises(CommandError):
        run(IN_WINDOW)

    assert [m.to for m in mail.outbox] == [["other-officer@example.org"]]
    statuses = dict(RoundEmail.objects.values_list("to_address", "status"))
    assert statuses == {
        "officer@example.org": Status.FAILED,
        "other-officer@example.org": Status.SENT,
    }


def test_an_email_claimed_by_another_run_is_not_sent_again(officer, due_action, plan):
    # Another run has claimed it and is sending it now.
    from rounds.windows import window_for

    RoundEmail.objects.create(
        window=window_for(plan, 3),
        recipient=officer,
        kind=Kind.OPENING,
        status=Status.PENDING,
        to_address=officer.email,
        subject="…",
        body="…",
    )

    output = run(IN_WINDOW)

    assert mail.outbox == []
    assert "skipped 1" in output


# Dry run and options ------------------------------------------------------------------------------


def test_a_dry_run_sends_and_records_nothing(officer, due_action):
    output = run(IN_WINDOW, "--dry-run")

    assert mail.outbox == []
    assert not RoundEmail.objects.exists()
    assert not UpdateWindow.objects.exists()
    assert "Would send: Window opened to officer@example.org (Q3 2017-18)" in output
    assert "would send 1" in output


def test_it_refuses_a_day_that_is_not_a_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_update_round", "--today", "10/01/2018")


def test_it_runs_for_today_by_default(officer, due_action, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: IN_WINDOW)

    call_command("send_update_round", stdout=StringIO())

    assert len(mail.outbox) == 1


def test_the_summary_counts_what_was_done(officer, due_action):
    output = run(IN_WINDOW)

    assert re.search(r"1 open window\(s\); sent 1, skipped 0, failed 0, gave up 0\.", output)


def test_it_writes_to_an_officer_of_another_agency_about_their_own_actions_only(
    officer, other_officer, due_action, strand
):
    theirs = ActionFactory(strand=strand, lead_agency=other_officer.profile.agency)

    run(IN_WINDOW)

    [message] = sent_to("other-officer@example.org")
    assert theirs.text in message.body
    assert due_action.text not in message.body


def test_an_administrator_whose_agency_leads_actions_is_written_to(administrator, strand):
    agency = AgencyFactory()
    ProfileFactory(user=administrator, agency=agency)
    ActionFactory(strand=strand, lead_agency=agency)

    run(IN_WINDOW)

    assert len(sent_to("administrator@example.org")) == 1


def test_each_officer_of_the_agency_is_written_to(officer, due_action, lead_agency):
    colleague = UserFactory(username="colleague")
    in_role(colleague, roles.OFFICERS)
    ProfileFactory(user=colleague, agency=lead_agency)

    run(IN_WINDOW)

    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@example.org", "officer@example.org"]


# People who cannot sign in -----------------------------------------------------------------------


def test_someone_who_cannot_sign_in_is_not_chased(officer, due_action):
    """An officer with no password (invited but not yet joined, or whose password sign-in an
    administrator switched off) and no single sign-on could not make the update."""
    officer.set_unusable_password()
    officer.save()

    output = run(IN_WINDOW)

    assert not mail.outbox
    assert "sent 0" in output


def test_someone_who_signs_in_with_their_organisation_is_chased(officer, due_action):
    officer.set_unusable_password()
    officer.email = "officer@lewisham.example.gov.uk"
    officer.save()
    SingleSignOnProvider.objects.create(
        name="Lewisham Council",
        issuer="https://login.example.gov.uk/lewisham",
        client_id="csp-tracker",
        client_secret="not-a-secret",
        email_domains="lewisham.example.gov.uk",
    )

    run(IN_WINDOW)

    [message] = mail.outbox
    assert message.to == ["officer@lewisham.example.gov.uk"]
