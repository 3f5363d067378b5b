"""A plan's page, as its action plan table reads. It lists the plan's actions, so it is this app's
(actions stands above plans); its address is the plan's, "plans:detail" (safer_lewisham/urls.py).

A plan of up to FOLD_ABOVE actions (every real partnership's) shows them all on the one page. A
larger plan folds by strand: the page shows its priorities and strands, each with its number of
actions and how many are complete, and each strand's actions are at the plan's address with
``?strand=<id>``, ACTIONS_PER_PAGE at a time (``&page=<n>``): every action is reached by ordinary
links, and a strand's list can be bookmarked. Any plan's strand has that address."""

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from agencies.models import Agency, display_name
from plans.models import AnnualPlan
from priorities.models import Priority, Strand

from ..models import Action, ActionSubItem

# Above this many actions a plan's page shows its structure, and each strand's actions at an
# address of their own: 2,000 rows are 2 MB of HTML and seconds to draw. Real partnerships' plans
# hold 30 to 120 actions (the demo's 37), and keep showing everything on one page.
FOLD_ABOVE = 150
# A strand's actions are listed this many to a page (the 2,000-action plan's largest strand has
# about 170).
ACTIONS_PER_PAGE = 100


@dataclass(frozen=True)
class PlanRow:
    """An action as a row of the plan's table, worked out once: its cells that other pages show
    too (timeframe, lead, completion) drawn by their one include each, once per distinct value
    rather than once per row. Text, escaped by the template, except those cells."""

    action_id: int
    strand_id: int
    theme_id: int | None
    reference: str
    text: str
    sub_items: list[str]  # "a) Domestic Violence Protection Orders"
    timeframe: SafeString
    lead: SafeString
    completion: SafeString


def plan_rows(request, actions) -> list[PlanRow]:
    """The rows of ``actions`` (fetched by ``_for_rows``), with their partner agencies and
    sub-items in one query each: prefetching them costs a scoped queryset per action (about a
    millisecond each, most of a page's time)."""
    ids = [action.pk for action in actions]
    partners, sub_items = defaultdict(list), defaultdict(list)
    for agency in Agency.objects.filter(partner_actions__in=ids).annotate(
        action_id=F("partner_actions")
    ):
        partners[agency.action_id].append(agency)
    for item in ActionSubItem.objects.filter(action__in=ids).order_by("action", "order", "id"):
        sub_items[item.action_id].append(f"{item.label}) {item.text}")
    cells = Cells(request)
    return [
        PlanRow(
            action_id=action.pk,
            strand_id=action.strand_id,
            theme_id=action.theme_id,
            reference=action.reference,
            text=action.text,
            sub_items=sub_items[action.pk],
            timeframe=cells.timeframe(action),
            lead=cells.lead(action, partners[action.pk]),
            completion=cells.completion(action),
        )
        for action in actions
    ]


class Cells:
    """The cells of the plan's table that other pages show too, each drawn by its one include
    once per distinct value for one request, rather than once per row."""

    def __init__(self, request):
        self.request = request
        self.templates = {
            name: get_template(f"includes/{name}.html")
            for name in ("timeframe", "lead", "completion")
        }
        self.drawn = {}

    def _cell(self, name, key, context) -> SafeString:
        cell = self.drawn.get((name, key))
        if cell is None:
            # The include's own markup, its indentation collapsed (a plan's page sends hundreds
            # of these): what it drew is escaped already, so it stays safe.
            html = self.templates[name].render(context)
            cell = self.drawn[(name, key)] = mark_safe(" ".join(html.split()))  # noqa: S308
        return cell

    def timeframe(self, action) -> SafeString:
        return self._cell("timeframe", action.timeframe_id, {"timeframe": action.timeframe})

    def lead(self, action, partners) -> SafeString:
        key = (action.lead_agency_id, action.lead_officer_id, tuple(p.pk for p in partners))
        return self._cell(
            "lead", key, {"action": action, "partners": partners, "request": self.request}
        )

    def completion(self, action) -> SafeString:
        key = (action.completion_status_id, action.completion_note)
        return self._cell("completion", key, {"action": action})


