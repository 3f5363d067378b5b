"""`python manage.py seed_demo`: load the demo (the Safer Lewisham Partnership, the invented
Safer Eastmere Partnership and the oversight body above both) and print the demo logins."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from demo.loading import (
    DEMO_PARTNERSHIP_FILES,
    DEMO_PASSWORD,
    DEMO_SHARED_FILE,
    DEMO_TWO_FACTOR_KEY,
    DemoDataError,
    LoadSummary,
    SharedSummary,
    load_demo_data,
    load_indicator_definitions,
    load_oversight,
    read_demo_file,
)
from partnerships.context import everywhere
from partnerships.models import Partnership
from twofactor.devices import must_use_two_factor, new_recovery_codes, secret_key_text

# What each role of a partnership's data file may do there, as the printed logins say it.
ROLE_ABILITIES = {
    "administrator": "everything in the partnership, including its Plan administration",
    "chair": "reads everything; comments, signs plans off and closes quarters",
    "officer": "records progress on the actions their agency leads",
}


class Command(BaseCommand):
    """Loads the demo from its YAML files (or one partnership's file of the same schema), so
    that `make run` opens on real plans; with DEBUG on it also creates the demo logins and
    prints them."""

    help = (
        "Load the demo: the shared indicator definitions, each demo partnership (agencies, "
        "strategies, plans with their priorities, strands, actions, quarterly progress "
        "updates and indicators, and, with DEBUG on, its people), then the oversight body "
        "covering them and a site administrator. Safe to run again: it updates rows rather "
        "than duplicating them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            help="Load only this partnership's data file (of the demo files' schema) instead of "
            "the whole demo.",
        )
        parser.add_argument(
            "--site-url",
            help="The address the demo is served on, which the printed logins name (`make run` "
            "passes its HOST and PORT). Default: the SITE_URL setting.",
        )
        parser.add_argument(
            "--beside-other-partnerships",
            action="store_true",
            help="Load the demo even though the database holds partnerships that are not the "
            "demo's (real ones): without it, the command refuses.",
        )

    def handle(self, *args, file=None, site_url=None, beside_other_partnerships=False, **options):
        create_users = settings.DEBUG
        files = [file] if file else DEMO_PARTNERSHIP_FILES
        others = other_partnerships({*DEMO_PARTNERSHIP_FILES, *files})
        if others and not beside_other_partnerships:
            raise CommandError(
                "Nothing was loaded: this database holds partnerships that are not the demo's "
                f"({', '.join(others[:5])}{', …' if len(others) > 5 else ''}). The demo's "
                "invented people and plans would sit beside them. Load it into an empty "
                "database, or run again with --beside-other-partnerships if you mean to."
            )
        try:
            with transaction.atomic():
                # The shared indicator definitions first: partnerships' indicators follow them.
                shared = load_indicator_definitions(read_demo_file(DEMO_SHARED_FILE))
                summaries = [
                    (path, load_demo_data(read_demo_file(path), create_users=create_users))
                    for path in files
                ]
                if file is None:
                    load_oversight(
                        read_demo_file(DEMO_SHARED_FILE), create_users=create_users, summary=shared
                    )
        except DemoDataError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        except IntegrityError as error:
            raise CommandError(
                f"Nothing was loaded: the data file conflicts with rows already in the database "
                f"({error})."
            ) from error
        skipped = sorted(
            {name for _, summary in summaries for name in summary.skipped_usernames}
            | set(shared.skipped_usernames)
        )
        if skipped:
            self.stderr.write(
                self.style.WARNING(
                    "Demo users are only created when DEBUG is on: skipped "
                    f"{', '.join(skipped)}. Their actions and progress updates were loaded "
                    "without a lead officer or author."
                )
            )
        for path, summary in summaries:
            self.stdout.write(self.style.SUCCESS(loaded_line(summary, path)))
        if file is None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {DEMO_SHARED_FILE.name}: "
                    f"{counted(shared.definitions, 'shared indicator definition')} and "
                    f"{counted(shared.oversight_bodies, 'oversight body', 'oversight bodies')}."
                )
            )
        if any(summary.users for _, summary in summaries) or shared.users:
            address = site_url or settings.SITE_URL
            self.stdout.write(
                logins_table([s for _, s in summaries], shared, address.rstrip("/") + "/")
            )
            self.stdout.write(two_factor_help([s for _, s in summaries], shared))


def other_partnerships(files) -> list[str]:
    """The names of the database's partnerships that none of the demo's files makes."""
    demo_slugs = set()
    for path in files:
        try:
            demo_slugs.add(read_demo_file(path)["partnership"]["slug"])
        except (DemoDataError, KeyError, TypeError):
            continue  # the load itself says what is wrong with the file

    with everywhere():
        return list(
            Partnership.objects.exclude(slug__in=demo_slugs)
            .order_by("name")
            .values_list("name", flat=True)
        )


def loaded_line(summary: LoadSummary, file) -> str:
    """One sentence saying what was loaded from which file, for which partnership."""
    return (
        f"Loaded {Path(file).name} ({summary.partnership}): {counted(summary.plans, 'plan')}, "
        f"{counted(summary.strands, 'strand')}, {counted(summary.actions, 'action')} and "
        f"{counted(summary.updates, 'progress update')} "
        f"({counted(summary.agencies, 'agency', 'agencies')}, "
        f"{counted(summary.strategies, 'strategy', 'strategies')})."
    )


def counted(number: int, singular: str, plural: str = "") -> str:
    """ "1 plan", "2 plans"."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def two_factor_help(summaries: list[LoadSummary], shared: SharedSummary) -> str:
    """How to sign in as the demo's administrators, who must type a code from an authenticator
    app: the demo key their app is set up with, and for testers without an app, recovery codes
    made afresh now (each works once; the earlier ones stop working)."""
    people = {user.username: user for summary in summaries for user, *_ in summary.users}
    people |= {user.username: user for user, _ in shared.users}
    administrators = [user for user in people.values() if must_use_two_factor(user)]
    if not administrators:
        return ""
    key = secret_key_text(DEMO_TWO_FACTOR_KEY)
    lines = [
        f"Administrators ({', '.join(user.username for user in administrators)}) also type a "
        "code after the password.",
        f"  Add this key to an authenticator app (time-based): {key}",
        "  or use one of these recovery codes (each works once, until the next seed_demo):",
    ]
    for user in administrators:
        lines.append(f"  {user.username}: {' '.join(new_recovery_codes(user))}")
    return "\n".join(lines)


def logins_table(summaries: list[LoadSummary], shared: SharedSummary, site_url: str) -> str:
    """The demo logins for the demo at `site_url`, as a small plain-text table, for the console
    `make run` prints: each person once, with what they can do where."""
    can_do = {}  # username -> (user, [what they can do])
    for summary in summaries:
        for user, role, agency, partnership in summary.users:
            can = ROLE_ABILITIES[role]
            if role == "officer" and agency:
                can = f"{agency.display_name} officer: {can}"
            entry = can_do.setdefault(user.username, (user, []))
            entry[1].append(f"{partnership.display_name} {role} ({can})")
    for user, what in shared.users:
        if what == "site administrator":
            what = "site administrator: adds partnerships, their administrators, oversight bodies"
        else:
            what = (
                f"{what}: reads the covered partnerships' signed-off plans and quarters, "
                "side by side"
            )
        can_do.setdefault(user.username, (user, []))[1].append(what)
    rows = [("Username", "Password", "What they can do")]
    for username, (_, abilities) in can_do.items():
        rows.append((username, DEMO_PASSWORD, "; ".join(abilities)))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = [f"Demo logins for {site_url} (DEBUG only):"]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[-1]]))
    return "\n".join(lines)
