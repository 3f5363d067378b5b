"""Recording an officer's quarterly progress on an action, without losing anybody's edit."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import Error as DatabaseFailure
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from agencies.middleware import take_unsaved_form
from plans.year import QuarterClosed, closure_refusal, form_quarter

from .. import progress
from ..forms import ProgressUpdateForm, quarter_label
from ..models import Action, ProgressUpdate
from .recording import RecordingPage, asked_quarter, with_current_versions

TEMPLATE = "actions/progress_form.html"
# What the officer may have typed, handed back on a refusal page: (field, label).
TYPED_FIELDS = (("narrative", "Narrative"), ("completion_note", "Completion note"))
# How long to tell browsers to wait before trying again when the database failed (seconds).
RETRY_AFTER_SECONDS = 120
NOT_SAVED = (
    "Your update has not been saved: the service could not reach its database. Try saving "
    "again in a few minutes: what you typed is still in the form."
)

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "HEAD", "POST"])
def record_progress(request, pk):
    """The progress update form for one open quarter of the action's plan (the reporting
    quarter unless ?quarter= chooses an earlier one). Saving a quarter that already has an
    update amends it. A save that would overwrite someone else's is refused (409) with what
    they saved, and the officer's own text kept in the form."""
    action = get_object_or_404(
        Action.objects.select_related("strand__priority__plan", "completion_status"), pk=pk
    )
    # Anyone who may read the action is told they may not change it (403), not that it is
    # missing: the action page is theirs to read.
    if not Action.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    plan = action.plan
    page = _page(action)
    # A form posted after the session ran out comes back once the officer has signed in again
    # (agencies.middleware): it is treated as posted, but only shown, never saved unasked.
    unsaved = take_unsaved_form(request) if request.method == "GET" else None
    posted = request.POST if request.method == "POST" else unsaved
    reason = plan.why_no_updates()
    if reason:
        return page.refuse(request, "You cannot record progress", reason, posted, status=403)

    chosen = form_quarter(plan, asked_quarter(request, posted))
    quarter = chosen.quarter
    if quarter is None:
        closed = closure_refusal(plan, chosen.asked) if chosen.asked else None
        return page.refuse(
            request,
            "There is a problem with the quarter",
            f"{closed} Choose another quarter below."
            if closed
            else f"Progress can only be recorded for a quarter of {plan.title} that has begun: "
            f"choose one below.",
            posted,
            status=400,
            quarters=chosen.choices,
        )

    if posted is None:
        form = ProgressUpdateForm(initial=_showing(action, quarter), plan=plan)
        return _form_page(request, page, action, quarter, form, chosen.choices)

    form = ProgressUpdateForm(posted, plan=plan)
    if unsaved is not None:
        return _form_page(request, page, action, quarter, form, chosen.choices, restored=True)
    if not form.is_valid():
        return _form_page(request, page, action, quarter, form, chosen.choices, status=400)
    try:
        progress.record_progress(
            action,
            form.progress(),
            author=request.user,
            action_version=form.cleaned_data["action_version"],
            update_version=form.cleaned_data["update_version"],
        )
    except progress.ProgressConflict as conflict:
        return _conflict_page(request, page, action, quarter, form, chosen.choices, conflict)
    except QuarterClosed as closed:
        # Closed after the meeting while the form was open: nothing saved, the text shown.
        return page.refuse(request, "You cannot record progress", str(closed), posted, status=400)
    except DatabaseFailure:
        # The database failed somewhere between the version check and the last write (the
        # connection dropped, the server restarted...): the transaction was rolled back, so
        # nothing of this update is saved, and what someone else saved before is untouched.
        # The officer gets their form back with their text, to save again. (If the database is
        # still out, drawing the form fails too and safer_lewisham.views.server_error shows the
        # "service unavailable" page with the text instead.)
        logger.exception("Progress on action %s not saved: the database failed.", action.pk)
        form.add_error(None, NOT_SAVED)
        response = _form_page(request, page, action, quarter, form, chosen.choices, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    messages.success(request, f"Progress for {quarter.label} saved")
    return redirect(action)


def _showing(action, quarter):
    """What the form starts with: that quarter's update if there is one (to amend it), the
    action's completion, and the versions of both as shown."""
    update = ProgressUpdate.objects.filter(action=action, quarter=quarter.number).first()
    return {
        "quarter": quarter.number,
        "rag_rating": update.rag_rating if update else None,
        "narrative": update.narrative if update else "",
        "internal": update.internal if update else False,
        "completion_status": action.completion_status_id,
        "completion_note": action.completion_note,
        "action_version": action.version,
        "update_version": update.version if update else None,
    }


def _page(action):
    return RecordingPage(
        TEMPLATE,
        {"action": action, "plan": action.plan},
        reverse("actions:update", args=[action.pk]),
        (action.get_absolute_url(), "Go back to the action"),
        lambda quarter: f"Record progress for {quarter_label(quarter)}",
        TYPED_FIELDS,
    )


def _form_page(request, page, action, quarter, form, choices, status=200, **extra):
    updates = {
        update.quarter: update
        for update in action.progress_updates.select_related("author").order_by("quarter")
    }
    return page.render(
        request,
        status,
        quarter=quarter,
        quarter_label=quarter_label(quarter),
        form=form,
        existing_update=updates.get(quarter.number),
        quarter_links=[(other, quarter_label(other), other.number in updates) for other in choices],
        **extra,
    )


def _conflict_page(request, page, action, quarter, form, choices, conflict):
    """The officer's form again, holding what they typed, with what the other person saved
    above it; its hidden versions are now the current ones, so saving again (after merging)
    goes through."""
    shown_update_version = form.cleaned_data["update_version"]
    their_update = conflict.update
    if their_update is not None and their_update.version == shown_update_version:
        their_update = None  # the quarter's update is as the officer saw it
    last_change = (
        Action.history.filter(id=action.pk).select_related("history_user").order_by("-history_date")
    ).first()
    data = with_current_versions(
        form,
        action_version=conflict.action.version,
        update_version=conflict.update.version if conflict.update else None,
    )
    return _form_page(
        request,
        page,
        action,
        quarter,
        ProgressUpdateForm(data, plan=action.plan),
        choices,
        status=409,
        conflict={
            "heading": "Someone else saved this action while you were editing it",
            "theirs": "actions/includes/conflict_progress.html",
            "update": their_update,
            "update_deleted": conflict.update is None and shown_update_version is not None,
            "action": conflict.action,
            "action_changed": conflict.action.version != form.cleaned_data["action_version"],
            "last_change": last_change,
        },
    )
