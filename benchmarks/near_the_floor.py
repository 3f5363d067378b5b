#!/usr/bin/env python
"""Time the pages people use most against the floor: a trivial page through the same server,
middleware and session, in the same run. Two parts:

1. Real size: the demo (Safer Lewisham's 2017-18 plan, 37 actions), loaded afresh into a
   database of its own: the quarterly page, the plan page, My updates, an action's page, the
   dashboard and the home page. Target: each within 3 times the trivial page.
2. The largest realistic plan: the benchmark's plan of 2,000 actions (the load data of
   run_benchmarks.py, reused): its plan page (target under 300 ms), quarterly page (under
   200 ms) and xlsx export (under 1 s), and the meeting pack's request.

Each database is served twice with production settings, by two single-threaded wsgiref servers
sharing Redis as production does: one with the page cache on (production's default), which
serves a page kept since it was last drawn, and one with it off, which draws every page, as
the first view after a change does. The four servers take turns, one request at a time.

    .venv/bin/python benchmarks/near_the_floor.py [--write-docs]

See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import collect_static, say, server_environment, write_docs
from benchmarks.run_benchmarks import (
    BENCH_PASSWORD,
    DEFAULT_DATABASE_URL,
    PREFIX,
    Client,
    Target,
    absolute_url,
    close_connections,
    cpu_description,
    database_description,
    database_exists,
    drop_database,
    load_average,
    measure,
    milliseconds,
    prepare_database,
    serving,
    set_password,
    setup_django,
    use_database,
)

DOCS_START = "<!-- floor-results:start -->"
DOCS_END = "<!-- floor-results:end -->"
DEMO_SUFFIX = "_demo"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/7"
FLOOR_TIMES = 3
LARGE = 2_000
LARGE_TARGETS_MS = {
    "Plan page": 300,
    "Quarterly page": 200,
    "xlsx export": 1_000,
    "Meeting pack link": 3_000,
}
KEPT, DRAWN = "kept", "drawn"
DEMO_PLAN = "safer-lewisham-plan-17-18"


def demo_url(url: str) -> str:
    if url.startswith("sqlite"):
        return url.replace(".sqlite3", "-demo.sqlite3")
    base, _, name = url.rpartition("/")
    return f"{base}/{name}{DEMO_SUFFIX}"


def load_the_demo(url: str) -> dict:
    """A fresh database with the demo in it; the addresses of the pages timed."""
    from django.core.management import call_command

    from actions.models import Action
    from partnerships.context import acting_in
    from partnerships.models import Partnership
    from plans.models import AnnualPlan

    if database_exists(url) or url.startswith("sqlite"):
        drop_database(url)
    prepare_database(url, fresh=False, allow_drop=False)
    use_database(url)
    say("Migrating the demo's database and loading the demo…")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    for username in ("chair", "officer"):
        set_password(username)
    partnership = Partnership.objects.get(slug="lewisham")
    with acting_in(partnership):
        plan = AnnualPlan.objects.get(slug=DEMO_PLAN)
        action = Action.objects.filter(strand__priority__plan=plan).order_by("pk").first()
        actions = Action.objects.filter(strand__priority__plan=plan).count()
        quarter = plan.reporting_quarter().number
    return {
        "prefix": partnership.prefix,
        "plan": plan.slug,
        "actions": actions,
        "quarter": quarter,
        "action": action.pk,
    }


def the_large_plan(url: str) -> dict:
    from django.db.models import Count

    from benchmarks.load_data import chair_username, partnership_slug, sized_plan_slug
    from partnerships.context import acting_in
    from partnerships.models import Partnership
    from plans.models import AnnualPlan
    from priorities.models import Strand

    use_database(url)
    partnership = Partnership.objects.filter(slug=partnership_slug(PREFIX)).first()
    if partnership is None:
        raise SystemExit(
            "The load data is not there: run benchmarks/run_benchmarks.py --fresh first "
            "(or give --database-url of a database it made)."
        )
    with acting_in(partnership):
        plan = AnnualPlan.objects.get(slug=sized_plan_slug(PREFIX, LARGE))
        quarter = plan.reporting_quarter().number
        # The plan page shows a plan this large folded by strand: its largest strand's first
        # page of actions is the largest view it serves.
        strand = (
            Strand.objects.filter(priority__plan=plan)
            .annotate(count=Count("actions"))
            .order_by("-count", "pk")
            .first()
        )
        pack_seconds = time_the_pack(plan, quarter, partnership.name)
    set_password(chair_username(PREFIX))
    return {
        "prefix": partnership.prefix,
        "plan": plan.slug,
        "quarter": quarter,
        "chair": chair_username(PREFIX),
        "strand": strand.pk,
        "strand_actions": strand.count,
        "pack_seconds": pack_seconds,
    }


def time_the_pack(plan, quarter: int, partnership_name: str) -> float:
    """How long the meeting pack's background job takes for the plan: the review, then the PDF
    (reviews/tasks.py does the same), timed once in this process."""
    from reviews.building import review_for
    from reviews.outputs.pack import build_pack

    say("Timing the meeting pack's job for the largest plan (its PDF, drawn once)…")
    started = time.perf_counter()
    pdf = build_pack(review_for(plan, quarter), partnership_name)
    seconds = time.perf_counter() - started
    if not pdf.startswith(b"%PDF"):
        raise SystemExit("The meeting pack is not a PDF.")
    return seconds


def demo_targets(demo: dict) -> list[Target]:
    p = demo["prefix"]
    both = (KEPT, DRAWN)
    size = f"{demo['actions']} actions"
    return [
        Target(
            "Trivial page: `favicon.ico` (a redirect)",
            "–",
            f"{p}favicon.ico",
            "redirect",
            where=both,
        ),
        Target(
            f"Quarterly page, Q{demo['quarter']}",
            size,
            f"{p}plans/{demo['plan']}/quarters/{demo['quarter']}/",
            "html",
            where=both,
        ),
        Target("Plan page", size, f"{p}plans/{demo['plan']}/", "html", where=both),
        Target(
            "My updates (an officer)",
            "the demo's officer",
            f"{p}actions/mine/",
            "html",
            who="officer",
            where=both,
        ),
        Target("Action page", "one action", f"{p}actions/{demo['action']}/", "html", where=both),
        Target("Dashboard", "the partnership's plans", f"{p}dashboard/", "html", where=both),
        Target("Home page", "the partnership's plans", p, "html", where=both),
    ]


def large_targets(large: dict) -> list[Target]:
    p, slug, q = large["prefix"], large["plan"], large["quarter"]
    both = ("large-" + KEPT, "large-" + DRAWN)
    size = f"{LARGE:,} actions"
    return [
        Target(
            "Trivial page: `favicon.ico` (a redirect)",
            "–",
            f"{p}favicon.ico",
            "redirect",
            where=both,
        ),
        Target("Plan page: its strands", size, f"{p}plans/{slug}/", "html", where=both),
        Target(
            "Plan page: its largest strand",
            f"{large['strand_actions']} actions, the first 100",
            f"{p}plans/{slug}/?strand={large['strand']}",
            "html",
            where=both,
        ),
        Target(f"Quarterly page, Q{q}", size, f"{p}plans/{slug}/quarters/{q}/", "html", where=both),
        Target(
            f"Meeting pack link, Q{q}: to its page while prepared in the background",
            size,
            f"{p}plans/{slug}/quarters/{q}/pack.pdf",
            "redirect",
            where=both,
        ),
        Target(
            f"xlsx export, Q{q}",
            size,
            f"{p}plans/{slug}/quarters/{q}/actions.xlsx",
            "xlsx",
            where=both,
        ),
    ]


def ratio(target: Target, trivial: Target, where: str) -> float:
    return target.median_ms(where) / trivial.median_ms(where)


def report(demo_list, large_list, facts: dict) -> str:
    import django

    when = datetime.now(UTC).strftime("%-d %B %Y, %H:%M UTC")
    header = (
        f"Run on {when}: {cpu_description()}, {facts['database']}, Python "
        f"{platform.python_version()}, Django {django.get_version()}. Four single-threaded "
        "wsgiref servers with production settings (DEBUG off), each pair sharing Redis as its "
        "cache: on each database one with the page cache on (production's default: a page kept "
        "since it was last drawn is served again) and one with it off (every page drawn, as the "
        "first view after a change is). Each page: "
        f"{facts['warmup']} warm-up requests on each server, then {facts['requests']} rounds of "
        "one request on each, one request at a time, over loopback, from sending the request "
        "to having read the whole response. Signed in as the chair, My updates as an officer. "
        f"One-minute load average just before timing: {facts['before']:.2f}, just after: "
        f"{facts['after']:.2f} (the benchmark itself adds about 1). The whole run took "
        f"{facts['minutes']:.0f} minute{'' if round(facts['minutes']) == 1 else 's'}."
    )
    lines = [textwrap.fill(header, width=100, break_on_hyphens=False), ""]
    trivial = demo_list[0]
    lines += [
        f"**Real size: the demo plan** ({facts['demo_actions']} actions). Target: within "
        f"{FLOOR_TIMES}× the trivial page of the same server.",
        "",
        "| Page | Median, kept | × trivial | p95, kept | Median, drawn | × trivial | "
        f"Within {FLOOR_TIMES}× |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for target in demo_list:
        kept_ratio = ratio(target, trivial, KEPT)
        lines.append(
            f"| {target.label} | {milliseconds(target.median_ms(KEPT))} | {kept_ratio:.1f} | "
            f"{milliseconds(target.p95_ms(KEPT))} | {milliseconds(target.median_ms(DRAWN))} | "
            f"{ratio(target, trivial, DRAWN):.1f} | "
            + (
                "–"
                if target is trivial
                else ("met" if kept_ratio <= FLOOR_TIMES else "**not met**")
            )
            + " |"
        )
    lines += [
        "",
        f"**The largest realistic plan** ({LARGE:,} actions, `load-001`).",
        "",
        "| Page | Median, kept | p95, kept | Median, drawn | p95, drawn | Bytes | Target "
        "(median) |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    kept, drawn = "large-" + KEPT, "large-" + DRAWN
    for target in large_list:
        goal = next(
            (ms for name, ms in LARGE_TARGETS_MS.items() if target.label.startswith(name)), None
        )
        if goal is None:
            verdict = "–"
        else:
            worst = max(target.median_ms(kept), target.median_ms(drawn))
            verdict = f"under {milliseconds(goal)}: " + (
                "met, kept and drawn"
                if worst < goal
                else "met when kept; **not met** drawn"
                if target.median_ms(kept) < goal
                else "**not met**"
            )
        lines.append(
            f"| {target.label} | {milliseconds(target.median_ms(kept))} | "
            f"{milliseconds(target.p95_ms(kept))} | {milliseconds(target.median_ms(drawn))} | "
            f"{milliseconds(target.p95_ms(drawn))} | {target.bytes.get(drawn, 0):,} | {verdict} |"
        )
    lines += [
        "",
        textwrap.fill(
            f"The meeting pack of the {LARGE:,}-action plan is prepared in the background "
            f"(the link answers with its page, above); its job took {facts['pack_seconds']:.1f} s "
            "(the review and the PDF, timed once in the benchmark's own process).",
            width=100,
            break_on_hyphens=False,
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="The load data's database (made by run_benchmarks.py); the demo's is its name "
        f"with {DEMO_SUFFIX}, made afresh. Default: $BENCH_DATABASE_URL or "
        f"{DEFAULT_DATABASE_URL}.",
    )
    parser.add_argument(
        "--redis-url", default=DEFAULT_REDIS_URL, help=f"The servers' cache ({DEFAULT_REDIS_URL})."
    )
    parser.add_argument(
        "--broker-url",
        default=DEFAULT_BROKER_URL,
        help=f"The servers' job queue ({DEFAULT_BROKER_URL}); emptied first.",
    )
    parser.add_argument("--requests", type=int, default=20, help="Timed rounds (default 20).")
    parser.add_argument("--warmup", type=int, default=3, help="Untimed requests first (3).")
    parser.add_argument("--write-docs", action="store_true", help="Write docs/performance.md.")
    args = parser.parse_args(argv)
    started = time.monotonic()

    large_url = absolute_url(args.database_url)
    demo_db = demo_url(large_url)
    setup_django(large_url)
    large = the_large_plan(large_url)
    demo = load_the_demo(demo_db)
    database = database_description()
    close_connections()

    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    redis.Redis.from_url(args.broker_url).flushdb()

    with tempfile.TemporaryDirectory(prefix="safer-lewisham-floor-") as folder:
        folder = Path(folder)
        static = folder / "static"
        collect_static(server_environment(demo_db, static))
        environments = {}
        for where, url, cache_on in (
            (KEPT, demo_db, True),
            (DRAWN, demo_db, False),
            ("large-" + KEPT, large_url, True),
            ("large-" + DRAWN, large_url, False),
        ):
            env = server_environment(url, static)
            env["REDIS_URL"] = args.redis_url
            env["PAGE_CACHE"] = "true" if cache_on else "false"
            # A queue, as in production, so that a large plan's pack is asked for and left to
            # a worker (none runs here: the job's own time is measured above).
            env["CELERY_BROKER_URL"] = args.broker_url
            environments[where] = env
        with serving(
            environments, folder, logged_errors="The {where} server logged errors:"
        ) as servers:
            clients = {}
            for where, server in servers.items():
                base = f"http://127.0.0.1:{int(server.args[-1])}"
                people = (
                    [("chair", large["chair"], large["prefix"])]
                    if where.startswith("large")
                    else [
                        ("chair", "chair", demo["prefix"]),
                        ("officer", "officer", demo["prefix"]),
                    ]
                )
                for who, username, prefix in people:
                    client = Client(base)
                    client.sign_in(username, BENCH_PASSWORD, prefix)
                    clients[where, who] = client
            demo_list, large_list = demo_targets(demo), large_targets(large)
            before = load_average()
            say(f"Timing {len(demo_list) + len(large_list)} pages…")
            measure(clients, demo_list + large_list, args.requests, args.warmup)
            after = load_average()
    for target in demo_list + large_list:
        if target.unavailable:
            raise SystemExit(f"{target.label}: {target.unavailable}")

    table = report(
        demo_list,
        large_list,
        {
            "database": database,
            "warmup": args.warmup,
            "requests": args.requests,
            "before": before,
            "after": after,
            "minutes": (time.monotonic() - started) / 60,
            "demo_actions": demo["actions"],
            "pack_seconds": large["pack_seconds"],
        },
    )
    print(table)
    if args.write_docs:
        write_docs(table, start=DOCS_START, end=DOCS_END)


if __name__ == "__main__":
    main()
