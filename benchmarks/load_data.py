"""Synthetic load data: partnerships, their plans, tens of thousands of actions and progress
updates, for measuring the quarterly page, the exports and the dashboard at scale (see
``python -m benchmarks.generate_load_data``, ``benchmarks/README.md`` and
``docs/performance.md``).

What it makes looks like real plans: fictional partnerships (one, or as many as the 300 or so
Community Safety Partnerships of England and Wales), each with its strategy, its chair and
officers, and its plans in consecutive financial years, most of them active; one to three
priorities of two to four strands; the four usual themes; timeframes as officers write them
("Sept 17 March 18", "Review quarterly"), adjusted to each plan's year; agencies, officers who
lead some actions, partner agencies, a few lettered sub-items; and quarterly progress updates
whose RAG ratings drift from quarter to quarter (mostly green, some amber and red, blue once
complete), with short narratives. A fixed seed makes the same data every time.

It is written with ``bulk_create`` in batches, for speed, which skips ``save()`` and signals:

- no audit-trail (django-simple-history) rows are written for it: it is synthetic test data,
  nobody changed it;
- each timeframe's dates are read here with ``parse_timeframe``, as ``Timeframe.save()`` would;
- versions start at 1, as for any new row;
- every database constraint still holds (a reference is unique in its strand, one update per
  action and quarter, unique slugs), and the database checks them.

Everything it makes is named with a prefix (``load`` by default): the partnerships
``load-001``, ``load-002``… ("Safer Northbrook Partnership (load data)"), each with its strategy
``load-strategy``; plans ``load-plan-…``, dealt out to the partnerships, the plans of given sizes
all in the first; one set of agencies ``load-agency-…``, partners of every partnership; the first
partnership's people ``load-officer-N`` and ``load-chair``, the others' ``load-002-officer-N``
and ``load-002-chair``…, all with unusable passwords, each a member of their partnership with
the role of officer or chair (a ``Membership``: Django groups grant nothing).
``clear_load_data(prefix)`` removes exactly those and everything inside the plans, and nothing
else.

It reads and writes across partnerships, so it works with the partnership scoping off
(``partnerships.context.everywhere()``) and says which partnership each strategy and plan
belongs to.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from actions.models import Action, ActionSubItem, CompletionStatus, ProgressUpdate, Timeframe
from actions.timeframes import parse_timeframe
from agencies.models import Agency, Profile
from partnerships.context import everywhere
from partnerships.models import ROLE_GROUPS, Membership, Partnership, Role
from plans.models import AnnualPlan, Driver, KeyQuestion, PlanStatus, Principle, Strategy, Theme
from plans.quarters import QUARTER_NUMBERS, Quarter, financial_year_of
from priorities.models import Priority, Strand

DEFAULT_SEED = 20170401  # fixed, so that two runs make the same data
DEFAULT_PREFIX = "load"
BATCH_SIZE = 2000  # rows per INSERT: well inside PostgreSQL's 65,535 parameters per query

FIRST_YEAR, LAST_YEAR = 2015, 2030  # the financial years the plans cycle through
OFFICERS = 50  # of each partnership
UPDATE_TIMEZONE = ZoneInfo("Europe/London")

PREFIX_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A prefix may not end in "-<digits>": "load-002" is the second partnership of "load", and its
# people are "load-002-chair"...
NUMBERED_PATTERN = re.compile(r"-[0-9]+$")


class LoadDataError(Exception):
    """The sizes asked for cannot be made, or load data with this prefix is already there."""


# What the data is made of -------------------------------------------------------------------

BOROUGHS = [
    "Northbrook", "Eastmere", "Kingsbridge", "Ashford Vale", "Hollowmere", "Westcombe",
    "Riverside", "Thornbury Hill", "Millbank Cross", "Saltmarsh", "Ravensford", "Oakhampton",
]  # fmt: skip
# More fictional boroughs, for many partnerships: each head with each tail.
BOROUGH_HEADS = [
    "Alder", "Bram", "Cold", "Dun", "Elm", "Fern", "Gold", "Hazel", "Ivy", "Lark", "Marl",
    "Nettle", "Orch", "Pike", "Quarry", "Rush", "Sedge", "Tarn", "Umber", "Wren", "Yew",
    "Bark", "Cress", "Hawk", "Sorrel",
]  # fmt: skip
BOROUGH_TAILS = [
    "brook", "mere", "bridge", "ford", "combe", "bury", "stead", "wick", "field", "wood",
    "ley", "stow", "worth", "gate",
]  # fmt: skip

# (slug part, full name, short name, kind): the partners of a Community Safety Partnership.
AGENCIES = [
    ("council", "Borough Council", "Council", Agency.Kind.COUNCIL),
    ("police", "Metropolitan Police Service", "Met Police", Agency.Kind.POLICE),
    ("probation", "National Probation Service", "NPS", Agency.Kind.PROBATION),
    ("crc", "Community Rehabilitation Company", "CRC", Agency.Kind.PROBATION),
    ("yos", "Youth Offending Service", "YOS", Agency.Kind.YOUTH_OFFENDING),
    ("ccg", "Clinical Commissioning Group", "CCG", Agency.Kind.HEALTH),
    ("nhs-trust", "Hospitals NHS Trust", "NHS Trust", Agency.Kind.HEALTH),
    ("fire", "Fire Brigade", "Fire Brigade", Agency.Kind.FIRE),
    ("victim-support", "Victim Support", "Victim Support", Agency.Kind.VOLUNTARY),
    ("vawg-service", "Women's Aid VAWG service", "Women's Aid", Agency.Kind.VOLUNTARY),
    ("lscb", "Safeguarding Children Board", "LSCB", Agency.Kind.OTHER),
    ("lsab", "Safeguarding Adults Board", "LSAB", Agency.Kind.OTHER),
    ("mopac", "Mayor's Office for Policing and Crime", "MOPAC", Agency.Kind.OTHER),
    ("homes", "Borough Homes", "Homes", Agency.Kind.HOUSING),
    ("schools", "Borough schools", "Schools", Agency.Kind.EDUCATION),
]
# How often each agency leads an action: the council and the police lead most.
AGENCY_LEAD_WEIGHTS = [30, 25, 6, 4, 8, 5, 3, 3, 4, 4, 2, 2, 1, 2, 3]

FIRST_NAMES = [
    "Amelia", "Oliver", "Priya", "James", "Grace", "Mohammed", "Chloe", "Daniel", "Aisha",
    "Thomas", "Sophie", "Kwame", "Hannah", "Rhys", "Fatima", "George", "Eleanor", "Tunde",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Patel", "Jones", "Okafor", "Williams", "Brown", "Khan", "Taylor", "Davies",
    "Evans", "Mensah", "Wilson", "Thompson", "Ahmed", "Roberts", "Walker", "Clarke", "Hughes",
]  # fmt: skip
JOB_TITLES = [
    "Community Safety Officer", "Detective Inspector", "VAWG Coordinator",
    "Youth Justice Manager", "Prevent Coordinator", "Anti-social Behaviour Officer",
    "Senior Probation Officer", "Public Health Commissioner", "Safeguarding Lead",
]  # fmt: skip

THEMES = [
    ("awareness-raising", "Awareness raising"),
    ("prevention", "Prevention"),
    ("action-intervention-enforcement", "Action / intervention / enforcement"),
    ("analytical-review", "Analytical review"),
]
THEME_WEIGHTS = [2, 3, 4, 1.5]
PRINCIPLES = [
    "Inequalities / disproportionality",
    "Victim-centred approach",
    "Trust and confidence",
]

PRIORITIES = {
    "Violence": [
        "Violence against women and girls",
        "Peer on peer abuse / serious violence",
        "All other forms of violence",
        "Knife crime",
    ],
    "Exploitation": [
        "County lines",
        "Child sexual exploitation",
        "Modern slavery and human trafficking",
        "Cuckooing of vulnerable adults",
    ],
    "Reducing reoffending": [
        "Integrated Offender Management",
        "Youth justice",
        "Accommodation and employment on release",
        "Substance misuse treatment",
    ],
    "Neighbourhood crime": [
        "Burglary",
        "Vehicle crime",
        "Anti-social behaviour",
        "Robbery and theft from the person",
    ],
    "Hate crime and community cohesion": [
        "Hate crime reporting",
        "Counter extremism (Prevent)",
        "Community tensions",
        "Faith and community partnerships",
    ],
    "Vulnerability and safeguarding": [
        "Online harm",
        "Fraud and scams against older people",
        "Mental health and policing",
        "Missing children",
    ],
}

# Timeframes as officers write them ({y0}: the plan's first year, "17"; {y1}: its second, "18"),
# with how often each turns up. The last one cannot be read: an administrator sets its dates.
TIMEFRAMES = [
    ("March {y1}", 12),
    ("Sept {y0}", 5),
    ("Begin July {y0}", 3),
    ("July {y0} / monthly", 2),
    ("Sept {y0} March {y1}", 4),
    ("June {y0} – ongoing", 3),
    ("July {y0} – ongoing", 2),
    ("Review quarterly", 6),
    ("Immediate – review quarterly", 3),
    ("Review 6 monthly", 3),
    ("6 month review", 2),
    ("As required", 2),
    ("Ongoing throughout the life of the Plan", 4),
    ("Quarterly review YJMB/SLP", 1),
    ("Review IOM – set up Board – weekly operational tasking", 1),
    ("Dec {y0}", 3),
    ("June {y0}", 2),
    ("Begin June {y0}", 1),
    ("Oct {y0} – Feb {y1}", 1),
    ("End of January {y1}", 1),
    ("To be agreed with the strategy group", 0.3),
]

ACTION_TEXTS = [
    "Borough wide campaign – “The Violence STOPS here” - communications strategy for "
    "professionals and residents",
    "Creation of a comprehensive services directory",
    "Establishing third party reporting sites at places like pubs and bars, where appropriate.",
    "Everyone taking an active stance of zero tolerance within organisations.",
    "Increased referrals to all agencies against the strands of this priority.",
    "Review of perpetrator programmes available and suitability for the borough",
    "Targeted action on prolific offenders in these categories (Integrated Offender Management)",
    "Universal schools safety programme commissioned to include a focus on healthy relationships",
    "Use of social media and bespoke communication to raise awareness of the risks and target "
    "at risk groups",
    "Continued use of the Serious Youth Violence Prevention Panel to have a multi-agency "
    "management of identified cases",
    "Develop the local assessment profile on on-line dangers and associated crime",
    "Deep dive of repeat victims linked to the Local Assessment profile",
    "Drivers of violence will be identified and appropriate action taken i.e. alcohol",
    "Conversation with leaders of all faiths and religious institutions.",
    "Continued use of smart water in targeted areas",
    "Broadening the remit of the burglary target hardening initiative, to focus more on those "
    "deemed most vulnerable.",
    "Open Day / Evening with the community – promoting safety measures and local services",
    "Delivery against the Youth Justice Inspection Improvement Plan",
    "Imbed contextual risk understanding across all agencies and ensure assessments include "
    "this aspect",
    "A whole borough active stance on a zero tolerance approach to drug dealing in the community.",
]
VERBS = ["Deliver", "Commission", "Review", "Develop", "Extend", "Evaluate", "Pilot", "Map"]
THINGS = [
    "training for frontline practitioners",
    "a multi-agency problem solving panel",
    "the referral pathway into specialist services",
    "targeted patrols in identified hotspots",
    "an awareness campaign in schools and colleges",
    "data sharing between partner agencies",
    "support for repeat victims",
    "diversionary activities over the school holidays",
    "the local assessment profile",
    "outreach in the night-time economy",
]
GROUPS = [
    "young people at risk",
    "residents of the estates most affected",
    "victims and their families",
    "older and vulnerable residents",
    "businesses in the town centre",
    "parents and carers",
]
SUB_ITEMS = [
    "Domestic Violence Protection Orders",
    "Domestic Violence Disclosure Scheme (Clare’s Law)",
    "Forced Marriage Protection Orders.",
    "FGM Protection Orders",
    "Stalking Protection Orders",
    "Modern Slavery Orders",
]
COMPLETION_NOTES = [
    "within YOS and CER",
    "pilot sites only",
    "phase one",
    "in the north of the borough",
]

BOARDS = ["Safer Partnership Board", "strategy group", "YJMB", "VAWG Strategy Group", "IOM Board"]
NARRATIVES = {
    "green": [
        "Delivered as planned this quarter; {n} sessions held with {group}.",
        "On track: working group met in {month} and the next steps were agreed.",
        "Progress as planned. Referrals up on the last quarter; reported to the {board}.",
        "Activity under way across partners; feedback from {group} has been positive.",
    ],
    "amber": [
        "Delayed by staffing changes; a revised timetable goes to the {board} in {month}.",
        "At risk: funding for the second phase not yet confirmed.",
        "Slower take-up among {group} than planned; outreach being stepped up.",
        "Data sharing agreement still awaited from one partner, which holds up the analysis.",
    ],
    "red": [
        "Off track: the commissioned provider withdrew in {month}. Escalated to the {board}.",
        "Not started: no lead identified yet. For discussion at the {board}.",
        "Paused while the service is re-tendered; no activity this quarter.",
    ],
    "blue": [
        "Completed in {month}; evaluation circulated to partners.",
        "Complete. Final report presented to the {board} in {month}.",
        "Delivered in full; now part of business as usual.",
    ],
}

# How a RAG rating moves from one quarter to the next: mostly green, some amber and red, and
# blue (complete) for good once reached.
FIRST_RAG = {"green": 66, "amber": 20, "red": 8, "blue": 6}
NEXT_RAG = {
    "green": {"green": 74, "amber": 10, "red": 3, "blue": 13},
    "amber": {"green": 35, "amber": 40, "red": 14, "blue": 11},
    "red": {"green": 15, "amber": 35, "red": 45, "blue": 5},
    "blue": {"blue": 1},
}
# Plans' statuses: most in delivery.
STATUS_WEIGHTS = {
    PlanStatus.ACTIVE: 80,
    PlanStatus.SIGNED_OFF: 6,
    PlanStatus.CLOSED: 8,
    PlanStatus.CONSULTATION: 3,
    PlanStatus.DRAFT: 3,
}


# Sizes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadSizes:
    """How much to make. ``actions`` and ``updates`` are totals across every plan; one plan has
    ``big_plan_actions`` actions (none if 0) and one plan each has exactly the ``also_sizes``; the
    other plans share the rest. The plans are dealt out to ``partnerships`` partnerships, each
    with at least one; the plans of given sizes are all in the first."""

    plans: int = 100
    actions: int = 50_000
    updates: int = 200_000
    big_plan_actions: int = 2_000
    also_sizes: tuple[int, ...] = ()
    partnerships: int = 1

    @property
    def exact_sizes(self) -> list[int]:
        return ([self.big_plan_actions] if self.big_plan_actions else []) + list(self.also_sizes)

    def check(self):
        """Raise LoadDataError saying why these sizes cannot be made."""
        if self.plans < 1 or self.actions < 0 or self.updates < 0:
            raise LoadDataError("Ask for at least one plan, and no negative numbers.")
        if self.partnerships < 1:
            raise LoadDataError("Ask for at least one partnership.")
        if self.big_plan_actions < 0 or any(size < 1 for size in self.also_sizes):
            raise LoadDataError("Each plan of a given size needs at least one action.")
        exact = self.exact_sizes
        if len(exact) > self.plans:
            raise LoadDataError(
                f"{len(exact)} plans of given sizes do not fit in {self.plans} plans."
            )
        others = self.plans - len(exact)
        needed = self.partnerships - (1 if exact else 0)
        if others < needed:
            raise LoadDataError(
                f"{self.partnerships} partnerships need at least {needed + len(exact)} plans, one "
                f"each (the first has the {len(exact)} plans of given sizes): ask for more plans "
                "or fewer partnerships."
            )
        rest = self.actions - sum(exact)
        if rest < others:
            raise LoadDataError(
                f"{self.actions} actions are not enough: the plans of given sizes take "
                f"{sum(exact)}, and the other {others} plans need at least one each."
            )
        if others == 0 and rest > 0:
            raise LoadDataError(
                f"{rest} actions are left over with no plan to hold them: ask for more plans or "
                "fewer actions."
            )
        if self.updates > self.actions * len(QUARTER_NUMBERS):
            raise LoadDataError(
                f"{self.updates} progress updates do not fit: an action has at most one per "
                f"quarter, so {self.actions} actions take at most {self.actions * 4}."
            )


@dataclass
class LoadSummary:
    """What was made, for the console and the benchmarks."""

    counts: dict[str, int] = field(default_factory=dict)
    sized_plans: list[tuple[str, int]] = field(default_factory=list)  # (slug, actions)
    chair_username: str = ""  # the first partnership's chair
    partnerships: list[str] = field(default_factory=list)  # their slugs, the first first
    seconds: float = 0.0

    @property
    def first_partnership(self) -> str:
        """The slug of the partnership that holds the plans of given sizes."""
        return self.partnerships[0]


# The prefix's names -------------------------------------------------------------------------


def check_prefix(prefix: str):
    if not PREFIX_PATTERN.match(prefix) or len(prefix) > 30:
        raise LoadDataError(
            "The prefix must be lower-case letters, digits and single hyphens (at most 30), e.g. "
            "“load”."
        )
    if NUMBERED_PATTERN.search(prefix):
        raise LoadDataError(
            f"The prefix may not end in a hyphen and a number: “{prefix}” reads as a partnership "
            "of another prefix's load data. Try e.g. “load2”."
        )


def plan_slug_prefix(prefix: str) -> str:
    return f"{prefix}-plan-"


def sized_plan_slug(prefix: str, size: int) -> str:
    """The slug of the plan of exactly ``size`` actions (the benchmarks look it up); it is a plan
    of the first partnership, ``partnership_slug(prefix, 1)``."""
    return f"{prefix}-plan-{size}-actions"


def partnership_slug(prefix: str, number: int = 1) -> str:
    """The slug of the ``number``-th partnership (from 1): "load-001"."""
    return f"{prefix}-{number:03d}"


def people_prefix(prefix: str, number: int = 1) -> str:
    """What the people of the ``number``-th partnership are named with: the first's "load"
    ("load-chair", "load-officer-1", as before there were several), the others' their
    partnership's slug ("load-002-chair")."""
    return prefix if number == 1 else partnership_slug(prefix, number)


