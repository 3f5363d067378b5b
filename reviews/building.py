"""Building a quarterly review from the database: ``review_for(plan, quarter)``, in a fixed number
of queries however many actions, updates and indicators the plan has.

A closed quarter's review is the snapshot kept when it was closed (reviews/snapshot.py); an open
one is computed now (``compute_review``), which is also what closing a quarter keeps
(``review_snapshot``, the callable reviews passes to plans.year.close_quarter).
"""

from dataclasses import dataclass, field, replace
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Case, DateTimeField, F, TextField, When
from django.utils import timezone

from actions.models import PLAN_ORDER, Action, ActionSubItem, ProgressUpdate
from indicators.models import Indicator, IndicatorTarget, IndicatorValue
from indicators.rating import target_for
from plans.models import QuarterClosure
from plans.year import late_cutoff
from priorities.models import Priority, Strand

from .figures import (
    ActionRow,
    Breakdown,
    Figures,
    IndicatorFigures,
    IndicatorPoint,
    IndicatorRow,
    QuarterlyReview,
)
from .snapshot import closed_review, figures_from, to_json

# PLAN_ORDER's fields that fetch does not name already, fetched to sort the actions by.
_PLAN_ORDER_FETCHED = ("strand__priority__order", "strand__order", "order")


def _in_quarter(quarter: int, field: str, output_field):
    """An update's ``field`` if it is for ``quarter``, else NULL."""
    return Case(When(quarter=quarter, then=F(field)), default=None, output_field=output_field)


def review_for(plan, quarter: int, on: date | None = None) -> QuarterlyReview:
    """The review of one quarter (1–4) of a plan: the closed quarter's snapshot if it is
    closed, else computed now from the database in a fixed number of queries.

    ``on`` is the day the review is taken (today by default): it decides lateness in the quarter
    in progress. Raises ValueError for a quarter outside 1–4.
    """
    period = plan.quarter(quarter)  # ValueError outside 1–4
    closure = (
        QuarterClosure.objects.filter(plan=plan, quarter=quarter).select_related("closed_by")
    ).first()
    if closure is not None:
        return closed_review(closure)
    return _compute(plan, period, on or timezone.localdate())


def latest_closed_review(plan) -> QuarterlyReview | None:
    """The review of the plan's latest closed quarter, as its meeting saw it; None when no
    quarter of the plan is closed."""
    closure = (
        QuarterClosure.objects.filter(plan=plan)
        .select_related("plan", "closed_by")
        .order_by("-quarter")
        .first()
    )
    return closed_review(closure) if closure is not None else None


def compute_review(plan, quarter: int, on: date | None = None) -> QuarterlyReview:
    """The review as the database stands now, even if the quarter is closed: what closing a
    quarter freezes."""
    return _compute(plan, plan.quarter(quarter), on or timezone.localdate())


def review_snapshot(plan, quarter: int, on: date) -> dict:
    """What closing a quarter keeps (plans.year.close_quarter's ``snapshot``): the review as the
    database stands, as JSON."""
    return to_json(compute_review(plan, quarter, on=on))


def _compute(plan, period, on: date) -> QuarterlyReview:
    data = _PlanData.fetch(plan, period.number)
    # The figures of earlier quarters that were closed are those reported at their meetings.
    closed_figures = dict(
        QuarterClosure.objects.filter(plan=plan, quarter__lt=period.number).values_list(
            "quarter", "snapshot__figures"
        )
    )
    rows = data.rows(period, on)
    figures = Figures.of(rows)
    trend = [
        (
            number,
            figures_from(closed_figures[number])
            if number in closed_figures
            else data.figures(plan.quarter(number), on),
        )
        for number in range(1, period.number)
    ]
    trend.append((period.number, figures))
    indicators = indicator_rows(plan, period.number)
    return QuarterlyReview(
        plan_id=plan.pk,
        plan_slug=plan.slug,
        plan_title=plan.title,
        financial_year=plan.financial_year,
        quarter=period.number,
        quarter_label=period.label,
        months_label=period.months_label,
        generated_at=timezone.now(),
        figures=figures,
        by_priority=data.by_priority(rows),
        by_theme=data.by_theme(rows),
        by_agency=data.by_agency(rows),
        rows=rows,
        trend=trend,
        indicators=indicators,
        indicator_figures=IndicatorFigures.of(indicators),
    )


