"""Load the Safer Lewisham demo data, or any file of the same schema, into the database.

The data lives in a YAML file (``demo/demo_data/safer_lewisham.yaml``), never in Python: this
module only knows the schema. Every row is found by its natural key (an agency's slug, a plan's
slug, a strand's slug within its priority, an action's reference within its strand...) and
written with ``upsert``, which saves only what differs, so loading the same file twice changes
nothing (not even the audit trail) and loading an edited file updates the rows it names. Rows the
file no longer mentions are left alone (they may hold an officer's work), except a plan's key
questions and drivers, which have no key but their position: those lists are made to match the
file.

Everything happens in one transaction: a file with a bad reference half-way through leaves the
database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from importlib import import_module
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django_scopes import scopes_disabled

from actions.models import Action, ActionSubItem, CompletionStatus, ProgressUpdate, Timeframe
from agencies import roles
from agencies.models import Agency, Profile
from indicators.models import (
    Direction,
    Frequency,
    Indicator,
    IndicatorDefinition,
    IndicatorTarget,
    IndicatorValue,
    Unit,
)
from partnerships.context import acting_in
from partnerships.models import Membership, OversightBody, Partnership, Role
from plans.models import AnnualPlan, Driver, KeyQuestion, PlanStatus, Principle, Strategy, Theme
from plans.quarters import QUARTER_NUMBERS, Quarter
from priorities.models import Priority, Strand
from twofactor.devices import give_app, must_use_two_factor

# The bundled data file, found from this module so that it works from any checkout.
DEMO_DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_DATA_FILE = DEMO_DATA_DIR / "safer_lewisham.yaml"
# The demo's partnerships, in the order they are loaded, and the installation's shared data.
DEMO_PARTNERSHIP_FILES = [DEMO_DATA_FILE, DEMO_DATA_DIR / "eastmere.yaml"]
DEMO_SHARED_FILE = DEMO_DATA_DIR / "shared.yaml"

# One password for every demo user. It is printed on the console by `make run` and is only ever
# set when DEBUG is on (see DemoLoader), so it guards nothing real.
DEMO_PASSWORD = "safer-lewisham-demo"  # noqa: S105 (demo logins, DEBUG only)
# The demo administrators' authenticator app key (administrators must use two-factor
# authentication): printed by `seed_demo`, as an app takes it, with recovery codes made afresh.
# Hex of "safer-lewisham-demo!", base32 ONQW MZLS FVWG K53J ONUG C3JN MRSW 23ZB.
DEMO_TWO_FACTOR_KEY = "73616665722d6c6577697368616d2d64656d6f21"

# The roles a user of the data file may have in its partnership (partnerships.models.Role);
# administrators also get staff status, which Plan administration needs.
ROLES = Role.values
STAFF_ROLES = {Role.ADMINISTRATOR}

# A progress update is dated as if written in the run-up to the quarterly meeting: the 20th of
# the quarter's last month, 10:00 London time.
UPDATE_DAY = 20
UPDATE_TIME = time(10, 0)
UPDATE_TIMEZONE = ZoneInfo("Europe/London")


class DemoDataError(Exception):
    """The data file cannot be read or names something it does not define."""


@dataclass
class LoadSummary:
    """What a load wrote: counts for the console, and the demo users (empty when skipped)."""

    agencies: int = 0
    strategies: int = 0
    plans: int = 0
    priorities: int = 0
    strands: int = 0
    actions: int = 0
    sub_items: int = 0
    updates: int = 0
    indicators: int = 0
    indicator_values: int = 0
    partnership: object = None
    users: list = field(default_factory=list)  # (user, role, agency), in the file's order
    skipped_usernames: list = field(default_factory=list)


def read_demo_file(path) -> dict:
    """The parsed contents of a data file, or DemoDataError saying why it cannot be used."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml.safe_load(stream)
    except FileNotFoundError:
        raise DemoDataError(f"The data file {path} does not exist.") from None
    except OSError as error:
        raise DemoDataError(f"The data file {path} cannot be read: {error}") from None
    except UnicodeDecodeError as error:
        raise DemoDataError(f"The data file {path} is not UTF-8 text: {error}") from None
    except yaml.YAMLError as error:
        raise DemoDataError(f"The data file {path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise DemoDataError(
            f"The data file {path} should be a mapping with agencies, strategies, users and "
            "plans; it is empty or something else."
        )
    return data


