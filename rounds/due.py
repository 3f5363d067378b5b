"""What the update round asks of each person: in a plan's window for a quarter, the actions they
lead (ActionQuerySet.led_by: they are the lead officer, or their agency is the lead agency) that
are not complete and have no progress update for the quarter, and the indicators their agency
reports (its source agency) that are reported in that quarter and have no value for it.

Nothing is due in a window of a plan that does not take updates (not signed off, or closed), nor
for a quarter closed after the partnership's meeting (plans.QuarterClosure): the actions' rule is
ActionQuerySet.due_an_update.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q

from actions.models import Action, ProgressUpdate
from agencies.models import agency_id_of, agency_ids_of
from indicators.charts import format_value
from indicators.models import Indicator, IndicatorValue
from partnerships.models import ROLE_GROUPS
from plans.models import AnnualPlan, QuarterClosure
from sso.models import SingleSignOnProvider

from .models import UpdateWindow
from .windows import planned_window


@dataclass
class Due:
    """What one person still owes a window."""

    window: UpdateWindow
    actions: list = field(default_factory=list)  # Action instances, in plan order
    indicators: list = field(default_factory=list)  # Indicator instances, in plan order

    @property
    def count(self) -> int:
        return len(self.actions) + len(self.indicators)

    def __bool__(self):
        return self.count > 0


def reported_frequencies(quarter: int) -> list[str]:
    """The indicator frequencies that report in a quarter (Indicator.reported_in, as a list a
    query can filter on)."""
    return [
        frequency
        for frequency in Indicator.Frequency.values
        if Indicator(frequency=frequency).reported_in(quarter)
    ]


def takes_updates(window: UpdateWindow) -> bool:
    """Whether the window's plan takes updates for its quarter: the plan accepts updates and the
    quarter has not been closed after the meeting."""
    return (
        window.plan.accepts_updates
        and not QuarterClosure.objects.filter(
            plan_id=window.plan_id, quarter=window.quarter
        ).exists()
    )


def due_actions(window: UpdateWindow):
    """The window's plan's actions due an update for its quarter (ActionQuerySet.due_an_update:
    not complete, no progress update for the quarter yet, the plan taking updates and the
    quarter not closed)."""
    return (
        Action.objects.filter(strand__priority__plan_id=window.plan_id)
        .due_an_update(window.quarter)
        .select_related("strand__priority", "lead_agency", "lead_officer")
        .in_plan_order()
    )


def due_indicators(window: UpdateWindow):
    """The window's plan's indicators due a value for its quarter: reported in that quarter, and
    no value for it yet."""
    return (
        Indicator.objects.filter(
            plan_id=window.plan_id, frequency__in=reported_frequencies(window.quarter)
        )
        .exclude(
            Exists(IndicatorValue.objects.filter(indicator=OuterRef("pk"), quarter=window.quarter))
        )
        .select_related("source_agency")
        .order_by("order", "id")
    )


def due_for(user, window: UpdateWindow) -> Due:
    """What one person still owes the window (nothing if the plan does not take updates for the
    quarter)."""
    if not takes_updates(window):
        return Due(window)
    agency_id = agency_id_of(user)
    actions = list(due_actions(window).led_by(user))
    indicators = (
        list(due_indicators(window).filter(source_agency_id=agency_id)) if agency_id else []
    )
    return Due(window, actions, indicators)


def officers(partnership):
    """The people of the partnership the round writes to: active, with an e-mail address, and
    recording progress there (their role's group may add progress updates: the Officers, and
    the Administrators)."""
    User = get_user_model()
    recording_groups = Group.objects.filter(
        permissions__content_type__app_label="actions",
        permissions__codename="add_progressupdate",
    ).values_list("name", flat=True)
    recording_roles = [role for role, group in ROLE_GROUPS.items() if group in recording_groups]
    return (
        able_to_sign_in(
            User.objects.filter(
                memberships__partnership=partnership, memberships__role__in=recording_roles
            ),
            partnership,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def able_to_sign_in(people, partnership):
    """The people who can sign in to the partnership's pages, so that the round chases nobody
    for an update they could not make: active, and with a password, or a link to an active
    single sign-on provider, or an e-mail address that such a provider serves (by its domain,
    or because it serves the partnership). Someone invited who has not chosen a password yet,
    or whose password sign-in an administrator switched off, is left out."""
    routes = ~Q(password__startswith=UNUSABLE_PASSWORD_PREFIX) | Q(
        sign_in_identities__provider__is_active=True
    )
    providers = list(SingleSignOnProvider.objects.active().prefetch_related("partnerships"))
    if any(partnership in provider.partnerships.all() for provider in providers):
        routes |= ~Q(email="")
    for domain in sorted({domain for provider in providers for domain in provider.domains}):
        routes |= Q(email__iendswith="@" + domain)
    return people.filter(routes, is_active=True)


def due_by_person(window: UpdateWindow, people) -> dict[int, tuple[object, Due]]:
    """{user id: (user, Due)} for the people (users) who owe the window something, in a fixed
    number of queries however many people and actions there are."""
    if not takes_updates(window):
        return {}
    people = list(people)
    agencies = agency_ids_of(people)
    by_officer, by_agency = defaultdict(list), defaultdict(list)
    for action in due_actions(window):
        if action.lead_officer_id:
            by_officer[action.lead_officer_id].append(action)
        if action.lead_agency_id:
            by_agency[action.lead_agency_id].append(action)
    indicators_by_agency = defaultdict(list)
    for indicator in due_indicators(window).filter(source_agency__isnull=False):
        indicators_by_agency[indicator.source_agency_id].append(indicator)

    found = {}
    for person in people:
        agency_id = agencies.get(person.pk)
        # Led in person or through their agency: the same action once, in plan order.
        mine = {action.pk: action for action in by_officer[person.pk]}
        if agency_id:
            mine.update({action.pk: action for action in by_agency[agency_id]})
        actions = sorted(mine.values(), key=_plan_position)
        indicators = list(indicators_by_agency[agency_id]) if agency_id else []
        if actions or indicators:
            found[person.pk] = (person, Due(window, actions, indicators))
    return found


def _plan_position(action):
    """Where the action stands in its plan: actions.models.PLAN_ORDER, in Python."""
    priority = action.strand.priority
    return (
        priority.order,
        priority.pk,
        action.strand.order,
        action.strand_id,
        action.order,
        action.pk,
    )


# A person's round, for My updates -------------------------------------------------------------


@dataclass
class RoundForPerson:
    """One open window as a person sees it: what they still owe it, and what they have done."""

    window: UpdateWindow
    due: Due
    # [(action, its progress update for the quarter)], in plan order
    done_actions: list = field(default_factory=list)
    # [(indicator, its value for the quarter)], in plan order
    done_indicators: list = field(default_factory=list)

    @property
    def period(self):
        return self.window.period


def open_windows(on: date) -> list[UpdateWindow]:
    """The windows open on a day, of the plans taking updates, leaving out closed quarters: in
    three queries, whatever the number of plans."""
    plans = list(AnnualPlan.objects.taking_updates().order_by("-financial_year", "title"))
    saved = defaultdict(dict)
    for window in UpdateWindow.objects.filter(plan__in=plans):
        saved[window.plan_id][window.quarter] = window
    closed = set(QuarterClosure.objects.filter(plan__in=plans).values_list("plan_id", "quarter"))
    windows = []
    for plan in plans:
        for period in plan.quarters:
            if (plan.pk, period.number) in closed:
                continue
            window = planned_window(plan, period.number, saved[plan.pk])
            if window.is_open_on(on):
                windows.append(window)
    return windows


def rounds_for(user, on: date) -> list[RoundForPerson]:
    """Every window open on the day, with what the person owes it and has done for it; only the
    windows where they have something due or done. A fixed number of queries."""
    if not user.is_authenticated:
        return []
    windows = open_windows(on)
    if not windows:
        return []
    plan_ids = {window.plan_id for window in windows}
    quarters = {window.quarter for window in windows}
    agency_id = agency_id_of(user)

    actions = list(
        Action.objects.led_by(user)
        .filter(strand__priority__plan_id__in=plan_ids)
        .select_related("strand__priority", "completion_status")
        .in_plan_order()
    )
    updates = {
        (update.action_id, update.quarter): update
        for update in ProgressUpdate.objects.filter(
            action__in=[action.pk for action in actions], quarter__in=quarters
        )
    }
    indicators = (
        list(
            Indicator.objects.filter(plan_id__in=plan_ids, source_agency_id=agency_id).order_by(
                "order", "id"
            )
        )
        if agency_id
        else []
    )
    values = {
        (value.indicator_id, value.quarter): value
        for value in IndicatorValue.objects.filter(
            indicator__in=[indicator.pk for indicator in indicators], quarter__in=quarters
        )
    }

    found = []
    for window in windows:
        entry = RoundForPerson(window, Due(window))
        for action in actions:
            if action.strand.priority.plan_id != window.plan_id:
                continue
            update = updates.get((action.pk, window.quarter))
            if update is not None:
                entry.done_actions.append((action, update))
            elif not action.is_complete:
                entry.due.actions.append(action)
        for indicator in indicators:
            if indicator.plan_id != window.plan_id or not indicator.reported_in(window.quarter):
                continue
            value = values.get((indicator.pk, window.quarter))
            if value is not None:
                value.shown = format_value(value.value, indicator.unit)
                entry.done_indicators.append((indicator, value))
            else:
                entry.due.indicators.append(indicator)
        if entry.due or entry.done_actions or entry.done_indicators:
            found.append(entry)
    return found
