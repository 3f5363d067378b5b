"""Rolling a plan forward into next year's plan: its structure copied, the actions chosen carried.

Next year's plan is either created here (a draft) or an existing draft of a later year. Its
priorities, strands, themes and principles are copied from the old plan where it does not have
them already; key questions and drivers belong to their year and are not. Each chosen action is
carried as a new action of the matching strand that keeps a link to where it came from
(Action.carried_from). Nothing in the old plan is saved: its rows, timestamps and history stay
exactly as they were.

It is the actions app's, not the plans app's, because carrying actions needs the actions (and
actions stands above plans).
"""

import re
from dataclasses import dataclass, field

from django.db import transaction

from plans.models import AnnualPlan, PlanStatus, Principle, Theme
from plans.quarters import financial_year_label
from priorities.models import Priority, Strand

from .models import Action, ActionSubItem, CompletionStatus, Timeframe
from .timeframes import format_date, parse_timeframe


class RollForwardError(Exception):
    """The roll forward asked for cannot be made; the message says why, for the administrator."""


@dataclass
class RollForwardResult:
    """What a roll forward made."""

    target: AnnualPlan
    created_plan: bool
    priorities: int = 0
    strands: int = 0
    themes: int = 0
    principles: int = 0
    actions: int = 0
    # Timeframes of the target flagged for an administrator to check their dates.
    flagged_timeframes: int = 0
    # "1.2 (Violence against women and girls)": carried with no reference, because the target's
    # strand already had an action with it.
    references_cleared: list[str] = field(default_factory=list)


# What of each row of the old plan's structure its copy takes; the plan, priority or action it
# belongs to is the target's own.
COPIED_FIELDS = {
    Theme: ("name", "slug", "order"),
    Principle: ("name", "description", "order"),
    Priority: ("title", "slug", "description", "order"),
    Strand: ("title", "slug", "scope", "order"),
    ActionSubItem: ("label", "text", "order"),
}

# A financial year as plans write it: "17-18", "2017-18", "2017/18", "2017-2018".
_YEAR_LABEL = re.compile(r"(?<!\d)(\d{2})?(\d{2})(\s?[-–/]\s?)(\d{2})?(\d{2})(?!\d)")


def next_year_label(text: str, financial_year: int) -> str | None:
    """``text`` with the first mention of the financial year starting in ``financial_year``
    moved on a year ("Safer Lewisham Plan 17-18" → "Safer Lewisham Plan 18-19"); None when the
    text does not mention that year."""

    def bumped(match):
        century, first, separator, century_2, second = match.groups()
        if int(first) != financial_year % 100 or int(second) != (financial_year + 1) % 100:
            return None
        if century and int(century) != financial_year // 100:
            return None
        start, end = financial_year + 1, financial_year + 2
        return (
            f"{start // 100 if century else ''}{start % 100:02d}{separator}"
            f"{end // 100 if century_2 else ''}{end % 100:02d}"
        )

    for match in _YEAR_LABEL.finditer(text):
        replacement = bumped(match)
        if replacement is not None:
            return text[: match.start()] + replacement + text[match.end() :]
    return None


def next_plan_defaults(source: AnnualPlan) -> dict:
    """The title, slug and financial year next year's plan would take: the year in the old
    plan's title and slug moved on ("…17-18" → "…18-19"), or the new year's label added."""
    year = source.financial_year + 1
    label = financial_year_label(year)
    return {
        "title": next_year_label(source.title, source.financial_year) or f"{source.title} {label}",
        "slug": next_year_label(source.slug, source.financial_year) or f"{source.slug}-{label}",
        "financial_year": year,
    }


def later_drafts(source: AnnualPlan):
    """The plans the old plan may be rolled forward into, besides a new one: drafts of a later
    financial year."""
    return AnnualPlan.objects.filter(
        status=PlanStatus.DRAFT, financial_year__gt=source.financial_year
    ).order_by("financial_year", "title")


