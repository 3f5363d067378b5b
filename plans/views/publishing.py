"""Publishing a signed-off plan on the public pages, and taking it off them."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import publishing
from ..models import AnnualPlan


@require_POST
@permission_required("plans.publish_plan", raise_exception=True)
def publish(request, slug):
    """`action=publish` puts the plan on the public pages (only once it is signed off);
    `action=unpublish` takes it off. Either way, back to the plan's page with a banner."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    action = request.POST.get("action")
    if action == "publish":
        try:
            changed = publishing.publish(plan, by=request.user)
        except publishing.NotPublishable as refusal:
            return _refuse(request, plan, str(refusal))
        address = request.build_absolute_uri(reverse("public:plan", args=[plan.slug]))
        banner = {"plan": plan, "changed": changed, "address": address}
        messages.success(request, render_to_string("plans/messages/published.html", banner))
    elif action == "unpublish":
        changed = publishing.unpublish(plan, by=request.user)
        messages.success(
            request,
            f"{plan.title} {'has been taken off' if changed else 'was not on'} the public pages",
        )
    else:
        return _refuse(request, plan, "Choose to publish the plan or to unpublish it.")
    return redirect(plan)


def _refuse(request, plan, reason):
    context = {"plan": plan, "reason": reason}
    return render(request, "plans/publish_refused.html", context, status=400)
