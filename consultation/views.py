"""Consultation on a draft plan: members and officers comment on the plan, a strand or an action
while it is out for consultation; administrators read every comment in one list (printed for
the meeting) and mark each one addressed."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actions.models import Action
from agencies.middleware import take_unsaved_form
from agencies.models import display_name
from govuk.forms import is_id
from plans.models import AnnualPlan, PlanStatus
from priorities.models import Strand

from .forms import AddressForm, CommentForm
from .models import Comment

# The list's filters: ?show=open, ?show=addressed, or every comment.
FILTERS = {
    "all": ("All", lambda comments: comments),
    "open": ("Open", lambda comments: comments.open()),
    "addressed": ("Addressed", lambda comments: comments.addressed()),
}
NOT_IN_CONSULTATION = (
    "Comments are taken while the plan is out for consultation. {plan} is {status}, so your "
    "comment cannot be added."
)


@require_safe
@permission_required("consultation.view_comment", raise_exception=True)
def comment_list(request, slug):
    """Every comment on the plan in one list, oldest first, filtered by ?show= (all, open or
    addressed), with the counts of each; for administrators, the forms that mark a comment
    addressed or open again. It prints for the partnership's meeting."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    return _list_page(request, plan)


def _list_page(request, plan, *, problem=None, status=200):
    show = request.GET.get("show")
    if show not in FILTERS:
        show = "all"
    comments = plan.comments.select_related("author", "addressed_by", "strand", "action").order_by(
        "created_at", "id"
    )
    counts = plan.comments.aggregate(
        all=Count("id"),
        open=Count("id", filter=Q(addressed_at__isnull=True)),
        addressed=Count("id", filter=Q(addressed_at__isnull=False)),
    )
    # Turned into a list here, to avoid DB access while rendering the template.
    shown = list(FILTERS[show][1](comments))
    context = {
        "plan": plan,
        "show": show,
        "filters": [(key, label, counts[key]) for key, (label, _) in FILTERS.items()],
        "comments": [_listed(comment, plan) for comment in shown],
        "can_address": request.user.has_perm("consultation.address_comment"),
        "in_consultation": plan.status == PlanStatus.CONSULTATION,
        "can_comment": request.user.has_perm("consultation.add_comment"),
        "problem": problem,
    }
    return render(request, "consultation/comment_list.html", context, status=status)


def _listed(comment, plan):
    return {
        "comment": comment,
        "subject": comment.subject_label,
        "subject_url": _subject_url(plan, comment.strand, comment.action),
        "author": display_name(comment.author),
        "addressed_by": display_name(comment.addressed_by),
    }