def load_demo_data(data: dict, *, create_users: bool) -> LoadSummary:
    """Write the parsed data file to the database in one transaction.

    With ``create_users`` False (DEBUG off) no user is created or touched, and actions and
    updates that name a user get no lead officer / author.
    """
    with transaction.atomic():
        return DemoLoader(data, create_users=create_users).load()


# Reading the file's fields --------------------------------------------------------------------


def _mapping(item, where: str) -> dict:
    if not isinstance(item, dict):
        raise DemoDataError(f"{where}: expected a mapping of fields, found {item!r}.")
    return item


def _required(item: dict, key: str, where: str):
    """A field the schema requires, or DemoDataError naming it."""
    value = _mapping(item, where).get(key)
    if value is None or value == "":
        raise DemoDataError(f'{where}: "{key}" is missing.')
    return value


def _text(item: dict, key: str) -> str:
    """An optional text field, "" when absent."""
    value = item.get(key)
    return "" if value is None else str(value).strip()


def _list(item: dict, key: str, where: str) -> list:
    """An optional list field, [] when absent."""
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise DemoDataError(f'{where}: "{key}" should be a list, found {value!r}.')
    return value


def _lookup(table: dict, key, what: str, where: str):
    """The row the file refers to by ``key``, or DemoDataError naming the bad value."""
    try:
        return table[key]
    except (KeyError, TypeError):
        known = ", ".join(str(k) for k in table) or "none"
        raise DemoDataError(f'{where}: unknown {what} "{key}" (known: {known}).') from None


def _optional_lookup(table: dict, key, what: str, where: str):
    """Like _lookup, for a reference the schema allows to be left out (None then)."""
    return _lookup(table, key, what, where) if key else None


def _choice(value, choices, what: str, where: str) -> str:
    if value not in choices:
        raise DemoDataError(
            f'{where}: unknown {what} "{value}" (known: {", ".join(map(str, choices))}).'
        )
    return value


def _check_unique(keys_seen: set, key, what: str, where: str):
    """Two entries with the same natural key would silently overwrite each other."""
    if key in keys_seen:
        raise DemoDataError(f'{where}: {what} "{key}" appears twice.')
    keys_seen.add(key)


def _keyed(items: list, key: str, label: str, what: str, where: str):
    """(position from 1, entry, its key) for each entry of one of the file's lists, refusing an
    entry without its ``key`` or with the key of an earlier one. ``label`` names an entry by its
    position ("priority 2"), ``what`` names its key ("priority slug")."""
    seen = set()
    for position, item in enumerate(items, start=1):
        value = _required(item, key, f"{where}, {label} {position}")
        _check_unique(seen, value, what, where)
        yield position, item, value


def _by_quarter(items: list, label: str, where: str):
    """(entry, its quarter, where it is) for each entry of a list keyed by quarter (an action's
    updates, an indicator's values), refusing a quarter that is not 1 to 4 or appears twice."""
    for _, item, quarter in _keyed(items, "quarter", label, "quarter", where):
        item_where = f"{where}, Q{quarter} {label}"
        _choice(quarter, QUARTER_NUMBERS, "quarter", item_where)
        yield item, quarter, item_where


