"""`python manage.py generate_load_data`: a large, realistic, synthetic data set for measuring
performance (see plans/load_data.py, benchmarks/ and docs/performance.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.urls import reverse

from plans.load_data import (
    DEFAULT_PREFIX,
    DEFAULT_SEED,
    LoadDataError,
    LoadSizes,
    clear_load_data,
    generate_load_data,
)


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
        "Generate synthetic load data for performance measurement: plans in consecutive "
        "financial years with priorities, strands, themes, timeframes, actions led by generated "
        "agencies and officers, and quarterly progress updates. Everything it makes is named "
        "with --prefix, and --clear removes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plans", type=int, default=100, help="Plans in all (default 100).")
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
            help="One plan has exactly this many actions (default 2,000; 0 for none).",
        )
        parser.add_argument(
            "--also-sizes",
            type=sizes_list,
            default=(),
            help="More plans of exactly these sizes, e.g. 40,400 (for the benchmarks).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed: the same seed makes the same data (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--prefix",
            default=DEFAULT_PREFIX,
            help=f"Slug and username prefix of everything made (default “{DEFAULT_PREFIX}”).",
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
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this may be a production database: generate_load_data makes "
                "test data. Add --force if you really mean to."
            )
        prefix = options["prefix"]
        try:
            if options["clear_only"]:
                deleted = clear_load_data(prefix)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Deleted the “{prefix}” load data: {deleted['plans']:,} plans, "
                        f"{deleted['actions']:,} actions, {deleted['progress updates']:,} "
                        "progress updates."
                    )
                )
                return
            sizes = LoadSizes(
                plans=options["plans"],
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
            summary = generate_load_data(
                sizes, seed=options["seed"], prefix=prefix, clear=options["clear"]
            )
        except LoadDataError as error:
            raise CommandError(f"Nothing was made. {error}") from error
        except IntegrityError as error:
            raise CommandError(
                f"Nothing was changed: the database refused ({error}). Is something outside the "
                "load data referring to it?"
            ) from error

        counts = summary.counts
        if "cleared plans" in counts:
            self.stdout.write(f"Deleted the previous “{prefix}” load data first.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {counts['plans']:,} plans, {counts['strands']:,} strands, "
                f"{counts['actions']:,} actions and {counts['progress updates']:,} progress "
                f"updates ({counts['timeframes']:,} timeframes, {counts['partner links']:,} "
                f"partner agency links, {counts['sub-items']:,} sub-items, "
                f"{counts['agencies']:,} agencies, {counts['users']:,} users) "
                f"in {summary.seconds:.1f} s."
            )
        )
        for slug, size in summary.sized_plans:
            self.stdout.write(f"  {size:,} actions: {reverse('plans:detail', args=[slug])}")
        self.stdout.write(
            f"Users {prefix}-officer-1… and {summary.chair_username} have unusable passwords: "
            "set one (manage.py changepassword) to sign in as them."
        )