def is_dated(timeframe: Timeframe, financial_year: int) -> bool:
    """Whether a timeframe names dates of its own year ("March 18", "Begin July 17", or dates set
    by hand), which mean something else in the plan of ``financial_year``; rather than one that
    reads the same in any year ("Review quarterly", "As required").

    Relative wordings are read as the plan's year (start 1 April, due 31 March), so their dates
    move with the year; a date that stays put when the wording is read for the other year was
    written into the wording.
    """
    if timeframe.set_by_hand:
        return bool(timeframe.start_date or timeframe.due_date)
    here = parse_timeframe(timeframe.wording, timeframe.plan.financial_year)
    there = parse_timeframe(timeframe.wording, financial_year)
    return any(
        date is not None and date == other
        for date, other in ((here.start_date, there.start_date), (here.due_date, there.due_date))
    )


def _review_reason(source: AnnualPlan, timeframe: Timeframe, target: AnnualPlan) -> str:
    """ "Carried forward from Safer Lewisham Plan 17-18, where it was due 31 March 2018: check
    the dates for 2018-19." """
    if timeframe.due_date:
        where = f", where it was due {format_date(timeframe.due_date)}"
    elif timeframe.start_date:
        where = f", where it started {format_date(timeframe.start_date)}"
    else:
        where = ""
    reason = (
        f"Carried forward from {source.title}{where}: check the dates for "
        f"{target.financial_year_label}."
    )
    return reason[: Timeframe._meta.get_field("review_reason").max_length]


def roll_forward(
    source: AnnualPlan,
    *,
    carry,
    user,
    target: AnnualPlan | None = None,
    title: str | None = None,
    slug: str | None = None,
    financial_year: int | None = None,
) -> RollForwardResult:
    """Roll ``source`` forward: into ``target`` (an existing draft of a later year) or, without
    one, into a new draft plan with ``title``, ``slug`` and ``financial_year`` and the old plan's
    strategy. ``carry`` is the ids of the old plan's actions to carry. All or nothing: raises
    RollForwardError (having written nothing) if anything asked for cannot be done."""
    carry = {int(pk) for pk in carry}
    reason = f"Carried forward from {source.title}"

    def created(obj):
        obj._change_reason = reason
        obj._history_user = user
        obj.save()
        return obj

    with transaction.atomic():
        actions = list(
            Action.objects.filter(pk__in=carry, strand__priority__plan=source)
            .select_related("strand__priority", "theme", "timeframe__plan", "completion_status")
            .prefetch_related("partner_agencies", "sub_items")
            .order_by("strand__priority__order", "strand__order", "strand_id", "order", "id")
        )
        if len(actions) != len(carry):
            raise RollForwardError(f"Only actions of {source.title} can be carried forward.")

        if target is None:
            target = _new_plan(source, title, slug, financial_year, created)
            result = RollForwardResult(target=target, created_plan=True)
        else:
            # Locked, and checked inside the transaction: it may have moved on meanwhile.
            target = AnnualPlan.objects.select_for_update().get(pk=target.pk)
            if target.pk == source.pk:
                raise RollForwardError("A plan cannot be rolled forward into itself.")
            if target.status != PlanStatus.DRAFT:
                raise RollForwardError(
                    f"{target.title} is no longer a draft: actions can only be carried into a "
                    "draft plan."
                )
            if target.financial_year <= source.financial_year:
                raise RollForwardError(
                    f"{target.title} is not for a later year than {source.title}."
                )
            result = RollForwardResult(target=target, created_plan=False)

        themes = _copy_themes(source, target, created, result)
        _copy_principles(source, target, created, result)
        strands = _copy_priorities_and_strands(source, target, created, result)
        _carry_actions(source, target, actions, themes, strands, created, result)
    return result


def _new_plan(source, title, slug, financial_year, created):
    title, slug = (title or "").strip(), (slug or "").strip()
    if not title or not slug or not financial_year:
        raise RollForwardError("A new plan needs a title, a web address and a financial year.")
    if financial_year <= source.financial_year:
        raise RollForwardError(f"The new plan must be for a later year than {source.title}.")
    if AnnualPlan.objects.filter(slug=slug).exists():
        raise RollForwardError(f"A plan with the web address “{slug}” already exists.")
    return created(
        AnnualPlan(
            strategy=source.strategy,
            title=title,
            slug=slug,
            financial_year=financial_year,
            status=PlanStatus.DRAFT,
        )
    )