def indicator_rows(plan, number: int) -> list[IndicatorRow]:
    """The plan's indicators in quarter ``number``, in the plan's order, each with its values
    from Q1 to that quarter: three queries (indicators, targets, values), however many."""
    return indicator_rows_of({plan.pk: number})[plan.pk]


def indicator_rows_of(quarters: dict[int, int]) -> dict[int, list[IndicatorRow]]:
    """{plan id: its indicator rows} for several plans, each in its own quarter (``quarters``:
    {plan id: quarter number}): the same three queries however many plans (an oversight body's
    comparison)."""
    plan_ids = list(quarters)
    indicators = list(Indicator.objects.filter(plan__in=plan_ids).select_related("source_agency"))
    targets: dict[int, list] = {}
    for target in IndicatorTarget.objects.filter(indicator__plan__in=plan_ids):
        targets.setdefault(target.indicator_id, []).append(target)
    values: dict[int, dict[int, dict]] = {}
    latest = max(quarters.values(), default=0)
    for value in IndicatorValue.objects.filter(
        indicator__plan__in=plan_ids, quarter__lte=latest
    ).values(
        "indicator_id",
        "quarter",
        "value",
        "note",
        "rating",
        "rating_override",
        "override_reason",
        "recorded_by__first_name",
        "recorded_by__last_name",
        "recorded_by__username",
    ):
        values.setdefault(value["indicator_id"], {})[value["quarter"]] = value
    rows = {plan_id: [] for plan_id in plan_ids}
    for indicator in indicators:
        number = quarters[indicator.plan_id]
        own_targets = targets.get(indicator.pk, [])
        own_values = values.get(indicator.pk, {})
        trend = []
        for quarter in range(1, number + 1):
            value = own_values.get(quarter)
            trend.append(
                IndicatorPoint(
                    quarter=quarter,
                    value=value["value"] if value else None,
                    target=target_for(indicator, quarter, own_targets),
                    rating=(value["rating_override"] or value["rating"]) if value else "",
                    due=indicator.reported_in(quarter),
                )
            )
        value = own_values.get(number)
        agency = indicator.source_agency
        rows[indicator.plan_id].append(
            IndicatorRow(
                indicator_id=indicator.pk,
                name=indicator.name,
                unit=indicator.unit,
                direction=indicator.direction,
                frequency=indicator.frequency,
                baseline_value=indicator.baseline_value,
                baseline_period=indicator.baseline_period,
                target=trend[-1].target,
                value=value["value"] if value else None,
                due=indicator.reported_in(number),
                rating=trend[-1].rating,
                computed_rating=value["rating"] if value else "",
                overridden=bool(value and value["rating_override"]),
                override_reason=value["override_reason"] if value else "",
                note=value["note"] if value else "",
                source_agency=(agency.short_name or agency.name) if agency else "",
                recorded_by=_person(
                    value["recorded_by__first_name"],
                    value["recorded_by__last_name"],
                    value["recorded_by__username"],
                )
                if value
                else "",
                trend=tuple(trend),
            )
        )
    return rows


def _person(first_name, last_name, username) -> str:
    """A person's display name (agencies.models.display_name) from fetched values."""
    if username is None:
        return ""
    return f"{first_name} {last_name}".strip() or username