def upsert(model, *, defaults: dict, **lookup):
    """Like ``update_or_create``, but writes only the fields whose values differ, and nothing at
    all when none do: an unchanged row gets no new entry in its history."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        return model._default_manager.create(**lookup, **defaults), True
    changed = [name for name, value in defaults.items() if _current(row, name) != _raw(value)]
    if changed:
        for name in changed:
            setattr(row, name, defaults[name])
        row.save(update_fields=changed)
    return row, False


def _raw(value):
    """A model instance compares by its primary key, the rest by value."""
    return value.pk if hasattr(value, "_meta") else value


def _current(row, name):
    field = row._meta.get_field(name)
    # A foreign key's id, read without fetching the related row.
    return getattr(row, field.attname)


def demo_login(username: str, item: dict, *, staff=False, superuser=False):
    """One demo login, by username, with the demo password."""
    user, _ = upsert(
        get_user_model(),
        username=username,
        defaults={
            "first_name": _text(item, "first_name"),
            "last_name": _text(item, "last_name"),
            "email": _text(item, "email"),
            "is_active": True,
            "is_staff": staff or superuser,
            "is_superuser": superuser,
        },
    )
    # Reset on every run, not only on creation: the command prints the logins, and a printed
    # password that no longer works is worse than undoing a change to a demo account.
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    if must_use_two_factor(user):
        give_app(user, DEMO_TWO_FACTOR_KEY)
    return user


def update_created_at(plan: AnnualPlan, quarter: int) -> datetime:
    """When a demo update for a quarter is dated: the 20th of its last month, 10:00 London."""
    last_day = Quarter(plan.financial_year, quarter).end_date
    return datetime.combine(last_day.replace(day=UPDATE_DAY), UPDATE_TIME, UPDATE_TIMEZONE)


def restore_completion_statuses():
    """Put back the completion statuses a migration seeds if the table is empty, as it is after
    `manage.py flush` or in a test database flushed between transactional tests."""
    if CompletionStatus.objects.exists():
        return
    # The migration's own function, so that the list is kept in one place.
    seed = import_module("actions.migrations.0002_seed_completion_statuses")
    seed.create_statuses(django_apps, None)
    import_module("actions.migrations.0006_not_started").mark_not_started(django_apps, None)


# Writing the rows -----------------------------------------------------------------------------


class DemoLoader:
    """Writes one parsed data file, top to bottom, keeping the lookups its references need."""

    def __init__(self, data: dict, *, create_users: bool):
        self.data = _mapping(data, "The data file")
        self.create_users = create_users
        self.summary = LoadSummary()
        self.agencies: dict[str, Agency] = {}
        self.strategies: dict[str, Strategy] = {}
        # username -> User, or -> None for a user of the file that was not created (DEBUG off).
        self.users: dict = {}
        restore_completion_statuses()
        self.completion_statuses = {s.slug: s for s in CompletionStatus.objects.all()}

    def load(self) -> LoadSummary:
        self.partnership = self.load_partnership(
            _mapping(_required(self.data, "partnership", "The data file"), "partnership")
        )
        self.summary.partnership = self.partnership
        with acting_in(self.partnership):
            return self.load_partnerships_data()

    def load_partnership(self, item: dict) -> Partnership:
        """The partnership the file is the data of, by slug: everything else belongs to it."""
        where = "The partnership"
        partnership, _ = upsert(
            Partnership,
            slug=_required(item, "slug", where),
            defaults={
                "name": _required(item, "name", where),
                "short_name": _text(item, "short_name"),
                "area": _text(item, "area"),
                "contact_email": _text(item, "contact_email"),
            },
        )
        return partnership

    def load_partnerships_data(self) -> LoadSummary:
        where = "The data file"
        agencies = _list(self.data, "agencies", where)
        for _, item, slug in _keyed(agencies, "slug", "agency", "agency slug", where):
            self.load_agency(item, slug)
        strategies = _list(self.data, "strategies", where)
        for _, item, slug in _keyed(strategies, "slug", "strategy", "strategy slug", where):
            self.load_strategy(item, slug)
        self.load_users(_list(self.data, "users", where))
        plans = _list(self.data, "plans", where)
        for _, item, slug in _keyed(plans, "slug", "plan", "plan", where):
            self.load_plan(item, slug)
        return self.summary

    # Partnership-wide: agencies, strategies, people.

    def load_agency(self, item: dict, slug: str):
        """A partner agency, by slug."""
        where = f'Agency "{slug}"'
        kind = _choice(item.get("kind", Agency.Kind.OTHER), Agency.Kind.values, "kind", where)
        # One record per organisation across the installation (the Met serves many
        # partnerships): found among every agency, then made one of this partnership's partners.
        with scopes_disabled():
            agency, _ = upsert(
                Agency,
                slug=slug,
                defaults={
                    "name": _required(item, "name", where),
                    "short_name": _text(item, "short_name"),
                    "kind": kind,
                },
            )
        agency.partnerships.add(self.partnership)
        self.agencies[slug] = agency
        self.summary.agencies += 1

    def load_strategy(self, item: dict, slug: str):
        """A multi-year strategy, by slug."""
        where = f'Strategy "{slug}"'
        self.strategies[slug], _ = upsert(
            Strategy,
            slug=slug,
            defaults={
                "title": _required(item, "title", where),
                "start_year": _required(item, "start_year", where),
                "end_year": _required(item, "end_year", where),
                "statutory_basis": _text(item, "statutory_basis"),
                "description": _text(item, "description"),
            },
        )
        self.summary.strategies += 1

    def load_users(self, items: list):
        """The demo users, their profiles and role groups; only when allowed (DEBUG on).

        The file's usernames are checked either way, so that a typo in an action's lead officer
        is reported whatever the setting.
        """
        checked = []
        for _, item, username in _keyed(items, "username", "user", "username", "The data file"):
            where = f'User "{username}"'
            role = _choice(_required(item, "role", where), ROLES, "role", where)
            agency = _optional_lookup(self.agencies, item.get("agency"), "agency", where)
            self.users[username] = None
            checked.append((username, role, agency, item))
        if not self.create_users:
            self.summary.skipped_usernames = [username for username, *_ in checked]
            return
        roles.ensure_roles()
        for username, role, agency, item in checked:
            user = self.load_user(username, role, item)
            upsert(Membership, user=user, partnership=self.partnership, defaults={"role": role})
            with scopes_disabled():
                upsert(
                    Profile,
                    user=user,
                    defaults={"agency": agency, "job_title": _text(item, "job_title")},
                )
            self.users[username] = user
            self.summary.users.append((user, role, agency, self.partnership))

    def load_user(self, username: str, role: str, item: dict):
        """One demo login, by username."""
        return demo_login(username, item, staff=role in STAFF_ROLES)

    # One annual plan and what it contains.

    def load_plan(self, item: dict, slug: str):
        """An annual plan, by slug, with its lists, themes and priorities."""
        where = f'Plan "{slug}"'
        strategy = _optional_lookup(self.strategies, item.get("strategy"), "strategy", where)
        status = _choice(item.get("status", PlanStatus.DRAFT), PlanStatus.values, "status", where)
        plan, _ = upsert(
            AnnualPlan,
            slug=slug,
            defaults={
                "title": _required(item, "title", where),
                "strategy": strategy,
                "financial_year": _required(item, "financial_year", where),
                "status": status,
                "summary": _text(item, "summary"),
            },
        )
        self.summary.plans += 1
        self.load_principles(plan, _list(item, "principles", where), where)
        self.load_texts(plan.key_questions, KeyQuestion, plan, _list(item, "key_questions", where))
        self.load_texts(plan.drivers, Driver, plan, _list(item, "drivers", where))
        themes = self.load_themes(plan, _list(item, "themes", where), where)
        priorities = _list(item, "priorities", where)
        for position, priority, _ in _keyed(priorities, "slug", "priority", "priority slug", where):
            self.load_priority(plan, themes, priority, position)
        indicators = _list(item, "indicators", where)
        for position, indicator, _ in _keyed(indicators, "name", "indicator", "indicator", where):
            self.load_indicator(plan, indicator, position)

    def load_principles(self, plan: AnnualPlan, items: list, where: str):
        """The plan's cross-cutting principles, by name, in the file's order."""
        for position, item, name in _keyed(items, "name", "principle", "principle", where):
            upsert(
                Principle,
                plan=plan,
                name=name,
                defaults={"order": position, "description": _text(item, "description")},
            )

    def load_texts(self, related, model, plan: AnnualPlan, texts: list):
        """A plan's key questions or drivers: plain texts whose only key is their position, so
        the plan's list is made to match the file's, row for row."""
        existing = list(related.order_by("order", "id"))
        for position, text in enumerate(texts, start=1):
            text = str(text).strip()
            if position <= len(existing):
                row = existing[position - 1]
                if (row.order, row.text) != (position, text):
                    row.order, row.text = position, text
                    row.save(update_fields=["order", "text"])
            else:
                model.objects.create(plan=plan, order=position, text=text)
        for row in existing[len(texts) :]:
            row.delete()

    def load_themes(self, plan: AnnualPlan, items: list, where: str) -> dict[str, Theme]:
        """The plan's themes, by slug, in the file's order; returns them by slug."""
        themes = {}
        for position, item, slug in _keyed(items, "slug", "theme", "theme slug", where):
            themes[slug], _ = upsert(
                Theme,
                plan=plan,
                slug=slug,
                defaults={
                    "name": _required(item, "name", f'{where}, theme "{slug}"'),
                    "order": position,
                },
            )
        return themes

    def load_priority(self, plan: AnnualPlan, themes: dict, item: dict, position: int):
        """A priority of the plan, by slug, with its strands."""
        slug = item["slug"]
        where = f'Plan "{plan.slug}", priority "{slug}"'
        priority, _ = upsert(
            Priority,
            plan=plan,
            slug=slug,
            defaults={
                "title": _required(item, "title", where),
                "description": _text(item, "description"),
                "order": position,
            },
        )
        self.summary.priorities += 1
        strands = _list(item, "strands", where)
        for strand_position, strand, _ in _keyed(strands, "slug", "strand", "strand slug", where):
            self.load_strand(priority, themes, strand, strand_position)

    def load_strand(self, priority: Priority, themes: dict, item: dict, position: int):
        """A strand of the priority, by slug, with its actions."""
        plan = priority.plan
        slug = item["slug"]
        where = f'Plan "{plan.slug}", strand "{slug}"'
        strand, _ = upsert(
            Strand,
            priority=priority,
            slug=slug,
            defaults={
                "title": _required(item, "title", where),
                "scope": _text(item, "scope"),
                "order": position,
            },
        )
        self.summary.strands += 1
        actions = _list(item, "actions", where)
        for action_position, action, reference in _keyed(
            actions, "reference", "action", "action reference", where
        ):
            if not isinstance(reference, str):
                raise DemoDataError(
                    f"{where}, action {action_position}: write the reference {reference!r} in "
                    'quotes ("1.10"): unquoted, YAML reads it as a number and 1.10 becomes 1.1.'
                )
            self.load_action(strand, themes, action, action_position)

    def completion_status(self, value, where: str) -> CompletionStatus:
        """The completion status a file value names: complete_with_caveats is the status
        with slug complete-with-caveats."""
        slug = str(value).replace("_", "-")
        if slug not in self.completion_statuses:
            known = ", ".join(s.replace("-", "_") for s in self.completion_statuses)
            raise DemoDataError(f'{where}: unknown completion "{value}" (known: {known}).')
        return self.completion_statuses[slug]

    def load_action(self, strand: Strand, themes: dict, item: dict, position: int):
        """An action of the strand, by reference, with its sub-items and progress updates."""
        plan = strand.priority.plan
        reference = item["reference"]
        where = f'Action {reference} (plan "{plan.slug}", strand "{strand.slug}")'
        partners = [
            _lookup(self.agencies, slug, "partner agency", where)
            for slug in _list(item, "partners", where)
        ]
        action, _ = upsert(
            Action,
            strand=strand,
            reference=reference,
            defaults={
                "order": position,
                "text": str(_required(item, "text", where)).strip(),
                "theme": _optional_lookup(themes, item.get("theme"), "theme", where),
                "timeframe": Timeframe.for_wording(plan, _text(item, "timeframe")),
                "completion_status": self.completion_status(
                    _required(item, "completion", where), where
                ),
                "completion_note": _text(item, "completion_note"),
                "lead_agency": _optional_lookup(
                    self.agencies, item.get("lead_agency"), "lead agency", where
                ),
                "lead_officer": _optional_lookup(
                    self.users, item.get("lead_officer"), "lead officer", where
                ),
            },
        )
        action.partner_agencies.set(partners)
        self.summary.actions += 1
        self.load_sub_items(action, _list(item, "sub_items", where), where)
        self.load_updates(action, _list(item, "updates", where), where)

    def load_sub_items(self, action: Action, items: list, where: str):
        """The action's lettered list, by label, in the file's order."""
        for position, item, label in _keyed(items, "label", "sub-item", "sub-item label", where):
            label = str(label)
            upsert(
                ActionSubItem,
                action=action,
                label=label,
                defaults={
                    "text": str(_required(item, "text", f"{where}, sub-item {label}")).strip(),
                    "order": position,
                },
            )
            self.summary.sub_items += 1

    def load_updates(self, action: Action, items: list, where: str):
        """The action's quarterly progress updates, by quarter."""
        plan = action.strand.priority.plan
        for item, quarter, update_where in _by_quarter(items, "update", where):
            upsert(
                ProgressUpdate,
                action=action,
                quarter=quarter,
                defaults={
                    "rag_rating": _choice(
                        _required(item, "rag", update_where),
                        ProgressUpdate.RAG.values,
                        "RAG rating",
                        update_where,
                    ),
                    "completion_status": self.completion_status(
                        _required(item, "completion", update_where), update_where
                    ),
                    "narrative": _text(item, "narrative"),
                    "author": _optional_lookup(
                        self.users, item.get("author"), "author", update_where
                    ),
                    "created_at": update_created_at(plan, quarter),
                },
            )
            self.summary.updates += 1

    # Performance indicators (indicators app).

    def load_indicator(self, plan: AnnualPlan, item: dict, position: int):
        """A performance indicator of the plan, by name, with its quarterly targets (by
        quarter) and recorded values (by quarter), each value rated as it is saved."""
        name = item["name"]
        where = f'Plan "{plan.slug}", indicator "{name}"'
        strand = action = None
        if item.get("strand"):
            strand = Strand.objects.filter(priority__plan=plan, slug=item["strand"]).first()
            if strand is None:
                raise DemoDataError(f'{where}: unknown strand "{item["strand"]}".')
        if item.get("action"):
            if strand is None:
                raise DemoDataError(f'{where}: name the strand of action "{item["action"]}".')
            action = Action.objects.filter(strand=strand, reference=str(item["action"])).first()
            if action is None:
                raise DemoDataError(f'{where}: unknown action "{item["action"]}" in its strand.')
        indicator, _ = upsert(
            Indicator,
            plan=plan,
            name=name,
            defaults={
                "description": _text(item, "description"),
                # An indicator is for the plan, a strand or an action: an action's own strand
                # is not stored with it.
                "strand": None if action else strand,
                "action": action,
                "unit": _choice(
                    item.get("unit", Indicator.Unit.NUMBER), Indicator.Unit.values, "unit", where
                ),
                "direction": _choice(
                    item.get("direction", Indicator.Direction.HIGHER),
                    Indicator.Direction.values,
                    "direction",
                    where,
                ),
                "frequency": _choice(
                    item.get("frequency", Indicator.Frequency.QUARTERLY),
                    Indicator.Frequency.values,
                    "frequency",
                    where,
                ),
                "baseline_value": _decimal(item.get("baseline_value"), where),
                "baseline_period": _text(item, "baseline_period"),
                "annual_target": _decimal(item.get("annual_target"), where),
                "tolerance": _decimal(item.get("tolerance"), where) or Decimal(0),
                "source_agency": _optional_lookup(
                    self.agencies, item.get("source_agency"), "source agency", where
                ),
                "order": position,
                "definition": self.definition(item.get("definition"), where),
            },
        )
        self.summary.indicators += 1
        targets = item.get("targets") or {}
        if not isinstance(targets, dict):
            raise DemoDataError(f'{where}: "targets" should map quarters to values.')
        for quarter, value in targets.items():
            _choice(quarter, QUARTER_NUMBERS, "quarter", f"{where}, targets")
            upsert(
                IndicatorTarget,
                indicator=indicator,
                quarter=quarter,
                defaults={"value": _decimal(value, where)},
            )
        values = _list(item, "values", where)
        for value, quarter, value_where in _by_quarter(values, "value", where):
            upsert(
                IndicatorValue,
                indicator=indicator,
                quarter=quarter,
                defaults={
                    "value": _decimal(_required(value, "value", value_where), value_where),
                    "note": _text(value, "note"),
                    "recorded_by": _optional_lookup(
                        self.users, value.get("recorded_by"), "user", value_where
                    ),
                },
            )
            self.summary.indicator_values += 1

    def definition(self, slug, where: str):
        """The shared indicator definition an indicator follows, by slug (None for none)."""
        if not slug:
            return None
        definition = IndicatorDefinition.objects.filter(slug=slug).first()
        if definition is None:
            raise DemoDataError(
                f'{where}: unknown shared indicator definition "{slug}" (shared.yaml defines them).'
            )
        return definition