def _copy_themes(source, target, created, result) -> dict[int, Theme]:
    """The target's theme for each of the old plan's themes (by slug, else by name), copied if
    it has none."""
    existing = list(Theme.objects.filter(plan=target))
    by_slug = {theme.slug: theme for theme in existing}
    by_name = {theme.name: theme for theme in existing}
    mapped = {}
    for theme in Theme.objects.filter(plan=source):
        match = by_slug.get(theme.slug) or by_name.get(theme.name)
        if match is None:
            match = created(_copy(theme, plan=target))
            result.themes += 1
        mapped[theme.pk] = match
    return mapped


def _copy_principles(source, target, created, result):
    names = set(Principle.objects.filter(plan=target).values_list("name", flat=True))
    for principle in Principle.objects.filter(plan=source):
        if principle.name not in names:
            created(_copy(principle, plan=target))
            result.principles += 1


def _copy_priorities_and_strands(source, target, created, result) -> dict[int, Strand]:
    """The target's strand for each of the old plan's strands (its priority matched by slug,
    then the strand by slug within it), copied with its priority if the target has none."""
    priorities = {priority.slug: priority for priority in Priority.objects.filter(plan=target)}
    strands = {
        (strand.priority_id, strand.slug): strand
        for strand in Strand.objects.filter(priority__plan=target)
    }
    mapped = {}
    for priority in Priority.objects.filter(plan=source).prefetch_related("strands"):
        match = priorities.get(priority.slug)
        if match is None:
            match = created(_copy(priority, plan=target))
            result.priorities += 1
        for strand in priority.strands.all():
            strand_match = strands.get((match.pk, strand.slug))
            if strand_match is None:
                strand_match = created(_copy(strand, priority=match))
                result.strands += 1
            mapped[strand.pk] = strand_match
    return mapped


def _copy(original, **belongs_to):
    """A new, unsaved row with the COPIED_FIELDS of ``original`` (a theme, principle, priority,
    strand or sub-item of the old plan), belonging to ``belongs_to`` in the target."""
    model = type(original)
    return model(**{name: getattr(original, name) for name in COPIED_FIELDS[model]}, **belongs_to)


def _carry_actions(source, target, actions, themes, strands, created, result):
    default_status = CompletionStatus.default()
    taken = set(
        Action.objects.filter(strand__priority__plan=target)
        .exclude(reference="")
        .values_list("strand_id", "reference")
    )
    flagged = set()
    for action in actions:
        strand = strands[action.strand_id]
        reference = action.reference
        if reference and (strand.pk, reference) in taken:
            result.references_cleared.append(f"{reference} ({strand.title})")
            reference = ""
        elif reference:
            taken.add((strand.pk, reference))
        finished = action.completion_status.counts_as_complete
        carried = created(
            Action(
                strand=strand,
                theme=themes.get(action.theme_id),
                reference=reference,
                text=action.text,
                order=action.order,
                lead_agency_id=action.lead_agency_id,
                lead_officer_id=action.lead_officer_id,
                timeframe=_carried_timeframe(source, target, action, flagged, created),
                completion_status=default_status if finished else action.completion_status,
                completion_note="" if finished else action.completion_note,
                carried_from=action,
            )
        )
        carried.partner_agencies.set(action.partner_agencies.all())
        for sub_item in action.sub_items.all():
            created(_copy(sub_item, action=carried))
        result.actions += 1
    result.flagged_timeframes = len(flagged)


def _carried_timeframe(source, target, action, flagged, created):
    """The target's timeframe with the action's wording; a dated one flagged (once) for an
    administrator to check its dates for the new year."""
    old = action.timeframe
    if old is None:
        return None
    # Timeframe.for_wording's lookup, made here so that a new timeframe's history says why.
    timeframe = Timeframe.objects.filter(plan=target, wording=old.wording).first() or created(
        Timeframe(plan=target, wording=old.wording)
    )
    if (
        timeframe.pk not in flagged
        and not timeframe.review_reason
        and not timeframe.set_by_hand
        and is_dated(old, target.financial_year)
    ):
        timeframe.review_reason = _review_reason(source, old, target)
        created(timeframe)
        flagged.add(timeframe.pk)
    return timeframe
