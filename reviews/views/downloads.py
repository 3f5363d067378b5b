"""Downloads of a plan's quarterly review: the meeting pack (PDF) and the action table as a
spreadsheet (xlsx) or CSV. Each is built from the same ``QuarterlyReview`` as the quarterly page,
so a closed quarter's downloads are its snapshot, as the meeting saw it."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from plans.models import AnnualPlan
from plans.quarters import QUARTER_NUMBERS

from ..building import review_read
from ..figures import QuarterlyReview
from ..outputs.pack import build_pack
from ..outputs.spreadsheets import build_csv, build_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_and_review(request, slug, quarter) -> tuple[AnnualPlan, QuarterlyReview]:
    """The plan (with its partnership) and the review of its quarter; 404 for an unknown plan
    or a quarter outside 1–4."""
    if quarter not in QUARTER_NUMBERS:
        raise Http404("A plan's quarters are numbered 1 to 4.")
    plan = get_object_or_404(AnnualPlan.objects.select_related("partnership"), slug=slug)
    return plan, review_read(request, plan, quarter)


def filename(review: QuarterlyReview, suffix: str) -> str:
    """ "safer-lewisham-plan-17-18-Q3-pack.pdf": the plan, the quarter and what it is, so that
    files saved side by side for a committee sort and say what they are."""
    return f"{review.plan_slug}-Q{review.quarter}-{suffix}"


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # What the partnership reports internally: kept out of shared caches.
    patch_cache_control(response, private=True)
    return response


@require_safe
@permission_required("plans.view_annualplan", raise_exception=True)
def pack_pdf(request, slug, quarter):
    """The meeting pack: the quarterly review as a PDF to attach to committee papers."""
    plan, review = _plan_and_review(request, slug, quarter)
    pdf = build_pack(review, plan.partnership.name)
    return _download(pdf, "application/pdf", filename(review, "pack.pdf"))


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
