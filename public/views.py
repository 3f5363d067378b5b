"""The public pages: the plans the partnership has published, read-only and open to anyone.

They show what the partnership agreed and how delivery stood at its latest meeting, never who
in an agency does the work: no officer's name appears (not the lead officer, not who wrote an
update), and a narrative marked internal is left out.

The plan's structure (its text, strands, actions, timeframes and agencies) is shown as it is now;
progress (RAG, narrative, completion and its note) only as the latest closed quarter's snapshot
holds it, so that nothing an officer types after the meeting is public before the next one.
"""

from dataclasses import replace

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from actions.models import Action, ProgressUpdate
from plans.publishing import published_plans
from priorities.models import Priority
from reviews.building import latest_closed_review

# Anyone's browser or a shared cache may keep a public page for a few minutes: it changes at
# most once a quarter, and unpublishing takes effect within this time.
CACHE_SECONDS = 300


def _cached(request, response):
    """Public caching for what a signed-out visitor sees. A signed-in person's copy shows their
    own navigation and sign-out form (with its CSRF token): never kept in a shared cache."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@login_not_required
@require_safe
def index(request):
    """The published plans, newest year first."""
    context = {"plans": list(published_plans())}
    return _cached(request, render(request, "public/index.html", context))


@login_not_required
@require_safe
def plan_page(request, slug):
    """A published plan: its principles, priorities, strands and actions (with lead and partner
    agencies), and its latest closed quarter's progress as the meeting was shown it. 404 for a
    plan that is not published."""
    plan = get_object_or_404(published_plans().select_related("strategy"), slug=slug)
    review = latest_closed_review(plan)
    progress = {}
    if review:
        # An update marked internal (or deleted) since the meeting leaves the page at once, not
        # when the quarter is next closed: its live flag is read for the whole page in one query.
        internal_now = dict(
            ProgressUpdate.objects.filter(
                action__strand__priority__plan=plan, quarter=review.quarter
            ).values_list("action_id", "internal")
        )
        progress = {
            row.action_id: _published(row, internal_now.get(row.action_id)) for row in review.rows
        }
    # Fetched up front and turned into lists, to avoid DB access while rendering. The lead
    # officer is not fetched: the public pages never name officers. Nor is the action's live
    # completion: the page shows the snapshot's.
    actions = list(
        Action.objects.filter(strand__priority__plan=plan)
        .select_related("theme", "lead_agency", "timeframe")
        .prefetch_related("partner_agencies", "sub_items")
    )
    priorities = list(Priority.objects.filter(plan=plan).prefetch_related("strands"))
    context = {
        "plan": plan,
        "principles": list(plan.principles.all()),
        "review": review,
        "priorities": [
            {
                "priority": priority,
                "strands": [
                    {
                        "strand": strand,
                        "actions": [
                            (action, progress.get(action.pk))
                            for action in actions
                            if action.strand_id == strand.pk
                        ],
                    }
                    for strand in priority.strands.all()
                ],
            }
            for priority in priorities
        ],
    }
    return _cached(request, render(request, "public/plan.html", context))


def _published(row, internal_now):
    """The snapshot's row as the public may read it: without its narrative, or the completion
    note typed in the same form, when its update was internal at the meeting or is now
    (internal_now: the update's flag now, None when it no longer exists)."""
    if row.internal or internal_now:
        return replace(row, internal=True, narrative="", completion_note="")
    if internal_now is None:
        return replace(row, narrative="")
    return row