def chair_username(prefix: str, number: int = 1) -> str:
    return f"{people_prefix(prefix, number)}-chair"


def officer_username(prefix: str, number: int, n: int) -> str:
    return f"{people_prefix(prefix, number)}-officer-{n}"


def strategy_slug(prefix: str) -> str:
    """Each generated partnership's strategy's slug (unique within its partnership)."""
    return f"{prefix}-strategy"


def agency_slugs(prefix: str) -> list[str]:
    return [f"{prefix}-agency-{slug}" for slug, *_ in AGENCIES]


def _borough_names() -> list[str]:
    names, seen = [], set()
    for name in BOROUGHS + [head + tail for head in BOROUGH_HEADS for tail in BOROUGH_TAILS]:
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


BOROUGH_NAMES = _borough_names()


def borough_name(number: int) -> str:
    """The fictional borough of the ``number``-th partnership (from 1): the same whatever the
    seed, and different for each partnership."""
    names = BOROUGH_NAMES
    round_, index = divmod(number - 1, len(names))
    return names[index] + (f" {round_ + 1}" if round_ else "")


# The queries below read across partnerships: run them with the scoping off
# (``partnerships.context.everywhere()``), as ``clear_load_data`` and ``generate_load_data`` do.


def generated_partnerships(prefix: str):
    return Partnership.objects.filter(slug__regex=rf"^{prefix}-[0-9]{{3,}}$")


