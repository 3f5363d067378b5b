"""The progress spreadsheet's pages: choose a plan and quarter and download your actions; upload
the filled-in file; check what it would record; confirm. Nothing is recorded before the
confirmation, and then every row to record is recorded, or none."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from actions.models import Action
from plans.models import AnnualPlan
from plans.year import closure_refusal, form_quarter, quarter_number
from spreadsheets.reading import UnreadableFile, too_large

from .download import XLSX, filename_for, progress_workbook
from .forms import UploadForm
from .models import ProgressUpload
from .planning import NotAProgressSpreadsheet, apply_upload, plan_upload, read_upload

START = "bulkupdates:start"


def records_progress(view):
    """People who record progress only (officers, administrators); anyone else of the
    partnership is refused (403)."""

    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (
            user.has_perm("actions.add_progressupdate")
            or user.has_perm("actions.update_any_action")
        ):
            raise PermissionDenied("Only people who record progress upload it.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_http_methods(["GET", "HEAD", "POST"])
@records_progress
def start(request):
    """The plans the person has actions to update in, each with its open quarters to
    download; and the upload of a filled-in spreadsheet, read and kept for its preview."""
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        filename = upload.name[:255]
        try:
            # Refused by its size before it is read into memory.
            if too_large(upload.size):
                raise UnreadableFile(too_large(upload.size))
            content = upload.read()
            uploaded = read_upload(filename, content)
        except (UnreadableFile, NotAProgressSpreadsheet) as problem:
            form.add_error("file", str(problem))
        else:
            record = ProgressUpload.objects.create(
                plan=uploaded.plan,
                quarter=uploaded.quarter,
                filename=filename,
                file=ContentFile(content, name=filename),
                uploaded_by=request.user,
            )
            return redirect("bulkupdates:upload", pk=record.pk)
    return render(
        request,
        "bulkupdates/start.html",
        {"form": form, "plans": _plans_to_download(request.user)},
        status=400 if form.errors else 200,
    )


def _plans_to_download(user):
    """[(plan, number of the person's actions in it, open quarters, the quarter to offer
    first)] for the plans taking updates in which the person may update an action."""
    counts = dict(
        Action.objects.editable_by(user)
        .filter(strand__priority__plan__in=AnnualPlan.objects.taking_updates())
        .values_list("strand__priority__plan")
        .annotate(count=Count("pk"))
        .order_by()
    )
    plans = AnnualPlan.objects.filter(pk__in=counts).prefetch_related("quarter_closures")
    listed = []
    for plan in plans.order_by("-financial_year", "title"):
        chosen = form_quarter(plan, None)
        if chosen.quarter is not None:
            listed.append((plan, counts[plan.pk], chosen.choices, chosen.quarter))
    return listed


@require_safe
@records_progress
def download(request, slug, quarter):
    """The person's actions in the plan for the quarter, as an Excel workbook to fill in."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    back = (reverse(START), "Go back to Update progress from a spreadsheet")
    reason = plan.why_no_updates()
    number = quarter_number(quarter)
    if not reason and number not in {q.number for q in plan.open_quarters()}:
        reason = (closure_refusal(plan, number) if number else None) or (
            f"Progress can only be recorded for a quarter of {plan.title} that has begun."
        )
    if (
        not reason
        and not Action.objects.editable_by(request.user)
        .filter(strand__priority__plan=plan)
        .exists()
    ):
        return _refusal(
            request,
            "You have no actions to update in this plan",
            f"You may record progress only on the actions you or your organisation lead, and "
            f"none of {plan.title}’s is yours.",
            back,
            status=403,
        )
    if reason:
        return _refusal(request, "You cannot download this spreadsheet", reason, back, 400)
    period = plan.quarter(number)
    response = HttpResponse(progress_workbook(plan, period, request.user), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename_for(plan, period)}"'
    return response


def _refusal(request, title, reason, back, status):
    return render(
        request,
        "bulkupdates/refused.html",
        {"title": title, "reason": reason, "back_url": back[0], "back_text": back[1]},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@records_progress
def upload(request, pk):
    """An uploaded spreadsheet: before confirmation, what it would record row by row, and the
    button to record it; afterwards, what it recorded. Only its uploader sees it."""
    record = get_object_or_404(
        ProgressUpload.objects.select_related("plan"), pk=pk, uploaded_by=request.user
    )
    if record.status == ProgressUpload.Status.APPLIED:
        if request.method == "POST":
            messages.info(request, "This spreadsheet has already been recorded")
            return redirect("bulkupdates:upload", pk=record.pk)
        return render(request, "bulkupdates/recorded.html", {"record": record, **record.summary})
    if request.method == "POST":
        return _confirm(request, record)
    try:
        preview = plan_upload(record, request.user)
    except (UnreadableFile, NotAProgressSpreadsheet) as problem:
        # Read when it was uploaded: refused now only if reading has become stricter since.
        messages.error(request, str(problem))
        return redirect(START)
    return _preview_page(request, record, preview)


def _confirm(request, record):
    try:
        outcome = apply_upload(record, request.user, expected_digest=request.POST.get("digest", ""))
    except (UnreadableFile, NotAProgressSpreadsheet) as problem:
        messages.error(request, str(problem))
        return redirect(START)
    if outcome.already:
        messages.info(request, "This spreadsheet has already been recorded")
        return redirect("bulkupdates:upload", pk=record.pk)
    if outcome.preview is None:
        # Recorded: its page says how many, and lists the conflicts again.
        return redirect("bulkupdates:upload", pk=record.pk)
    return _preview_page(request, record, outcome.preview, changed=True, status=409)


def _preview_page(request, record, preview, *, changed=False, status=200):
    return render(
        request,
        "bulkupdates/preview.html",
        {"record": record, "preview": preview, "changed": changed},
        status=status,
    )
