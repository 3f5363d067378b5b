"""Downloads of a plan's quarterly review: the meeting pack (PDF) and the action table as a
spreadsheet (xlsx) or CSV. Each is built from the same ``QuarterlyReview`` as the quarterly page,
so a closed quarter's downloads are its snapshot, as the meeting saw it.

The pack of a plan of more than ``BACKGROUND_DOWNLOAD_ACTIONS`` actions is drawn by a background
job (reviews/tasks.py): the person is sent to its page, which shows how far it has got and then
links to the file. Anyone who may read the plan's quarter may open that page and its file, as
they may the pack itself; an oversight body's people have packs of their own (without names)."""

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from plans.models import AnnualPlan
from plans.quarters import QUARTER_NUMBERS
from preparedfiles.models import PreparedFile

from ..building import review_read
from ..figures import QuarterlyReview
from ..outputs.pack import build_pack
from ..outputs.spreadsheets import build_csv, build_xlsx
from ..tasks import filename, pack_in_background, pack_key

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How often the page of a pack being prepared asks again how far it has got, where JavaScript
# runs (static/js/prepared-file.mjs); without it, the person presses "Check again".
CHECK_SECONDS = 3


def _plan_and_review(request, slug, quarter) -> tuple[AnnualPlan, QuarterlyReview]:
    """The plan (with its partnership) and the review of its quarter; 404 for an unknown plan
    or a quarter outside 1–4."""
    if quarter not in QUARTER_NUMBERS:
        raise Http404("A plan's quarters are numbered 1 to 4.")
    plan = get_object_or_404(AnnualPlan.objects.select_related("partnership"), slug=slug)
    return plan, review_read(request, plan, quarter)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # What the partnership reports internally: kept out of shared caches.
    patch_cache_control(response, private=True)
    return response


def _reads_as_oversight(request) -> bool:
    return getattr(request, "reads_as_oversight", False)


@require_safe
@permission_required("plans.view_annualplan", raise_exception=True)
def pack_pdf(request, slug, quarter):
    """The meeting pack: the quarterly review as a PDF to attach to committee papers. A large
    plan's is prepared in the background: the person is sent to its page while it is being
    prepared (or if it failed), straight to the file once it is ready (as at once with no job
    queue, the job having run here)."""
    plan, review = _plan_and_review(request, slug, quarter)
    if len(review.rows) <= settings.BACKGROUND_DOWNLOAD_ACTIONS:
        pdf = build_pack(review, plan.partnership.name)
        return _download(pdf, "application/pdf", filename(review, "pack.pdf"))
    prepared = pack_in_background(
        plan, review, request.user, oversight=_reads_as_oversight(request)
    )
    page = "reviews:prepared_pack_download" if prepared.is_ready else "reviews:prepared_pack"
    return redirect(page, slug=plan.slug, quarter=quarter, pk=prepared.pk)


def _prepared_pack(request, slug, quarter, pk) -> tuple[AnnualPlan, PreparedFile]:
    """The plan and its quarter's pack prepared in the background, as the person reads it: 404
    for another plan's or quarter's, another partnership's, one past its expiry, and, for an
    oversight body's people, the partnership's own (which has names)."""
    plan = get_object_or_404(AnnualPlan.objects.select_related("partnership"), slug=slug)
    files = PreparedFile.objects.filter(
        key=pack_key(plan.pk, quarter, oversight=_reads_as_oversight(request))
    )
    return plan, get_object_or_404(files.unexpired(), pk=pk)


@require_safe
@permission_required("plans.view_annualplan", raise_exception=True)
def prepared_pack(request, slug, quarter, pk):
    """A meeting pack being prepared: how far it has got, with a button to check again (where
    JavaScript runs, the page checks by itself until the pack is ready), then a link to it; or
    that it failed, and a link to try again."""
    plan, prepared = _prepared_pack(request, slug, quarter, pk)
    response = render(
        request,
        "preparedfiles/status.html",
        {
            "plan": plan,
            "prepared": prepared,
            "what": "the meeting pack",
            "kind": "PDF",
            "back_text": "Back to the quarterly review",
            "back_url": reverse("reviews:quarter", args=[plan.slug, quarter]),
            "download_url": reverse(
                "reviews:prepared_pack_download", args=[plan.slug, quarter, prepared.pk]
            ),
            "try_again_url": reverse("reviews:pack", args=[plan.slug, quarter]),
            "status_url": reverse("reviews:prepared_pack", args=[plan.slug, quarter, prepared.pk]),
            "check_seconds": CHECK_SECONDS,
        },
    )
    # Never a stale "being prepared" from a cache: the page is its progress.
    patch_cache_control(response, private=True, no_cache=True, no_store=True)
    return response


@require_safe
@permission_required("plans.view_annualplan", raise_exception=True)
def prepared_pack_download(request, slug, quarter, pk):
    """A meeting pack prepared in the background, from the site's storage."""
    _plan, prepared = _prepared_pack(request, slug, quarter, pk)
    if not prepared.is_ready:
        raise Http404("This meeting pack is not ready.")
    response = FileResponse(
        prepared.file.open("rb"),
        as_attachment=True,
        filename=prepared.download_name,
        content_type=prepared.content_type,
    )
    patch_cache_control(response, private=True)
    return response


@require_safe
@permission_required("plans.view_annualplan", raise_exception=True)
def actions_xlsx(request, slug, quarter):
    """Every action of the quarter as an Excel workbook, with filters and a summary sheet."""
    plan, review = _plan_and_review(request, slug, quarter)
    workbook = build_xlsx(review, plan.partnership.name)
    return _download(workbook, XLSX, filename(review, "actions.xlsx"))


@require_safe
@permission_required("plans.view_annualplan", raise_exception=True)
def actions_csv(request, slug, quarter):
    """Every action of the quarter as CSV (UTF-8, opens cleanly in Excel)."""
    _plan, review = _plan_and_review(request, slug, quarter)
    return _download(build_csv(review), "text/csv; charset=utf-8", filename(review, "actions.csv"))