def generated_plans(prefix: str):
    """The plans of the prefix's partnerships, and any it made before there were partnerships
    (named with the prefix, in its strategy)."""
    return AnnualPlan.objects.filter(
        Q(partnership__in=generated_partnerships(prefix))
        | Q(slug__startswith=plan_slug_prefix(prefix), strategy__slug=strategy_slug(prefix))
    )


def generated_strategies(prefix: str):
    return Strategy.objects.filter(
        Q(partnership__in=generated_partnerships(prefix)) | Q(slug=strategy_slug(prefix))
    )


def generated_users(prefix: str):
    """load-chair, load-officer-N, load-002-chair, load-002-officer-N..."""
    return get_user_model().objects.filter(
        username__regex=rf"^{prefix}(-[0-9]{{3,}})?-(chair|officer-[0-9]+)$"
    )


def generated_agencies(prefix: str):
    # The base manager: the default one, picking agencies through their partnerships, misses an
    # agency that is a partner of none even with the scoping off (as during a clear).
    return Agency._base_manager.filter(slug__in=agency_slugs(prefix))


def load_data_exists(prefix: str) -> bool:
    with everywhere():
        return (
            generated_partnerships(prefix).exists()
            or generated_plans(prefix).exists()
            or generated_users(prefix).exists()
            or generated_agencies(prefix).exists()
            or generated_strategies(prefix).exists()
        )


