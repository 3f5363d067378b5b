"""An oversight body's pages: the covered partnerships side by side, its downloads, and a shared
indicator compared across them. Open to the body's people and to site administrators; anyone
else gets 404, as for a body that does not exist."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from indicators.charts import Point, series_svg
from indicators.models import IndicatorDefinition
from partnerships.models import OversightBody

from .comparison import comparison, indicator_across, period_named, periods
from .downloads import comparison_table, csv_bytes, xlsx_bytes


def bodies_of(user):
    """The oversight bodies a person may see: theirs, or every one for a site administrator."""
    bodies = OversightBody.objects.all()
    return bodies if user.is_superuser else bodies.filter(members=user)


def _body(request, slug) -> OversightBody:
    return get_object_or_404(bodies_of(request.user), slug=slug)


@require_safe
def index(request):
    """The person's oversight bodies: straight to the dashboard when there is one."""
    bodies = list(bodies_of(request.user))
    if len(bodies) == 1:
        return redirect("oversight:dashboard", slug=bodies[0].slug)
    if not bodies:
        raise Http404("No oversight body.")
    return render(request, "oversight/index.html", {"bodies": bodies})


@require_safe
def dashboard(request, slug):
    """Every covered partnership's reporting quarter side by side."""
    body = _body(request, slug)
    choices = periods(body)
    period = period_named(request.GET.get("quarter", ""), choices)
    rows = comparison(body, period=period)
    definitions = IndicatorDefinition.objects.filter(
        indicators__plan__partnership__in=body.covers.all()
    ).distinct()
    context = {
        "body": body,
        "rows": rows,
        "covered": list(body.covers.filter(is_active=True)),
        "reporting": {row.partnership.pk for row in rows},
        "definitions": definitions,
        "today": timezone.localdate(),
        "period": period,
        "periods": [(q, f"{q.financial_year}-{q.number}") for q in choices],
    }
    return render(request, "oversight/dashboard.html", context)


def _compared(request, body):
    """The comparison the page shows for the same ``?quarter=``."""
    return comparison(body, period=period_named(request.GET.get("quarter", ""), periods(body)))


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# The comparison's downloads: (content type, file suffix, how the table is written).
DOWNLOADS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx_bytes),
    "csv": ("text/csv; charset=utf-8", csv_bytes),
}


def _comparison_download(request, slug, kind):
    body = _body(request, slug)
    content_type, write = DOWNLOADS[kind]
    return _download(
        write(comparison_table(body, _compared(request, body))),
        content_type,
        f"{body.slug}-comparison-{timezone.localdate():%Y-%m-%d}.{kind}",
    )


@require_safe
def comparison_xlsx(request, slug):
    """The comparison as a spreadsheet (Excel)."""
    return _comparison_download(request, slug, "xlsx")


@require_safe
def comparison_csv(request, slug):
    """The comparison as CSV (UTF-8, opens cleanly in Excel)."""
    return _comparison_download(request, slug, "csv")


@require_safe
def indicator(request, slug, definition):
    """One shared indicator across the covered partnerships that report it: a table of each
    one's values by quarter, and a chart of the latest quarter's values side by side."""
    body = _body(request, slug)
    definition = get_object_or_404(IndicatorDefinition, slug=definition)
    rows = indicator_across(body, definition)
    if not rows:
        chart = None
    else:
        points = [
            Point(
                label=row.partnership.display_name,
                value=row.latest.value if row.latest else None,
                target=row.latest.target if row.latest else None,
                rating=row.latest.rating if row.latest else "",
                missing="not reported" if row.latest and row.latest.due else "not due",
            )
            for row in rows
        ]
        chart = {
            "svg": series_svg(
                points,
                unit=definition.unit,
                title=f"{definition.name}: each partnership's latest quarter",
                chart_id=f"across-{definition.slug}",
            ),
            "words": [f"{row.partnership.name}, {row.quarter.label}" for row in rows],
        }
    quarters = max((len(row.points) for row in rows), default=0)
    context = {
        "body": body,
        "definition": definition,
        "rows": rows,
        "quarter_numbers": list(range(1, quarters + 1)),
        "table": [(row, row.cells(quarters)) for row in rows],
        "chart": chart,
    }
    return render(request, "oversight/indicator.html", context)