@dataclass
class _PlanData:
    """Everything a plan's reviews are computed from, fetched in seven queries as plain values
    (no model instances: a plan may have thousands of actions and updates)."""

    priorities: list[dict]
    strands: list[dict]
    actions: list[tuple]  # named tuples of the fields fetch names
    # action id -> {quarter: the update's fields, a named tuple}
    updates: dict[int, dict[int, tuple]]
    # action id -> partner agencies' names, and -> its sub-items as "a) text" lines
    partners: dict[int, list[str]] = field(default_factory=dict)
    sub_items: dict[int, list[str]] = field(default_factory=dict)
    # the updates' authors' ids -> their names
    authors: dict[int, str] = field(default_factory=dict)

    @classmethod
    def fetch(cls, plan, quarter: int) -> "_PlanData":
        """The plan's data for the review of quarter ``quarter`` (and the figures of the
        quarters before it)."""
        priorities = list(
            Priority.objects.filter(plan=plan).order_by("order", "id").values("id", "title")
        )
        strands = list(
            Strand.objects.filter(priority__plan=plan)
            .order_by("priority__order", "priority_id", "order", "id")
            .values("id", "title", "priority_id")
        )
        # The actions and their updates as named tuples rather than dicts: thousands of rows,
        # only read, and a tuple is made several times faster than a dict. The actions are put
        # in plan order here rather than by the database, which took longer sorting their wide
        # rows than Python takes sorting them by PLAN_ORDER's fields alone.
        actions = list(
            Action.objects.filter(strand__priority__plan=plan)
            .order_by()
            .values_list(
                *_PLAN_ORDER_FETCHED,
                "id",
                "reference",
                "text",
                "strand_id",
                "strand__title",
                "strand__priority_id",
                "strand__priority__title",
                "theme_id",
                "theme__name",
                "theme__order",
                "lead_agency_id",
                "lead_agency__name",
                "lead_agency__short_name",
                "lead_officer__first_name",
                "lead_officer__last_name",
                "lead_officer__username",
                "timeframe__wording",
                "timeframe__due_date",
                "completion_status_id",
                "completion_status__name",
                "completion_status__counts_as_complete",
                "completion_status__counts_as_not_started",
                "completion_note",
                named=True,
            )
        )
        actions.sort(key=attrgetter(*PLAN_ORDER))
        updates: dict[int, dict[int, tuple]] = {}
        # Unordered (the rows go into a dict: sorting thousands of them into plan order took
        # longer than fetching them); the authors' names are fetched apart, for the few people
        # who wrote them, rather than joined to every update.
        for update in (
            ProgressUpdate.objects.filter(action__strand__priority__plan=plan, quarter__lte=quarter)
            .order_by()
            # What the review shows of an update (its narrative and when it was made) is read for
            # the review's quarter alone: the earlier quarters' updates count for their rating
            # and completion only, and thousands of narratives and times took a while to read.
            .annotate(
                shown_narrative=_in_quarter(quarter, "narrative", TextField()),
                shown_updated_at=_in_quarter(quarter, "updated_at", DateTimeField()),
            )
            .values_list(
                "action_id",
                "quarter",
                "rag_rating",
                "shown_narrative",
                "completion_status_id",
                "completion_status__name",
                "completion_status__counts_as_complete",
                "completion_status__counts_as_not_started",
                "shown_updated_at",
                "internal",
                "author_id",
                named=True,
            )
        ):
            updates.setdefault(update.action_id, {})[update.quarter] = update
        # Every author's, not only the quarter's: a few people, and the same one query
        # whatever the quarter holds.
        author_ids = {
            update.author_id for by_quarter in updates.values() for update in by_quarter.values()
        }
        author_ids.discard(None)
        authors = {
            pk: _person(first_name, last_name, username)
            for pk, first_name, last_name, username in get_user_model()
            .objects.filter(pk__in=author_ids)
            .values_list("id", "first_name", "last_name", "username")
        }
        partners: dict[int, list[str]] = {}
        for action_id, short_name, name in (
            Action.partner_agencies.through.objects.filter(action__strand__priority__plan=plan)
            .order_by("agency__name", "agency_id")
            .values_list("action_id", "agency__short_name", "agency__name")
        ):
            partners.setdefault(action_id, []).append(short_name or name)
        sub_items: dict[int, list[str]] = {}
        for action_id, label, text in (
            ActionSubItem.objects.filter(action__strand__priority__plan=plan)
            .order_by("action_id", "order", "id")
            .values_list("action_id", "label", "text")
        ):
            sub_items.setdefault(action_id, []).append(f"{label}) {text}")
        return cls(priorities, strands, actions, updates, partners, sub_items, authors)

    def standings(self, period, on: date):
        """Each action as the review's rules (reviews/figures.py) make it in the quarter, in plan
        order: (the action, its update this quarter, its update the quarter before, what its
        completion as of the quarter is taken from (its latest update in or before the quarter,
        else the action), whether it was complete as of the quarter before, whether it is
        late). The one home of these rules for both ``rows`` and ``figures``."""
        number = period.number
        cutoff = late_cutoff(on, period)
        no_updates: dict = {}
        earlier_quarters = range(number - 1, 0, -1)
        for action in self.actions:
            updates = self.updates.get(action.id, no_updates)
            update = updates.get(number)
            previous = updates.get(number - 1)
            # The completion as of this quarter and as of the previous one: that of the
            # latest update in or before the quarter, else the action's own (worked out inline:
            # this loop runs for every action of the plan in every quarter of the trend).
            latest_before = previous
            if latest_before is None and updates:
                for earlier in earlier_quarters:
                    if earlier in updates:
                        latest_before = updates[earlier]
                        break
            latest = update if update is not None else latest_before
            # Actions and updates name their completion's fields alike (completion_status…).
            completion = action if latest is None else latest
            was_complete = number > 1 and bool(
                (
                    action if latest_before is None else latest_before
                ).completion_status__counts_as_complete
            )
            due = action.timeframe__due_date
            is_late = (
                due is not None
                and due < cutoff
                and not completion.completion_status__counts_as_complete
            )
            yield action, update, previous, completion, was_complete, is_late

    def figures(self, period, on: date) -> Figures:
        """The plan's figures in the quarter, counted without making its rows (the trend's
        earlier quarters): the same rules as ``rows``, through ``standings``."""
        return Figures.of(
            _Counted(
                update.rag_rating if update is not None else None,
                bool(completion.completion_status__counts_as_complete),
                bool(completion.completion_status__counts_as_not_started),
                is_late,
            )
            for _action, update, _previous, completion, _was, is_late in self.standings(period, on)
        )

    def rows(self, period, on: date) -> list[ActionRow]:
        """Every action as it stood in the quarter (the one fetched for), in plan order."""
        rows = []
        authors, partners, sub_items = self.authors, self.partners, self.sub_items
        for action, update, previous, completion, was_complete, is_late in self.standings(
            period, on
        ):
            complete = bool(completion.completion_status__counts_as_complete)
            rows.append(
                ActionRow(
                    action_id=action.id,
                    reference=action.reference,
                    text=action.text,
                    priority=action.strand__priority__title,
                    priority_id=action.strand__priority_id,
                    strand_id=action.strand_id,
                    strand=action.strand__title,
                    theme_id=action.theme_id,
                    theme=action.theme__name or "",
                    lead_agency_id=action.lead_agency_id,
                    lead_agency=action.lead_agency__short_name or action.lead_agency__name or "",
                    lead_officer=_person(
                        action.lead_officer__first_name,
                        action.lead_officer__last_name,
                        action.lead_officer__username,
                    ),
                    timeframe=action.timeframe__wording or "",
                    due_date=action.timeframe__due_date,
                    rag=update.rag_rating if update else None,
                    previous_rag=previous.rag_rating if previous else None,
                    completion=completion.completion_status__name,
                    # The note qualifies the action's current completion ("within YOS and
                    # CER"): shown only while the quarter's completion is that one.
                    completion_note=action.completion_note
                    if completion.completion_status_id == action.completion_status_id
                    else "",
                    is_complete=complete,
                    is_not_started=bool(completion.completion_status__counts_as_not_started),
                    completed_this_quarter=complete and not was_complete,
                    is_late=is_late,
                    narrative=update.shown_narrative if update else "",
                    updated_by=authors.get(update.author_id, "") if update else "",
                    updated_at=update.shown_updated_at if update else None,
                    partners="; ".join(partners.get(action.id, ())),
                    sub_items="\n".join(sub_items.get(action.id, ())),
                    internal=bool(update and update.internal),
                )
            )
        return rows

    def by_priority(self, rows: list[ActionRow]) -> list[Breakdown]:
        """Every priority of the plan with every one of its strands, in plan order (a strand
        with no actions shows zeros: it is part of the plan)."""
        by_strand: dict[int, list[ActionRow]] = {}
        for row in rows:
            by_strand.setdefault(row.strand_id, []).append(row)
        breakdowns = []
        for priority in self.priorities:
            strands = [s for s in self.strands if s["priority_id"] == priority["id"]]
            children = tuple(
                Breakdown(
                    strand["title"],
                    ("strand", strand["id"]),
                    Figures.of(by_strand.get(strand["id"], [])),
                )
                for strand in strands
            )
            members = [row for row in rows if row.priority_id == priority["id"]]
            breakdowns.append(
                Breakdown(
                    priority["title"], ("priority", priority["id"]), Figures.of(members), children
                )
            )
        return breakdowns

    def by_theme(self, rows: list[ActionRow]) -> list[Breakdown]:
        """The themes the plan's actions are in, in the plan's theme order; "No theme" last."""
        order = {a.theme_id: (a.theme__order, a.theme_id) for a in self.actions}
        return _grouped(
            rows,
            kind="theme",
            value_of=lambda row: row.theme_id,
            label_of=lambda row: row.theme,
            sort_key=lambda theme_id, label: order[theme_id],
            none_label="No theme",
        )

    def by_agency(self, rows: list[ActionRow]) -> list[Breakdown]:
        """The agencies leading the plan's actions, by name; "No lead agency" last."""
        return _grouped(
            rows,
            kind="agency",
            value_of=lambda row: row.lead_agency_id,
            label_of=lambda row: row.lead_agency,
            sort_key=lambda agency_id, label: (label.casefold(), agency_id),
            none_label="No lead agency",
        )