# Clearing ---------------------------------------------------------------------------------------


def _delete_rows(queryset) -> int:
    """Delete the rows in one DELETE statement, without loading them or sending signals (so no
    audit-trail rows are written for synthetic data going away). This is Django's own fast path,
    which ``QuerySet.delete()`` takes for models without signals; the database still refuses if
    a row outside the load data refers to one of them."""
    return queryset._raw_delete(queryset.db)


@transaction.atomic
def clear_load_data(prefix: str) -> dict[str, int]:
    """Delete what ``generate_load_data`` made with this prefix: its partnerships, their
    strategies and plans and everything in them, its agencies, its people and their
    memberships. Returns the number of rows deleted per kind."""
    check_prefix(prefix)
    with everywhere():
        return _clear(prefix)


def _clear(prefix: str) -> dict[str, int]:
    # Subqueries rather than lists of ids: a list of 15,000 people (300 partnerships') would
    # come near SQLite's limit on a query's parameters.
    partnerships = generated_partnerships(prefix)
    plans = generated_plans(prefix)
    in_plans = {"strand__priority__plan__in": plans}
    deleted = {
        "partner links": _delete_rows(
            Action.partner_agencies.through.objects.filter(action__strand__priority__plan__in=plans)
        ),
        "sub-items": _delete_rows(
            ActionSubItem.objects.filter(action__strand__priority__plan__in=plans)
        ),
        "progress updates": _delete_rows(
            ProgressUpdate.objects.filter(action__strand__priority__plan__in=plans)
        ),
        "actions": _delete_rows(Action.objects.filter(**in_plans)),
        "timeframes": _delete_rows(Timeframe.objects.filter(plan__in=plans)),
        "strands": _delete_rows(Strand.objects.filter(priority__plan__in=plans)),
        "priorities": _delete_rows(Priority.objects.filter(plan__in=plans)),
        "themes": _delete_rows(Theme.objects.filter(plan__in=plans)),
    }
    for model in (Principle, KeyQuestion, Driver):
        _delete_rows(model.objects.filter(plan__in=plans))
    # The plans themselves through the ORM, so that anything other apps attach to a plan (a
    # closed quarter's snapshot) goes with it as their models say. This records the plans'
    # deletion in their audit trail: a row each, which is cheap and true.
    deleted["plans"] = plans.delete()[1].get(AnnualPlan._meta.label, 0)
    _delete_rows(generated_strategies(prefix))
    users = generated_users(prefix)
    # The base manager, as for the agencies: the default one misses the profile of a person
    # who is a member of no partnership.
    _delete_rows(Profile._base_manager.filter(user__in=users))
    deleted["memberships"] = _delete_rows(
        Membership.objects.filter(Q(partnership__in=partnerships) | Q(user__in=users))
    )
    # Also through the ORM: a real action someone gave a load officer to lead loses its lead
    # officer (SET_NULL) rather than blocking the clear.
    deleted["users"] = users.delete()[1].get(get_user_model()._meta.label, 0)
    agencies = generated_agencies(prefix)
    _delete_rows(
        Agency.partnerships.through.objects.filter(
            Q(agency__in=agencies) | Q(partnership__in=partnerships)
        )
    )
    deleted["agencies"] = _delete_rows(agencies)
    # The partnerships through the ORM too: an oversight body that was given one to cover
    # loses it, and their deletion is in their audit trail.
    deleted["partnerships"] = partnerships.delete()[1].get(Partnership._meta.label, 0)
    return deleted