# The installation's shared data: indicator definitions, oversight bodies, site administrators.


@dataclass
class SharedSummary:
    definitions: int = 0
    oversight_bodies: int = 0
    # (user, what they are): the oversight bodies' people and the site administrators.
    users: list = field(default_factory=list)
    skipped_usernames: list = field(default_factory=list)


def load_indicator_definitions(data: dict) -> SharedSummary:
    """The shared indicator definitions of a shared data file (before the partnerships' files,
    whose indicators follow them)."""
    summary = SharedSummary()
    where = "The shared data file"
    items = _list(_mapping(data, where), "indicator_definitions", where)
    with transaction.atomic():
        for _, item, slug in _keyed(items, "slug", "definition", "definition slug", where):
            item_where = f'Indicator definition "{slug}"'
            upsert(
                IndicatorDefinition,
                slug=slug,
                defaults={
                    "name": _required(item, "name", item_where),
                    "description": _text(item, "description"),
                    "source": _text(item, "source"),
                    "unit": _choice(item.get("unit", "number"), Unit.values, "unit", item_where),
                    "direction": _choice(
                        item.get("direction", "lower"), Direction.values, "direction", item_where
                    ),
                    "frequency": _choice(
                        item.get("frequency", "quarterly"),
                        Frequency.values,
                        "frequency",
                        item_where,
                    ),
                },
            )
            summary.definitions += 1
    return summary


