"""python manage.py send_update_round [--today YYYY-MM-DD] [--dry-run]"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rounds.sending import run_round


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date written YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Send the quarterly update round's e-mails due today: each open window's opening e-mail "
        "to every officer with actions or indicators to update, and from the reminder day the "
        "reminder to those still due. Safe to run as often as wanted (each e-mail goes once); "
        "failed e-mails are retried on the next run. Run it from cron, e.g. daily at 07:00."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=_day,
            help="Act as if it were this day (YYYY-MM-DD) rather than today.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be sent, without sending or recording anything.",
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        outcome = run_round(today, dry_run=dry_run)
        verbosity = options["verbosity"]
        if verbosity >= 2 or dry_run:
            for label in outcome.sent:
                self.stdout.write(("Would send: " if dry_run else "Sent: ") + label)
        for label in outcome.failed:
            self.stderr.write(f"Failed (will be retried on the next run): {label}")
        for label in outcome.gave_up:
            self.stderr.write(f"Gave up after too many failures: {label}")
        if verbosity >= 1:
            self.stdout.write(outcome.summary(dry_run))
        if outcome.has_failures:
            # A non-zero exit, so that cron reports it.
            raise CommandError(
                f"{len(outcome.failed) + len(outcome.gave_up)} e-mail(s) of the update round "
                "could not be sent; see the update round e-mails in admin."
            )