# Generating -------------------------------------------------------------------------------------


def split_exactly(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Share ``total`` out in proportion to ``weights``, each part at least ``minimum``, the parts
    adding up to exactly ``total`` (largest remainders get the odd ones)."""
    count = len(weights)
    if count == 0 and total == 0:
        return []
    spare = total - minimum * count
    if count == 0 or spare < 0:
        raise LoadDataError(f"Cannot share {total} between {count} with {minimum} each.")
    scale = spare / sum(weights)
    shares = [w * scale for w in weights]
    parts = [int(share) for share in shares]
    by_remainder = sorted(range(count), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in by_remainder[: spare - sum(parts)]:
        parts[i] += 1
    return [part + minimum for part in parts]


def plans_per_partnership(plans: int, partnerships: int, *, first_has_sized: bool) -> list[int]:
    """How many of the ordinary ``plans`` each partnership gets: as evenly as they go, the odd
    ones to the first partnerships, except that the first, which already has the plans of given
    sizes (``first_has_sized``), gets its odd one last (so that every partnership has a plan
    whenever there are enough)."""
    base, extra = divmod(plans, partnerships)
    counts = [base] * partnerships
    order = [*range(1, partnerships), 0] if first_has_sized else list(range(partnerships))
    for index in order[:extra]:
        counts[index] += 1
    return counts


def updates_per_action(actions: int, updates: int, rng: random.Random) -> list[int]:
    """How many quarters (from Q1 on) each action has an update for, 0–4, adding up to exactly
    ``updates``: evenly, then shuffled about so that plans see a mix."""
    if actions == 0:
        return []
    base, extra = divmod(updates, actions)
    counts = [base + 1] * extra + [base] * (actions - extra)
    rng.shuffle(counts)
    top = len(QUARTER_NUMBERS)
    for _ in range(actions):
        i, j = rng.randrange(actions), rng.randrange(actions)
        if i != j and counts[i] < top and counts[j] > 0:
            counts[i] += 1
            counts[j] -= 1
    return counts


def weighted(rng: random.Random, table: dict):
    return rng.choices(list(table), weights=list(table.values()))[0]


def batched_create(model, rows: list, batch_size: int = BATCH_SIZE) -> list:
    """bulk_create in batches; the rows come back with their primary keys."""
    for start in range(0, len(rows), batch_size):
        model.objects.bulk_create(rows[start : start + batch_size])
    return rows


@dataclass
class _PlanSpec:
    slug: str
    title: str
    financial_year: int
    status: str
    actions: int
    partnership: int  # its index in the partnerships (0: the first)
    sized: bool = False


class LoadDataGenerator:
    """Builds the rows in memory, deterministically from the seed, and inserts them in batches.
    Run it with the partnership scoping off (``everywhere()``): it writes to many partnerships
    and says which each row belongs to."""

    def __init__(self, sizes: LoadSizes, *, seed: int, prefix: str, on: date | None = None):
        self.sizes = sizes
        # Reproducible test data, not secrets: a seeded generator is what is wanted.
        self.rng = random.Random(seed)  # noqa: S311 (seeded test data, not secrets)
        self.prefix = prefix
        self.today = on or timezone.localdate()
        self.statuses = {status.slug: status for status in CompletionStatus.objects.all()}
        missing = {"not-started", "in-progress", "complete"} - set(self.statuses)
        if missing:
            raise LoadDataError(
                f"The completion statuses {', '.join(sorted(missing))} are missing: migrate the "
                "database first."
            )
        groups = {ROLE_GROUPS[Role.CHAIR], ROLE_GROUPS[Role.OFFICER]}
        if Group.objects.filter(name__in=groups).count() < len(groups):
            # The roles' permissions are those groups': without them the people could do nothing.
            raise LoadDataError("The role groups are missing: migrate the database first.")

    # The plans' shape ---------------------------------------------------------------------------

    def plan_specs(self) -> list[_PlanSpec]:
        sizes, rng = self.sizes, self.rng
        # The plans of given sizes belong to the year that has just ended: all four quarters are
        # over, so every update they hold is in the past, and they are still active (final
        # updates come in until a plan is closed). They are all the first partnership's.
        last_year = financial_year_of(self.today) - 1
        first_borough = borough_name(1)
        specs = []
        seen = set()
        for n, size in enumerate(sizes.exact_sizes):
            slug = sized_plan_slug(self.prefix, size)
            if slug in seen:
                slug = f"{slug}-{n + 1}"
            seen.add(slug)
            specs.append(
                _PlanSpec(
                    slug=slug,
                    title=f"Safer {first_borough} Plan {_year_label(last_year)} ({size:,} actions)",
                    financial_year=last_year,
                    status=PlanStatus.ACTIVE,
                    actions=size,
                    partnership=0,
                    sized=True,
                )
            )
        others = sizes.plans - len(specs)
        rest = sizes.actions - sum(sizes.exact_sizes)
        counts = split_exactly(rest, [rng.uniform(0.5, 1.5) for _ in range(others)], minimum=1)
        shares = plans_per_partnership(
            others, sizes.partnerships, first_has_sized=bool(sizes.exact_sizes)
        )
        years = LAST_YEAR - FIRST_YEAR + 1
        i = 0
        for index, share in enumerate(shares):
            borough = borough_name(index + 1)
            for k in range(share):
                # Each partnership has a plan a year, in consecutive years (and, if it has more
                # plans than years, another round of them).
                year = FIRST_YEAR + k % years
                round_ = k // years
                specs.append(
                    _PlanSpec(
                        slug=f"{plan_slug_prefix(self.prefix)}{i + 1:03d}",
                        title=f"Safer {borough} Plan {_year_label(year)}"
                        + (f" ({round_ + 1})" if round_ else ""),
                        financial_year=year,
                        status=weighted(rng, STATUS_WEIGHTS),
                        actions=counts[i],
                        partnership=index,
                    )
                )
                i += 1
        return specs

    # Generating ---------------------------------------------------------------------------------

    def run(self) -> LoadSummary:
        prefix = self.prefix
        counts: dict[str, int] = {}

        partnerships = self._partnerships()
        counts["partnerships"] = len(partnerships)
        strategies = batched_create(
            Strategy,
            [
                Strategy(
                    partnership=partnership,
                    slug=strategy_slug(prefix),
                    title=f"Crime and Disorder Strategy ({prefix} data)",
                    start_year=FIRST_YEAR,
                    end_year=LAST_YEAR,
                    statutory_basis="Crime and Disorder Act 1998",
                )
                for partnership in partnerships
            ],
        )

        # One record per organisation, a partner of every partnership (as the Met is of 32).
        agencies = batched_create(
            Agency,
            [
                Agency(
                    slug=f"{prefix}-agency-{slug}",
                    # Names are unique across all agencies: the prefix keeps these apart from
                    # real ones and from another prefix's.
                    name=f"{name} ({prefix} data)",
                    short_name=short,
                    kind=kind,
                )
                for slug, name, short, kind in AGENCIES
            ],
        )
        Partner = Agency.partnerships.through
        batched_create(
            Partner,
            [
                Partner(agency_id=agency.pk, partnership_id=partnership.pk)
                for partnership in partnerships
                for agency in agencies
            ],
        )
        counts["agencies"] = len(agencies)

        officers_of, people, memberships = self._people(partnerships, agencies)
        counts["users"] = people
        counts["memberships"] = memberships

        specs = self.plan_specs()
        plans = batched_create(
            AnnualPlan,
            [
                AnnualPlan(
                    partnership=partnerships[spec.partnership],
                    strategy=strategies[spec.partnership],
                    slug=spec.slug,
                    title=spec.title,
                    financial_year=spec.financial_year,
                    status=spec.status,
                    summary="Synthetic plan for measuring performance at scale.",
                )
                for spec in specs
            ],
        )
        counts["plans"] = len(plans)

        themes_of = {}
        theme_rows, principle_rows = [], []
        for plan in plans:
            themes_of[plan.pk] = [
                Theme(plan=plan, slug=slug, name=name, order=n * 10)
                for n, (slug, name) in enumerate(THEMES, start=1)
            ]
            theme_rows += themes_of[plan.pk]
            principle_rows += [
                Principle(plan=plan, name=name, order=n * 10)
                for n, name in enumerate(PRINCIPLES, start=1)
            ]
        batched_create(Theme, theme_rows)
        batched_create(Principle, principle_rows)

        strands_of = self._priorities_and_strands(plans, specs)
        counts["strands"] = sum(len(strands) for strands in strands_of.values())
        timeframes_of = self._timeframes(plans)
        counts["timeframes"] = sum(len(tfs) for tfs in timeframes_of.values())

        actions = self._actions(
            plans, specs, strands_of, themes_of, timeframes_of, agencies, officers_of
        )
        updates = self._progress(actions, plans, officers_of)
        batched_create(Action, actions)
        counts["actions"] = len(actions)

        partner_links, sub_items = self._partners_and_sub_items(actions, agencies)
        counts["partner links"] = partner_links
        counts["sub-items"] = sub_items

        batched_create(ProgressUpdate, updates)
        counts["progress updates"] = len(updates)

        return LoadSummary(
            counts=counts,
            sized_plans=[(spec.slug, spec.actions) for spec in specs if spec.sized],
            chair_username=chair_username(prefix),
            partnerships=[partnership.slug for partnership in partnerships],
        )

    def _partnerships(self) -> list[Partnership]:
        """The fictional partnerships, "Safer Northbrook Partnership (load data)"…, marked as
        synthetic in their names."""
        prefix = self.prefix
        rows = []
        for number in range(1, self.sizes.partnerships + 1):
            borough = borough_name(number)
            slug = partnership_slug(prefix, number)
            rows.append(
                Partnership(
                    slug=slug,
                    name=f"Safer {borough} Partnership ({prefix} data)",
                    short_name=f"Safer {borough} (synthetic)",
                    area=f"{borough}, a fictional borough (synthetic load data)",
                    contact_email=f"{slug}@example.org",
                )
            )
        return batched_create(Partnership, rows)

    def _people(self, partnerships, agencies):
        """Each partnership's officers (OFFICERS of them, spread over the agencies) and chair,
        all with unusable passwords, each a member of their partnership with the role of
        officer or chair. Returns, for each partnership's id, its officers by agency id; and
        how many people and memberships were made."""
        rng, prefix = self.rng, self.prefix
        User = get_user_model()
        unusable = make_password(None)
        users, profiles, memberships = [], [], []
        officers_of = {}
        for number, partnership in enumerate(partnerships, start=1):
            who = people_prefix(prefix, number)
            officers = [
                User(
                    username=officer_username(prefix, number, n),
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    email=f"{officer_username(prefix, number, n)}@example.org",
                    password=unusable,
                )
                for n in range(1, OFFICERS + 1)
            ]
            chair = User(
                username=chair_username(prefix, number),
                first_name="Chair",
                last_name=f"({who} data)",
                email=f"{who}-chair@example.org",
                password=unusable,
            )
            agency_of = [agencies[n % len(agencies)] for n in range(len(officers))]
            profiles += [
                Profile(user=user, agency=agency, job_title=rng.choice(JOB_TITLES))
                for user, agency in zip(officers, agency_of, strict=True)
            ] + [Profile(user=chair, agency=agencies[0], job_title="Chair of the partnership")]
            memberships += [
                Membership(user=user, partnership=partnership, role=Role.OFFICER)
                for user in officers
            ] + [Membership(user=chair, partnership=partnership, role=Role.CHAIR)]
            users += [*officers, chair]
            by_agency = {agency.pk: [] for agency in agencies}
            for user, agency in zip(officers, agency_of, strict=True):
                by_agency[agency.pk].append(user)
            officers_of[partnership.pk] = by_agency
        batched_create(User, users)
        # Made with their users unsaved: bulk_create takes the users' ids, now they have them.
        batched_create(Profile, profiles)
        batched_create(Membership, memberships)
        return officers_of, len(users), len(memberships)

    def _priorities_and_strands(self, plans, specs):
        rng = self.rng
        layout = {}  # plan pk -> [(priority title, [strand titles])]
        priority_rows = []
        for plan, spec in zip(plans, specs, strict=True):
            big = spec.actions >= 1000
            titles = rng.sample(list(PRIORITIES), 3 if big else rng.randint(1, 3))
            shape = []
            for title in titles:
                strands = rng.sample(PRIORITIES[title], 4 if big else rng.randint(2, 4))
                shape.append((title, strands))
            # A plan of very few actions has no more strands than actions.
            while sum(len(strands) for _, strands in shape) > max(spec.actions, 1):
                if len(shape[-1][1]) > 1:
                    shape[-1][1].pop()
                else:
                    shape.pop()
            layout[plan.pk] = shape
            priority_rows += [
                Priority(
                    plan=plan,
                    title=title,
                    slug=slugify(title),
                    order=n * 10,
                    description=f"Where the partnership focuses on {title.lower()} this year.",
                )
                for n, (title, _) in enumerate(shape, start=1)
            ]
        batched_create(Priority, priority_rows)
        strand_rows = []
        strands_of = {}
        priorities = iter(priority_rows)
        for plan in plans:
            strands_of[plan.pk] = []
            for _, titles in layout[plan.pk]:
                priority = next(priorities)
                for n, title in enumerate(titles, start=1):
                    strand = Strand(
                        priority=priority,
                        title=title,
                        slug=slugify(title),
                        order=n * 10,
                        scope=f"Everything the partnership does about {title.lower()}, with "
                        "victims and communities at its centre.",
                    )
                    strands_of[plan.pk].append(strand)
                    strand_rows.append(strand)
        batched_create(Strand, strand_rows)
        return strands_of

    def _timeframes(self, plans):
        """Each plan's wordings (a dozen or so of the real ones, in its own years), with their
        dates read as Timeframe.save() would."""
        rng = self.rng
        rows, timeframes_of = [], {}
        for plan in plans:
            wordings = _sample_weighted(rng, TIMEFRAMES, rng.randint(10, 16))
            timeframes_of[plan.pk] = []
            y0 = f"{plan.financial_year % 100:02d}"
            y1 = f"{(plan.financial_year + 1) % 100:02d}"
            for template, weight in wordings:
                wording = template.format(y0=y0, y1=y1)
                parsed = parse_timeframe(wording, plan.financial_year)
                timeframe = Timeframe(
                    plan=plan,
                    wording=wording,
                    start_date=parsed.start_date,
                    due_date=parsed.due_date,
                    cadence=parsed.cadence.value,
                    understood=parsed.understood,
                    explanation=parsed.explanation[:300],
                )
                timeframes_of[plan.pk].append((timeframe, weight))
                rows.append(timeframe)
        batched_create(Timeframe, rows)
        return timeframes_of

    def _actions(self, plans, specs, strands_of, themes_of, timeframes_of, agencies, officers_of):
        rng = self.rng
        not_started = self.statuses["not-started"]
        rows = []
        for plan, spec in zip(plans, specs, strict=True):
            strands = strands_of[plan.pk]
            if not strands:
                continue
            officers_here = officers_of[plan.partnership_id]
            per_strand = split_exactly(
                spec.actions, [rng.uniform(0.6, 1.4) for _ in strands], minimum=1
            )
            themes = themes_of[plan.pk]
            timeframes = [tf for tf, _ in timeframes_of[plan.pk]]
            timeframe_weights = [weight for _, weight in timeframes_of[plan.pk]]
            for number, (strand, count) in enumerate(zip(strands, per_strand, strict=True), 1):
                # Actions are listed theme by theme, as the plans' tables are.
                chosen = sorted(rng.choices(range(len(themes)), weights=THEME_WEIGHTS, k=count))
                for position, theme_index in enumerate(chosen, start=1):
                    lead = (
                        rng.choices(agencies, weights=AGENCY_LEAD_WEIGHTS)[0]
                        if rng.random() < 0.95
                        else None
                    )
                    officer = None
                    if lead and officers_here[lead.pk] and rng.random() < 0.35:
                        officer = rng.choice(officers_here[lead.pk])
                    rows.append(
                        Action(
                            strand=strand,
                            theme=themes[theme_index],
                            reference=f"{number}.{position}",
                            text=self._action_text(),
                            order=position,
                            lead_agency=lead,
                            lead_officer=officer,
                            timeframe=(
                                rng.choices(timeframes, weights=timeframe_weights)[0]
                                if rng.random() < 0.97
                                else None
                            ),
                            # Set for every action (the field's default would query the
                            # database once per row); _progress then says where each stands.
                            completion_status=not_started,
                        )
                    )
        return rows

    def _action_text(self) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            return rng.choice(ACTION_TEXTS)
        return f"{rng.choice(VERBS)} {rng.choice(THINGS)} for {rng.choice(GROUPS)}."

    def _partners_and_sub_items(self, actions, agencies):
        rng = self.rng
        Link = Action.partner_agencies.through
        links, sub_items = [], []
        for action in actions:
            others = [agency for agency in agencies if agency.pk != action.lead_agency_id]
            for agency in rng.sample(others, rng.choice((0, 1, 1, 2, 2, 3, 4))):
                links.append(Link(action_id=action.pk, agency_id=agency.pk))
            if rng.random() < 0.02:
                for n, text in enumerate(SUB_ITEMS[: rng.randint(3, len(SUB_ITEMS))]):
                    label = "abcdef"[n]
                    sub_items.append(
                        ActionSubItem(action=action, label=label, text=text, order=n * 10)
                    )
        batched_create(Link, links)
        batched_create(ActionSubItem, sub_items)
        return len(links), len(sub_items)

    def _progress(self, actions, plans, officers_of) -> list:
        """Each action's updates for Q1 onwards (unsaved), its RAG drifting quarter by quarter;
        the action's completion follows its latest update, as recording progress does. Decided
        before the actions are inserted, so that they are written once."""
        rng = self.rng
        statuses = self.statuses
        year_of = {plan.pk: plan.financial_year for plan in plans}
        partnership_of = {plan.pk: plan.partnership_id for plan in plans}
        per_action = updates_per_action(len(actions), self.sizes.updates, rng)
        updates = []
        for action, quarters in zip(actions, per_action, strict=True):
            plan_id = action.strand.priority.plan_id
            year = year_of[plan_id]
            rag = None
            completion = statuses["not-started"]
            candidates = officers_of[partnership_of[plan_id]].get(action.lead_agency_id) or []
            for number in QUARTER_NUMBERS[:quarters]:
                rag = weighted(rng, NEXT_RAG[rag] if rag else FIRST_RAG)
                completion = self._completion_for(rag, number)
                quarter = Quarter(year, number)
                updates.append(
                    ProgressUpdate(
                        action=action,
                        quarter=number,
                        completion_status=completion,
                        rag_rating=rag,
                        narrative=self._narrative(rag, quarter),
                        author=action.lead_officer
                        or (rng.choice(candidates) if candidates else None),
                        created_at=_written_on(quarter, rng),
                    )
                )
            if quarters == 0 and rng.random() < 0.3:
                completion = statuses["in-progress"]
            action.completion_status = completion
            if completion.slug == "complete-with-caveats":
                action.completion_note = rng.choice(COMPLETION_NOTES)
        return updates

    def _completion_for(self, rag: str, quarter: int) -> CompletionStatus:
        rng, statuses = self.rng, self.statuses
        if rag == "blue":
            caveats = statuses.get("complete-with-caveats")
            return caveats if caveats and rng.random() < 0.15 else statuses["complete"]
        if rag == "red" and quarter == 1 and rng.random() < 0.5:
            return statuses["not-started"]
        if rag == "amber" and "deferred" in statuses and rng.random() < 0.03:
            return statuses["deferred"]
        return statuses["in-progress"]

    def _narrative(self, rag: str, quarter: Quarter) -> str:
        rng = self.rng
        months = [quarter.start_date.month + n for n in range(3)]
        month = date(2000, (rng.choice(months) - 1) % 12 + 1, 1).strftime("%B")
        return rng.choice(NARRATIVES[rag]).format(
            n=rng.randint(2, 24), group=rng.choice(GROUPS), month=month, board=rng.choice(BOARDS)
        )


def _sample_weighted(rng: random.Random, table: list[tuple[str, float]], k: int):
    """k distinct entries, likelier ones first more often."""
    pool = list(table)
    chosen = []
    for _ in range(min(k, len(pool))):
        entry = rng.choices(pool, weights=[weight for _, weight in pool])[0]
        pool.remove(entry)
        chosen.append(entry)
    return chosen


def _written_on(quarter: Quarter, rng: random.Random) -> datetime:
    """When an update was written: in the run-up to the quarterly meeting, in the quarter's
    last month."""
    last = quarter.end_date
    day = last.replace(day=rng.randint(5, 25))
    return datetime.combine(
        day, clock_time(rng.randint(8, 17), rng.randint(0, 59)), UPDATE_TIMEZONE
    )


def refresh_planner_statistics():
    """ANALYZE the tables just filled. The database's own statistics (autovacuum's) lag behind a
    bulk load, and until they catch up PostgreSQL plans queries as if the tables were nearly
    empty: a page measured then is several times slower than it will be."""
    models = [
        Partnership, Membership, Agency, Agency.partnerships.through, Profile, get_user_model(),
        Strategy, AnnualPlan, Theme, Principle, Priority, Strand, Timeframe, Action,
        Action.partner_agencies.through, ActionSubItem, ProgressUpdate,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _year_label(year: int) -> str:
    return f"{year % 100:02d}-{(year + 1) % 100:02d}"


def generate_load_data(
    sizes: LoadSizes,
    *,
    seed: int = DEFAULT_SEED,
    prefix: str = DEFAULT_PREFIX,
    clear: bool = False,
    on: date | None = None,
) -> LoadSummary:
    """Make the load data in one transaction (after deleting this prefix's previous load data
    with ``clear``). Refuses, changing nothing, if this prefix's data is already there. It works
    across partnerships, with the scoping off, whatever partnership the caller is acting in."""
    check_prefix(prefix)
    sizes.check()
    started = time.perf_counter()
    with transaction.atomic(), everywhere():
        cleared = clear_load_data(prefix) if clear else {}
        if load_data_exists(prefix):
            raise LoadDataError(
                f"Load data with the prefix “{prefix}” is already in the database: add --clear to "
                "replace it, or choose another --prefix."
            )
        summary = LoadDataGenerator(sizes, seed=seed, prefix=prefix, on=on).run()
    refresh_planner_statistics()
    summary.seconds = time.perf_counter() - started
    if cleared.get("plans"):
        summary.counts["cleared plans"] = cleared["plans"]
    return summary