@require_safe
@permission_required("plans.view_annualplan", raise_exception=True)
def plan_detail(request, slug):
    """A plan as its action plan reads: priority → strand (with its scope) → theme → actions,
    with the cross-cutting principles and the questions the plan sets out to answer; for a
    large plan, its strands, or one strand's actions (``?strand=``) a page at a time."""
    plan = get_object_or_404(
        AnnualPlan.objects.select_related("strategy", "signed_off_by"), slug=slug
    )
    plan_actions = Action.objects.filter(strand__priority__plan=plan)
    # The strands with their number of actions, counted in SQL: whether the plan is large is
    # known before fetching an action.
    strands = list(
        Strand.objects.filter(priority__plan=plan)
        .select_related("priority")
        .annotate(action_count=Count("actions"))
        # Strand's own ordering, which Django leaves out of a query that counts.
        .order_by(*Strand._meta.ordering)
    )
    action_count = sum(strand.action_count for strand in strands)
    context = {
        "plan": plan,
        "action_count": action_count,
        "in_consultation": plan.status == AnnualPlan.Status.CONSULTATION,
        # Counted only while comments are taken: the plan's page links to them then.
        "comment_count": (
            plan.comments.count() if plan.status == AnnualPlan.Status.CONSULTATION else None
        ),
        "signed_off_by": display_name(plan.signed_off_by),
    }
    if "strand" in request.GET:
        return _strand_page(request, plan, strands, context)

    themes = list(plan.themes.all())
    priorities = list(Priority.objects.filter(plan=plan))
    folded = action_count > FOLD_ABOVE
    if folded:
        # The overview shows each strand's number of complete actions, not its actions.
        complete = _count_by_strand(plan_actions.complete())
        for strand in strands:
            strand.complete_count = complete.get(strand.pk, 0)
        actions_of = {}
    else:
        # All of the plan's actions in one query (and one for each of partners and sub-items),
        # made into rows once, to avoid DB access per strand or row while rendering.
        rows = plan_rows(
            request,
            list(_for_rows(plan_actions).order_by("strand_id", "order", "id")),
        )
        actions_of = {
            strand_id: list(strand_rows)
            for strand_id, strand_rows in groupby(rows, key=lambda row: row.strand_id)
        }
    context |= {
        "folded": folded,
        "strand_count": len(strands),
        "principles": list(plan.principles.all()),
        "key_questions": list(plan.key_questions.all()),
        "drivers": list(plan.drivers.all()),
        "priorities": [
            {
                "priority": priority,
                "strands": [
                    {
                        "strand": strand,
                        "theme_groups": _group_by_theme(actions_of.get(strand.pk, []), themes),
                    }
                    for strand in strands
                    if strand.priority_id == priority.pk
                ],
            }
            for priority in priorities
        ],
    }
    return render(request, "actions/plan_detail.html", context)


def _strand_page(request, plan, strands, context):
    """One strand's actions, ACTIONS_PER_PAGE at a time, in the order of the plan's table (by
    theme, then as ordered in the strand). Not a strand of this plan: 404; a page that is not a
    number, or past the last: the nearest page, which says which actions it shows."""
    wanted = request.GET["strand"]
    strand = next((s for s in strands if str(s.pk) == wanted), None)
    if strand is None:
        raise Http404("No strand of this plan has that number.")
    actions = _for_rows(Action.objects.filter(strand=strand)).order_by(
        F("theme__order").asc(nulls_last=True), "theme_id", "order", "id"
    )
    paginator = Paginator(actions, ACTIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = plan_rows(request, list(page.object_list))
    themes = {theme.pk: theme for theme in plan.themes.all()}
    context |= {
        "strand": strand,
        "page": page,
        "page_links": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "ellipsis": paginator.ELLIPSIS,
        "theme_groups": [
            (themes.get(theme_id), list(group))
            for theme_id, group in groupby(rows, key=lambda row: row.theme_id)
        ],
    }
    return render(request, "actions/plan_strand.html", context)


def _for_rows(actions):
    """The actions with what a row shows of their own (plan_rows fetches the rest): a narrower
    for_display. Its strand, priority, plan and theme the page has already, and each table
    joined adds to the time PostgreSQL takes to plan the query."""
    return actions.select_related("lead_agency", "lead_officer", "timeframe", "completion_status")


def _count_by_strand(actions) -> dict[int, int]:
    """{strand id: number of the actions}, in one grouped query."""
    return dict(actions.order_by().values_list("strand").annotate(count=Count("pk")))


def _group_by_theme(rows, themes):
    """[(theme, [rows])] in the plan's theme order; actions with no theme come last."""
    groups = [(theme, [r for r in rows if r.theme_id == theme.pk]) for theme in themes]
    unthemed = [r for r in rows if r.theme_id is None]
    if unthemed:
        groups.append((None, unthemed))
    return [(theme, group) for theme, group in groups if group]