def _subject_url(plan, strand, action):
    if action is not None:
        return action.get_absolute_url()
    if strand is not None:
        return f"{plan.get_absolute_url()}#strand-{strand.pk}"
    return plan.get_absolute_url()


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("consultation.add_comment", raise_exception=True)
def add_comment(request, slug):
    """The comment form, on the plan as a whole or, with ?strand= or ?action=, on one of its
    strands or actions (404 for another plan's). Comments are taken only while the plan is out
    for consultation: otherwise the page says so (403), showing what was typed so that it can
    be copied."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    strand, action = _subject(plan, request.GET)
    # A form posted after the session ran out comes back once signed in again: shown, not saved.
    unsaved = take_unsaved_form(request) if request.method == "GET" else None
    posted = request.POST if request.method == "POST" else unsaved
    if plan.status != PlanStatus.CONSULTATION:
        return _refusal(request, plan, strand, action, posted)
    form = CommentForm(posted)
    if posted is None or unsaved is not None:
        return _form_page(request, plan, strand, action, form, restored=unsaved is not None)
    if not form.is_valid():
        return _form_page(request, plan, strand, action, form, status=400)
    with transaction.atomic():
        # The plan may be signed off or returned to draft while the form was open: checked
        # with its row locked (plans/lifecycle.py locks it to change its status).
        plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != PlanStatus.CONSULTATION:
            return _refusal(request, plan, strand, action, posted)
        comment = Comment(plan=plan, strand=strand, action=action, text=form.cleaned_data["text"])
        comment.author = request.user
        comment._change_reason = "Comment added"
        comment.save()
    messages.success(request, "Your comment has been added.")
    if request.user.has_perm("consultation.view_comment"):
        return redirect(f"{reverse('consultation:list', args=[plan.slug])}#comment-{comment.pk}")
    return redirect(_subject_url(plan, strand, action))


def _subject(plan, params):
    """The strand or action (of this plan) that ?strand= or ?action= names: (strand, action)."""
    strand_id, action_id = params.get("strand"), params.get("action")
    if strand_id and action_id:
        raise Http404("A comment is on a strand or on an action, not both.")
    strand = action = None
    if strand_id:
        strand = get_object_or_404(
            Strand.objects.select_related("priority"), pk=_number(strand_id), priority__plan=plan
        )
    if action_id:
        action = get_object_or_404(
            Action.objects.select_related("strand"),
            pk=_number(action_id),
            strand__priority__plan=plan,
        )
    return strand, action


def _number(value):
    # An id as the page's links write it: "٣" is not strand 3.
    if not is_id(value):
        raise Http404("Not an id.")
    return int(value)


def _form_page(request, plan, strand, action, form, *, status=200, restored=False):
    query = f"?strand={strand.pk}" if strand else f"?action={action.pk}" if action else ""
    context = {
        "plan": plan,
        "strand": strand,
        "action": action,
        "heading": _heading(strand, action),
        "subject_url": _subject_url(plan, strand, action),
        "form_url": reverse("consultation:add", args=[plan.slug]) + query,
        "form": form,
        "restored": restored,
    }
    return render(request, "consultation/comment_form.html", context, status=status)


def _heading(strand, action):
    if action is not None:
        return (
            f"Comment on action {action.reference}"
            if action.reference
            else ("Comment on an action")
        )
    if strand is not None:
        return "Comment on a strand"
    return "Comment on the plan"


def _refusal(request, plan, strand, action, posted):
    subject = Comment(plan=plan, strand=strand, action=action)
    typed = (posted.get("text") or "").strip() if posted is not None else ""
    context = {
        "plan": plan,
        "subject": subject.subject_label,
        "subject_url": _subject_url(plan, strand, action),
        "reason": NOT_IN_CONSULTATION.format(
            plan=plan.title, status=plan.get_status_display().lower()
        ),
        "typed": typed,
    }
    return render(request, "consultation/comment_refused.html", context, status=403)


@require_POST
@permission_required("consultation.address_comment", raise_exception=True)
def address_comment(request, slug, pk):
    """Mark a comment addressed, with an optional response saying how the plan deals with it."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    form = AddressForm(request.POST)
    if not form.is_valid():
        return _list_page(request, plan, problem=form.errors["response"][0], status=400)
    with transaction.atomic():
        comment = get_object_or_404(Comment.objects.select_for_update(), pk=pk, plan=plan)
        if comment.is_addressed:
            messages.info(
                request,
                f"That comment had already been marked addressed by "
                f"{display_name(comment.addressed_by) or 'someone'}.",
            )
            return _back_to_list(request, plan, comment)
        comment.addressed_at = timezone.now()
        comment.addressed_by = request.user
        comment.response = form.cleaned_data["response"].strip()
        comment._change_reason = "Marked addressed"
        comment.save()
    messages.success(request, f"Comment marked addressed ({comment.subject_label}).")
    return _back_to_list(request, plan, comment)


@require_POST
@permission_required("consultation.address_comment", raise_exception=True)
def reopen_comment(request, slug, pk):
    """Mark an addressed comment open again. Its response is kept, to be amended."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    with transaction.atomic():
        comment = get_object_or_404(Comment.objects.select_for_update(), pk=pk, plan=plan)
        if not comment.is_addressed:
            messages.info(request, "That comment was already open.")
            return _back_to_list(request, plan, comment)
        comment.addressed_at = None
        comment.addressed_by = None
        comment._change_reason = "Reopened"
        comment.save()
    messages.success(request, f"Comment open again ({comment.subject_label}).")
    return _back_to_list(request, plan, comment)


def _back_to_list(request, plan, comment):
    show = request.POST.get("show")
    query = f"?show={show}" if show in FILTERS and show != "all" else ""
    return redirect(f"{reverse('consultation:list', args=[plan.slug])}{query}#comment-{comment.pk}")
