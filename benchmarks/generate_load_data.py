"""`python -m benchmarks.generate_load_data`: a large, realistic, synthetic data set for measuring
performance (benchmarks/load_data.py makes it; see benchmarks/README.md and docs/performance.md).

A script of the benchmarks, not a management command of an app: the load data is theirs and no
app of the service uses it. It is a Django command all the same, so that its options, checks and
messages work as manage.py's do: run from the command line by ``main()`` below, and by
run_benchmarks.py and the tests with ``call_command(Command(), ...)``.
"""

import os
import sys
from pathlib import Path

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

REPO = Path(__file__).resolve().parent.parent


def sizes_list(value: str) -> tuple[int, ...]:
    """ "40,400" → (40, 400)."""
    try:
        sizes = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError as error:
        raise CommandError(f"--also-sizes takes numbers separated by commas, not {value!r}.") from (
            error
        )
    return sizes


class Command(BaseCommand):
    """Makes many plans, actions and progress updates that look like real ones (test data, so it
    refuses to run with DEBUG off unless forced), and says what it made and how long it took."""

    help = (
        "Generate synthetic load data for performance measurement: fictional partnerships, each "
        "with its chair and officers and its plans in consecutive financial years, with "
        "priorities, strands, themes, timeframes, actions led by generated agencies and "
        "officers, and quarterly progress updates. Everything it makes is named with --prefix, "
        "and --clear removes it."
    )

    # benchmarks.load_data is imported in the methods, not at the top: it needs the models, and
    # run as a script this module is loaded before main() has set Django up.

    def add_arguments(self, parser):
        from benchmarks import load_data

        parser.add_argument(
            "--partnerships",
            type=int,
            default=1,
            help="Partnerships to deal the plans out to, each with its own strategy, chair and "
            "officers (default 1; 300 is every Community Safety Partnership of England and "
            "Wales). Each needs a plan at least; the plans of given sizes are all in the first, "
            "PREFIX-001.",
        )
        parser.add_argument(
            "--plans",
            type=int,
            default=100,
            help="Plans in all, across every partnership (default 100).",
        )
        parser.add_argument(
            "--actions",
            type=int,
            default=50_000,
            help="Actions in all, across every plan (default 50,000).",
        )
        parser.add_argument(
            "--updates",
            type=int,
            default=200_000,
            help="Progress updates in all, at most one per action and quarter (default 200,000).",
        )
        parser.add_argument(
            "--big-plan-actions",
            type=int,
            default=2_000,
            help="One plan (of the first partnership) has exactly this many actions (default "
            "2,000; 0 for none).",
        )
        parser.add_argument(
            "--also-sizes",
            type=sizes_list,
            default=(),
            help="More plans of exactly these sizes, e.g. 40,400 (for the benchmarks), also "
            "in the first partnership.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=load_data.DEFAULT_SEED,
            help="Random seed: the same seed makes the same data (default %(default)s).",
        )
        parser.add_argument(
            "--prefix",
            default=load_data.DEFAULT_PREFIX,
            help="Slug and username prefix of everything made (default “%(default)s”): the "
            "partnerships are PREFIX-001, PREFIX-002…",
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="First delete the load data previously generated with this prefix.",
        )
        parser.add_argument(
            "--clear-only",
            action="store_true",
            help="Delete the load data generated with this prefix, and make nothing.",
        )
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, **options):
        from benchmarks import load_data

        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this may be a production database: generate_load_data makes "
                "test data. Add --force if you really mean to."
            )
        prefix = options["prefix"]
        try:
            if options["clear_only"]:
                deleted = load_data.clear_load_data(prefix)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Deleted the “{prefix}” load data: {deleted['partnerships']:,} "
                        f"partnership{'' if deleted['partnerships'] == 1 else 's'}, "
                        f"{deleted['plans']:,} plans, {deleted['actions']:,} "
                        f"actions, {deleted['progress updates']:,} progress updates, "
                        f"{deleted['users']:,} users."
                    )
                )
                return
            sizes = load_data.LoadSizes(
                plans=options["plans"],
                partnerships=options["partnerships"],
                actions=options["actions"],
                updates=options["updates"],
                big_plan_actions=options["big_plan_actions"],
                # A string when called as call_command(..., also_sizes="40,400").
                also_sizes=(
                    sizes_list(also)
                    if isinstance(also := options["also_sizes"], str)
                    else tuple(also)
                ),
            )
            summary = load_data.generate_load_data(
                sizes, seed=options["seed"], prefix=prefix, clear=options["clear"]
            )
        except load_data.LoadDataError as error:
            raise CommandError(f"Nothing was made. {error}") from error
        except IntegrityError as error:
            raise CommandError(
                f"Nothing was changed: the database refused ({error}). Is something outside the "
                "load data referring to it?"
            ) from error

        self.report(summary, prefix)

    def report(self, summary, prefix):
        from benchmarks import load_data
        from partnerships.context import partnership_url
        from partnerships.models import Partnership

        counts = summary.counts
        if "cleared plans" in counts:
            self.stdout.write(f"Deleted the previous “{prefix}” load data first.")
        partnerships = counts["partnerships"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {partnerships:,} partnership{'s' if partnerships != 1 else ''}, "
                f"{counts['plans']:,} plans, {counts['strands']:,} strands, "
                f"{counts['actions']:,} actions and {counts['progress updates']:,} progress "
                f"updates ({counts['timeframes']:,} timeframes, {counts['partner links']:,} "
                f"partner agency links, {counts['sub-items']:,} sub-items, "
                f"{counts['agencies']:,} agencies, {counts['users']:,} users, "
                f"{counts['memberships']:,} memberships) in {summary.seconds:.1f} s."
            )
        )
        first = Partnership.objects.get(slug=summary.first_partnership)
        last = summary.partnerships[-1]
        self.stdout.write(
            f"Partnerships: {first.slug} ({first.name})"
            + (f" to {last}" if partnerships > 1 else "")
            + "."
        )
        if summary.sized_plans:
            self.stdout.write(f"The plans of given sizes are all in the first, {first.slug}:")
        for slug, size in summary.sized_plans:
            self.stdout.write(
                f"  {size:,} actions: {partnership_url(first, 'plans:detail', slug=slug)}"
            )
        others = (
            f"; the other partnerships' {load_data.people_prefix(prefix, 2)}-chair, "
            f"{load_data.people_prefix(prefix, 2)}-officer-1…"
            if partnerships > 1
            else ""
        )
        self.stdout.write(
            f"Users {summary.chair_username} (chair of {first.slug}) and {prefix}-officer-1… "
            f"(its officers){others} have unusable passwords: set one (manage.py "
            "changepassword) to sign in as them."
        )


def main(argv=None):
    """Run the command on the command line's arguments, with the project's settings (and so on the
    database DATABASE_URL names, as manage.py would)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safer_lewisham.settings")
    django.setup()
    arguments = sys.argv[1:] if argv is None else argv
    Command().run_from_argv(["python -m", "benchmarks.generate_load_data", *arguments])


if __name__ == "__main__":
    main()
