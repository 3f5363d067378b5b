"""Sending the update round's e-mails: the opening e-mail of each open window, and its reminder,
to each officer who has something due, each at most once.

Idempotence: before an e-mail is sent, its RoundEmail row (unique per window, recipient and kind)
is claimed: created, or moved from "failed" back to "pending" by a conditional update. Whoever
claims it sends it; a second run at the same time, or a later run the same day, finds it claimed
and skips it. A failed send is recorded (status "failed", attempts, the error) and tried again on
the next run, until ROUND_EMAIL_MAX_ATTEMPTS, when the row is marked "gave up": never dropped
without a trace. See docs/update-round.md.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format

from agencies.models import display_name
from partnerships.context import acting_in
from partnerships.models import Partnership
from plans.models import AnnualPlan

from .due import Due, due_by_person, officers
from .models import RoundEmail, UpdateWindow
from .windows import planned_window, window_for

Kind = RoundEmail.Kind
Status = RoundEmail.Status

# The longest error kept on a row: enough for an SMTP server's reply.
MAX_ERROR_LENGTH = 2000


@dataclass
class Outcome:
    """What one run of the round did: e-mails sent (or, in a dry run, that would be sent),
    skipped because already sent or claimed, failed (to be retried), and given up on."""

    sent: list[str] = field(default_factory=list)
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)
    windows: list[str] = field(default_factory=list)

    @property
    def has_failures(self) -> bool:
        return bool(self.failed or self.gave_up)

    def summary(self, dry_run=False) -> str:
        sent = "would send" if dry_run else "sent"
        return (
            f"Update round: {len(self.windows)} open window(s); {sent} {len(self.sent)}, "
            f"skipped {self.skipped}, failed {len(self.failed)}, gave up {len(self.gave_up)}."
        )


def run_round(on: date | None = None, *, dry_run: bool = False) -> Outcome:
    """Send what the round owes on a day (today by default): for each plan taking updates and
    each of its windows open that day, the opening e-mail to each officer with something due,
    and from the reminder day until the window closes, the reminder to those still due. A dry
    run saves nothing (not even the windows) and sends nothing."""
    on = on or timezone.localdate()
    outcome = Outcome()
    for partnership in Partnership.objects.filter(is_active=True).order_by("pk"):
        with acting_in(partnership):
            _run_partnerships_round(partnership, on, outcome, dry_run)
    return outcome


def _run_partnerships_round(partnership, on: date, outcome: Outcome, dry_run: bool):
    """One partnership's part of the round: its plans, its officers, its addresses."""
    people = list(officers(partnership))
    plans = AnnualPlan.objects.taking_updates().order_by("pk")
    for plan in plans:
        saved = {window.quarter: window for window in plan.update_windows.all()}
        for period in plan.quarters:
            window = (
                planned_window(plan, period.number, saved)
                if dry_run
                else saved.get(period.number) or window_for(plan, period.number)
            )
            window.plan = plan
            if not window.is_open_on(on):
                continue
            outcome.windows.append(f"{plan} {period.label}")
            for person, due in due_by_person(window, people).values():
                opened = _send_once(window, person, due, Kind.OPENING, outcome, dry_run)
                # Someone first written to in this run has just been told: the reminder waits
                # for the next run (if they still have something due then).
                if window.is_reminding_on(on) and not opened:
                    _send_once(window, person, due, Kind.REMINDER, outcome, dry_run)


