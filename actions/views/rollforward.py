"""Rolling a plan forward into next year's plan: the administrator's form (actions/rollforward.py
does the work). Its address is the plan's, "plans:roll_forward" (safer_lewisham/urls.py)."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from plans.models import AnnualPlan

from .. import rollforward
from ..forms import EXISTING, NEW, RollForwardForm
from ..models import Action
from ..rollforward import RollForwardError, later_drafts, next_plan_defaults

TEMPLATE = "actions/roll_forward.html"


def initial_choice(source: AnnualPlan) -> dict:
    """What the form starts with: a new plan named for the next year, unless the draft that new
    plan would be (next year's, with the web address it would take) exists: then that draft."""
    defaults = next_plan_defaults(source)
    existing = later_drafts(source).filter(
        financial_year=defaults["financial_year"], slug=defaults["slug"]
    )
    target = existing.first()
    return {
        **defaults,
        "into": EXISTING if target else NEW,
        "target": target.pk if target else None,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("plans.roll_forward_plan", raise_exception=True)
def roll_forward(request, slug):
    """The form: where to roll the plan forward, and which of its actions to carry
    (unfinished ones ticked). Saving rolls it forward and goes to the plan it went into."""
    source = get_object_or_404(AnnualPlan, slug=slug)
    actions = list(
        Action.objects.filter(strand__priority__plan=source)
        .select_related("strand__priority", "timeframe", "completion_status")
        .in_plan_order()
    )
    if request.method != "POST":
        form = RollForwardForm(initial=initial_choice(source), source=source)
        chosen = {action.pk for action in actions if not action.is_complete}
        return _form_page(request, source, form, actions, chosen)

    form = RollForwardForm(request.POST, source=source)
    # The boxes ticked again, found by their ids as the page wrote them: a posted value is
    # never read as a number ("²" and a number of 4,301 digits are no action's).
    posted = set(request.POST.getlist("actions"))
    chosen = {action.pk for action in actions if str(action.pk) in posted}
    if not form.is_valid():
        return _form_page(request, source, form, actions, chosen, status=400)
    data = form.cleaned_data
    try:
        result = rollforward.roll_forward(
            source,
            carry=[action.pk for action in data["actions"]],
            user=request.user,
            target=data["target"] if data["into"] == EXISTING else None,
            title=data["title"].strip(),
            slug=data["slug"],
            financial_year=data["financial_year"],
        )
    except RollForwardError as error:
        # Something changed since the form was checked (the draft moved on, the address was
        # taken): nothing was written; say so above the form, choices kept.
        form.add_error(None, str(error))
        return _form_page(request, source, form, actions, chosen, status=400)
    messages.success(request, _banner(source, result))
    return redirect(result.target)


def _banner(source, result):
    """ "Rolled forward from Safer Lewisham Plan 17-18: 20 actions carried; 12 timeframes need
    their dates checked", with a link to those timeframes in admin."""
    review_url = (
        reverse("admin:actions_timeframe_changelist")
        + f"?needs_review=yes&plan__id__exact={result.target.pk}"
    )
    context = {"source": source, "result": result, "review_url": review_url}
    return render_to_string("actions/messages/rolled_forward.html", context)


def _form_page(request, source, form, actions, chosen, status=200):
    groups = [
        (priority, [(strand, list(rows)) for strand, rows in groupby(group, lambda a: a.strand)])
        for priority, group in groupby(actions, key=lambda a: a.strand.priority)
    ]
    context = {
        "plan": source,
        "form": form,
        "into": form["into"].value(),
        "target_id": str(form["target"].value() or ""),
        "drafts": form.drafts,
        "error_links": form.error_links(actions[0].pk if actions else None) if form.errors else [],
        "groups": groups,
        "chosen": chosen,
        "action_count": len(actions),
    }
    return render(request, TEMPLATE, context, status=status)