class _Counted(NamedTuple):
    """What Figures.of counts of an action in a quarter, for a quarter whose rows are not
    needed (the trend's earlier quarters)."""

    rag: str | None
    is_complete: bool
    is_not_started: bool
    is_late: bool


def _grouped(rows, *, kind, value_of, label_of, sort_key, none_label) -> list[Breakdown]:
    groups: dict[int | None, list[ActionRow]] = {}
    labels: dict[int | None, str] = {}
    for row in rows:
        value = value_of(row)
        groups.setdefault(value, []).append(row)
        labels[value] = label_of(row)
    named = sorted((v for v in groups if v is not None), key=lambda v: sort_key(v, labels[v]))
    breakdowns = [Breakdown(labels[v], (kind, v), Figures.of(groups[v])) for v in named]
    if None in groups:
        breakdowns.append(Breakdown(none_label, (kind, None), Figures.of(groups[None])))
    return breakdowns


def review_read(request, plan, quarter: int, on: date | None = None) -> QuarterlyReview:
    """``review_for``, as the person making the request may read it: an oversight body's
    person reads it without names or internal narratives (``as_read_by_oversight``)."""
    review = review_for(plan, quarter, on=on)
    if getattr(request, "reads_as_oversight", False):
        return as_read_by_oversight(review)
    return review


def as_read_by_oversight(review: QuarterlyReview) -> QuarterlyReview:
    """The review as an oversight body reads it: the same figures, without any officer's name
    or a narrative the partnership marked internal (as on its public pages)."""
    rows = [
        replace(
            row,
            lead_officer="",
            updated_by="",
            narrative="" if row.internal else row.narrative,
        )
        for row in review.rows
    ]
    indicators = [replace(row, recorded_by="") for row in review.indicators]
    return replace(review, rows=rows, indicators=indicators, closed_by="")