def _send_once(window, person, due: Due, kind, outcome: Outcome, dry_run: bool) -> bool:
    """Claim and send one e-mail unless it has been sent or claimed already. Returns whether it
    was attempted (or would be, in a dry run) in this run."""
    existing = (
        RoundEmail.objects.filter(window=window, recipient=person, kind=kind).first()
        if window.pk  # a dry run's window may not be saved yet: then it has no e-mails
        else None
    )
    if existing is not None and existing.status != Status.FAILED:
        outcome.skipped += 1  # sent, being sent by another run, or given up on
        return False
    subject, text, html = render_email(window, person, due, kind)
    label = f"{kind.label} to {person.email} ({window.period.label})"
    if dry_run:
        outcome.sent.append(label)
        return True
    content = {"to_address": person.email, "subject": subject, "body": text}
    if existing is None:
        try:
            with transaction.atomic():
                row = RoundEmail.objects.create(
                    window=window, recipient=person, kind=kind, status=Status.PENDING, **content
                )
        except IntegrityError:
            outcome.skipped += 1  # another run claimed it a moment ago
            return False
    else:
        claimed = RoundEmail.objects.filter(pk=existing.pk, status=Status.FAILED).update(
            status=Status.PENDING, **content
        )
        if not claimed:
            outcome.skipped += 1
            return False
        row = existing
    status = deliver(row, subject, text, html)
    {Status.SENT: outcome.sent, Status.FAILED: outcome.failed, Status.GAVE_UP: outcome.gave_up}[
        status
    ].append(label)
    return True


def deliver(row: RoundEmail, subject: str, text: str, html: str) -> str:
    """Send a claimed e-mail with Django's e-mail backend, and record the outcome on its row.
    Returns the row's new status."""
    message = EmailMultiAlternatives(subject, text, to=[row.to_address])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as error:  # any failure of the backend (SMTP, network...) is recorded
        attempts = row.attempts + 1
        status = Status.GAVE_UP if attempts >= settings.ROUND_EMAIL_MAX_ATTEMPTS else Status.FAILED
        RoundEmail.objects.filter(pk=row.pk).update(
            status=status,
            attempts=F("attempts") + 1,
            last_error=f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH],
        )
        return status
    RoundEmail.objects.filter(pk=row.pk).update(
        status=Status.SENT, attempts=F("attempts") + 1, sent_at=timezone.now(), last_error=""
    )
    return Status.SENT


# The e-mail itself ------------------------------------------------------------------------------


def absolute(path: str) -> str:
    """A link on the site's address (SITE_URL): e-mails are sent outside any request."""
    return settings.SITE_URL.rstrip("/") + path


def action_link(action, quarter: int) -> str:
    return absolute(reverse("actions:update", kwargs={"pk": action.pk}) + f"?quarter={quarter}")


def indicator_link(indicator, quarter: int) -> str | None:
    """The form recording the indicator's value for the quarter (None if the site has none)."""
    try:
        path = reverse("indicators:record", kwargs={"pk": indicator.pk})
    except NoReverseMatch:
        return None
    return absolute(f"{path}?quarter={quarter}")


def render_email(window: UpdateWindow, person, due: Due, kind) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of a round's e-mail to one person."""
    period = window.period
    deadline = date_format(window.closes_on, "j F Y")
    subject = f"Updates for {period.label} due by {deadline}: {window.plan.title}"
    if kind == Kind.REMINDER:
        subject = f"Reminder: {subject[0].lower()}{subject[1:]}"
    context = {
        "subject": subject,
        "name": display_name(person),
        "plan": window.plan,
        "period": period,
        "window": window,
        "deadline": deadline,
        "opened": date_format(window.opens_on, "j F Y"),
        "actions": [
            {
                "reference": action.reference,
                "text": action.text if len(action.text) <= 120 else action.text[:119] + "…",
                "url": action_link(action, period.number),
            }
            for action in due.actions
        ],
        "indicators": [
            {"name": indicator.name, "url": indicator_link(indicator, period.number)}
            for indicator in due.indicators
        ],
        "my_updates_url": absolute(reverse("actions:mine")),
        "service_name": settings.SERVICE_NAME,
        "partnership_name": window.plan.partnership.name,
        "is_reminder": kind == Kind.REMINDER,
    }
    name = "reminder" if kind == Kind.REMINDER else "opening"
    text = render_to_string(f"rounds/email/{name}.txt", context)
    html = render_to_string(f"rounds/email/{name}.html", context)
    return subject, text, html
