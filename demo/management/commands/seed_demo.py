"""`python manage.py seed_demo`: load the Safer Lewisham demo data and print the demo logins."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from demo.loading import (
    DEMO_DATA_FILE,
    DEMO_PASSWORD,
    DemoDataError,
    LoadSummary,
    load_demo_data,
    read_demo_file,
)

# What each role of the data file may do, as the printed logins say it.
ROLE_ABILITIES = {
    "administrator": "everything, including Plan administration",
    "chair": "reads everything; comments, signs plans off and closes quarters",
    "officer": "records progress on the actions their agency leads",
}


class Command(BaseCommand):
    """Loads the Safer Lewisham demo data from its YAML file (or another one of the same schema),
    so that `make run` opens on a real plan; with DEBUG on it also creates the demo logins and
    prints them."""

    help = (
        "Load the Safer Lewisham demo data (agencies, strategies, plans with their priorities, "
        "strands, actions and quarterly progress updates, and, with DEBUG on, the demo users) "
        "from the YAML data file. Safe to run again: it updates rows rather than duplicating them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=DEMO_DATA_FILE,
            help="A data file of the same schema to load instead of the bundled Safer Lewisham "
            "one.",
        )
        parser.add_argument(
            "--site-url",
            help="The address the demo is served on, which the printed logins name (`make run` "
            "passes its HOST and PORT). Default: the SITE_URL setting.",
        )

    def handle(self, *args, file, site_url=None, **options):
        create_users = settings.DEBUG
        try:
            summary = load_demo_data(read_demo_file(file), create_users=create_users)
        except DemoDataError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        except IntegrityError as error:
            raise CommandError(
                f"Nothing was loaded: the data file conflicts with rows already in the database "
                f"({error})."
            ) from error
        if summary.skipped_usernames:
            self.stderr.write(
                self.style.WARNING(
                    "Demo users are only created when DEBUG is on: skipped "
                    f"{', '.join(summary.skipped_usernames)}. Their actions and progress updates "
                    "were loaded without a lead officer or author."
                )
            )
        self.stdout.write(self.style.SUCCESS(loaded_line(summary, file)))
        if summary.users:
            address = site_url or settings.SITE_URL
            self.stdout.write(logins_table(summary, address.rstrip("/") + "/"))


def loaded_line(summary: LoadSummary, file) -> str:
    """One sentence saying what was loaded from which file."""
    return (
        f"Loaded {Path(file).name}: {counted(summary.plans, 'plan')}, "
        f"{counted(summary.strands, 'strand')}, {counted(summary.actions, 'action')} and "
        f"{counted(summary.updates, 'progress update')} "
        f"({counted(summary.agencies, 'agency', 'agencies')}, "
        f"{counted(summary.strategies, 'strategy', 'strategies')})."
    )


def counted(number: int, singular: str, plural: str = "") -> str:
    """ "1 plan", "2 plans"."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def logins_table(summary: LoadSummary, site_url: str) -> str:
    """The demo logins for the demo at `site_url`, as a small plain-text table, for the console
    `make run` prints."""
    rows = [("Username", "Password", "Role", "What they can do")]
    for user, role, agency in summary.users:
        can = ROLE_ABILITIES[role]
        if role == "officer" and agency:
            can = f"{agency.display_name} officer: {can}"
        rows.append((user.username, DEMO_PASSWORD, role, can))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = [f"Demo logins for {site_url} (DEBUG only):"]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[-1]]))
    return "\n".join(lines)
