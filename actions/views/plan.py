"""A plan's page, as its action plan table reads. It lists the plan's actions, so it is this app's
(actions stands above plans); its address is the plan's, "plans:detail" (safer_lewisham/urls.py)."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from agencies.models import display_name
from plans.models import AnnualPlan
from priorities.models import Priority

from ..models import Action


@require_safe
@permission_required("plans.view_annualplan", raise_exception=True)
def plan_detail(request, slug):
    """A plan as its action plan reads: priority → strand (with its scope) → theme → actions,
    with the cross-cutting principles and the questions the plan sets out to answer."""
    plan = get_object_or_404(
        AnnualPlan.objects.select_related("strategy", "signed_off_by"), slug=slug
    )
    themes = list(plan.themes.all())
    # All of the plan's actions in one query, grouped in Python, to avoid DB access per strand
    # or theme while rendering.
    actions = list(Action.objects.filter(strand__priority__plan=plan).for_display())
    priorities = list(Priority.objects.filter(plan=plan).prefetch_related("strands"))
    context = {
        "plan": plan,
        "principles": list(plan.principles.all()),
        "key_questions": list(plan.key_questions.all()),
        "drivers": list(plan.drivers.all()),
        "priorities": [
            {
                "priority": priority,
                "strands": [
                    {
                        "strand": strand,
                        "theme_groups": _group_by_theme(
                            [a for a in actions if a.strand_id == strand.pk], themes
                        ),
                    }
                    for strand in priority.strands.all()
                ],
            }
            for priority in priorities
        ],
        "action_count": len(actions),
        "in_consultation": plan.status == AnnualPlan.Status.CONSULTATION,
        # Counted only while comments are taken: the plan's page links to them then.
        "comment_count": (
            plan.comments.count() if plan.status == AnnualPlan.Status.CONSULTATION else None
        ),
        "signed_off_by": display_name(plan.signed_off_by),
    }
    return render(request, "actions/plan_detail.html", context)


def _group_by_theme(actions, themes):
    """[(theme, [actions])] in the plan's theme order; actions with no theme come last."""
    groups = [(theme, [a for a in actions if a.theme_id == theme.pk]) for theme in themes]
    unthemed = [a for a in actions if a.theme_id is None]
    if unthemed:
        groups.append((None, unthemed))
    return [(theme, group) for theme, group in groups if group]