def load_oversight(data: dict, *, create_users: bool, summary: SharedSummary) -> SharedSummary:
    """The oversight bodies of a shared data file, with the partnerships they cover (loaded
    before) and their people, and the site administrators; people only with DEBUG on."""
    where = "The shared data file"
    data = _mapping(data, where)
    bodies = _list(data, "oversight_bodies", where)
    site_administrators = _list(data, "site_administrators", where)
    with transaction.atomic():
        for _, item, slug in _keyed(bodies, "slug", "oversight body", "oversight body", where):
            item_where = f'Oversight body "{slug}"'
            body, _ = upsert(
                OversightBody,
                slug=slug,
                defaults={
                    "name": _required(item, "name", item_where),
                    "kind": _choice(
                        item.get("kind", OversightBody.Kind.OTHER),
                        OversightBody.Kind.values,
                        "kind",
                        item_where,
                    ),
                },
            )
            covered = []
            for partnership_slug in _list(item, "covers", item_where):
                partnership = Partnership.objects.filter(slug=partnership_slug).first()
                if partnership is None:
                    raise DemoDataError(
                        f'{item_where}: unknown partnership "{partnership_slug}" (load its file '
                        "first)."
                    )
                covered.append(partnership)
            body.covers.set(covered)
            summary.oversight_bodies += 1
            for _, person, username in _keyed(
                _list(item, "members", item_where), "username", "member", "username", item_where
            ):
                if not create_users:
                    summary.skipped_usernames.append(username)
                    continue
                user = demo_login(username, person)
                body.members.add(user)
                summary.users.append((user, f"oversight: {body.name}"))
        for _, person, username in _keyed(
            site_administrators, "username", "site administrator", "username", where
        ):
            if not create_users:
                summary.skipped_usernames.append(username)
                continue
            user = demo_login(username, person, superuser=True)
            summary.users.append((user, "site administrator"))
    return summary


def _decimal(value, where: str) -> Decimal | None:
    """A number of the file as a Decimal (None when absent), or DemoDataError."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise DemoDataError(f"{where}: {value!r} is not a number.") from None
