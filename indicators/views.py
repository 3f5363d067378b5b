"""An indicator's page (its series, chart and history), recording a quarter's value, and an
administrator's override of a value's rating."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actions.views.recording import RecordingPage, asked_quarter, with_current_versions
from plans.models import QuarterClosure
from plans.quarters import QUARTER_NUMBERS
from plans.year import QuarterClosed, closure_refusal, form_quarter, quarter_number

from . import recording
from .charts import Point, format_value, series_svg
from .forms import IndicatorValueForm, OverrideForm
from .history import indicator_history
from .models import Indicator, IndicatorValue
from .rating import target_for

VALUE_TEMPLATE = "indicators/value_form.html"
# What the officer may have typed, handed back on a refusal page: (field, label).
TYPED_FIELDS = (("value", "Value"), ("note", "Note"))


def _indicator(pk):
    return get_object_or_404(
        Indicator.objects.select_related(
            "plan", "strand__priority", "action__strand", "source_agency"
        ).prefetch_related("targets"),
        pk=pk,
    )


# The indicator's page --------------------------------------------------------------------------


@require_safe
@permission_required("indicators.view_indicator", raise_exception=True)
def indicator_detail(request, pk):
    """What the indicator counts, its baseline and targets, every quarter's value with its
    rating (a chart and the same figures as a table), and every change made to it."""
    indicator = _indicator(pk)
    return _detail_page(request, indicator)


def _detail_page(request, indicator, *, override_forms=None, status=200):
    plan = indicator.plan
    targets = list(indicator.targets.all())
    # Turned into a list here, to avoid DB access while rendering the template.
    values = {
        value.quarter: value
        for value in IndicatorValue.objects.filter(indicator=indicator).select_related(
            "recorded_by"
        )
    }
    today = timezone.localdate()
    closed = set(QuarterClosure.objects.filter(plan=plan).values_list("quarter", flat=True))
    open_quarters = {quarter.number for quarter in plan.open_quarters()}
    recordable = Indicator.objects.recordable_by(request.user).filter(pk=indicator.pk).exists()
    may_override = request.user.has_perm("indicators.override_rating")
    override_forms = override_forms or {}
    series = []
    for number in QUARTER_NUMBERS:
        period = plan.quarter(number)
        value = values.get(number)
        due = indicator.reported_in(number)
        series.append(
            {
                "period": period,
                "due": due,
                "target": target_for(indicator, number, targets),
                "target_shown": format_value(
                    target_for(indicator, number, targets), indicator.unit
                ),
                "value": value,
                "value_shown": format_value(value.value, indicator.unit) if value else "",
                "missing": _missing(indicator, period, due, today),
                "closed": number in closed,
                "can_record": recordable and due and number in open_quarters,
                "can_override": may_override and value is not None and number not in closed,
                "override_form": override_forms.get(number)
                or OverrideForm(
                    initial={
                        "rating": value.rating_override if value else "",
                        "reason": value.override_reason if value else "",
                    },
                    prefix=f"q{number}",
                ),
            }
        )
    points = [
        Point(
            label="Baseline",
            value=indicator.baseline_value,
            missing="no baseline",
            is_baseline=True,
        )
    ] + [
        Point(
            label=f"Q{row['period'].number}",
            value=row["value"].value if row["value"] else None,
            target=row["target"],
            rating=row["value"].final_rating if row["value"] else "",
            missing=row["missing"].lower(),
        )
        for row in series
    ]
    caption = f"{indicator.name}, {plan.financial_year_label}"
    context = {
        "indicator": indicator,
        "plan": plan,
        "targets": targets,
        "annual_target_shown": format_value(indicator.annual_target, indicator.unit),
        "baseline_shown": format_value(indicator.baseline_value, indicator.unit),
        "tolerance_shown": format_value(indicator.tolerance, indicator.unit),
        "series": series,
        "chart": {
            "id": f"indicator-{indicator.pk}-chart",
            "caption": caption,
            "svg": series_svg(
                points, unit=indicator.unit, title=caption, chart_id=f"indicator-{indicator.pk}"
            ),
        },
        "can_record": recordable,
        "closed_reason": plan.why_no_updates(),
        "history": indicator_history(indicator),
        "override_error": bool(override_forms),
    }
    return render(request, "indicators/indicator_detail.html", context, status=status)


def _missing(indicator, period, due, today) -> str:
    """Why a quarter has no value, in a few words."""
    if not due:
        return "Not due"
    if today < period.start_date:
        return "Not begun"
    return "Not reported"


# Recording a value -----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def record_value(request, pk):
    """The form for one quarter's value (?quarter=N, else the reporting quarter or the latest
    open one the indicator is due in; when posted, the form's own quarter),
    for the source agency's officers and administrators. Saving a quarter that has a value
    amends it; a save that would overwrite someone else's newer figure is refused (409) with
    their figure and the officer's own kept in the form."""
    indicator = _indicator(pk)
    # Anyone who may read the indicator is told they may not record it (403), not that it is
    # missing: its page is theirs to read.
    if not Indicator.objects.recordable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    plan = indicator.plan
    page = _page(indicator)
    posted = request.POST if request.method == "POST" else None
    reason = plan.why_no_updates()
    if reason:
        return page.refuse(request, "You cannot record a value", reason, posted, status=403)

    chosen = form_quarter(plan, asked_quarter(request, posted), eligible=indicator.reported_in)
    quarter = chosen.quarter
    if quarter is None:
        return page.refuse(
            request,
            "There is a problem with the quarter",
            _quarter_problem(indicator, plan, chosen.asked),
            posted,
            status=400,
            quarters=chosen.choices,
        )

    existing = IndicatorValue.objects.filter(indicator=indicator, quarter=quarter.number).first()
    if posted is None:
        form = IndicatorValueForm(
            initial={
                "quarter": quarter.number,
                "value": format_value(existing.value) if existing else "",
                "note": existing.note if existing else "",
                "version": existing.version if existing else None,
            },
            indicator=indicator,
            quarter_label=quarter.label,
        )
        return _form_page(request, page, indicator, quarter, form, existing)

    form = IndicatorValueForm(posted, indicator=indicator, quarter_label=quarter.label)
    if not form.is_valid():
        return _form_page(request, page, indicator, quarter, form, existing, status=400)
    try:
        recording.record_value(
            indicator, form.reported(), by=request.user, version=form.cleaned_data["version"]
        )
    except recording.ValueConflict as conflict:
        return _conflict_page(request, page, indicator, quarter, form, conflict)
    except QuarterClosed as closed:
        return page.refuse(request, "You cannot record a value", str(closed), posted, status=400)
    messages.success(request, f"Value for {quarter.label} saved")
    return redirect(indicator)


def _quarter_problem(indicator, plan, number) -> str:
    if number not in QUARTER_NUMBERS:
        return (
            f"Values can only be recorded for a quarter (1 to 4) of {plan.title} that has begun: "
            "choose one below."
        )
    if not indicator.reported_in(number):
        return (
            f"{indicator.name} is reported {indicator.get_frequency_display().lower()}: "
            f"no value is due for Q{number}. Choose a quarter below."
        )
    closed = closure_refusal(plan, number)
    if closed:
        return f"{closed} Choose another quarter below."
    return (
        f"Q{number} of {plan.title} has not begun: values can only be recorded for a quarter "
        "that has begun. Choose one below."
    )


def _page(indicator):
    return RecordingPage(
        VALUE_TEMPLATE,
        {"indicator": indicator, "plan": indicator.plan},
        reverse("indicators:record", args=[indicator.pk]),
        (indicator.get_absolute_url(), "Go back to the indicator"),
        lambda quarter: f"Record the value for {quarter.label}",
        TYPED_FIELDS,
    )


def _form_page(request, page, indicator, quarter, form, existing, status=200, **extra):
    return page.render(
        request,
        status,
        quarter=quarter,
        form=form,
        existing=existing,
        existing_shown=format_value(existing.value, indicator.unit) if existing else "",
        target_shown=format_value(target_for(indicator, quarter.number), indicator.unit),
        **extra,
    )


def _conflict_page(request, page, indicator, quarter, form, conflict):
    """The officer's form again, holding what they typed, with the figure the other person
    saved above it; its hidden version is now the current one, so saving again goes through."""
    current = conflict.current
    data = with_current_versions(form, version=current.version if current else None)
    return _form_page(
        request,
        page,
        indicator,
        quarter,
        IndicatorValueForm(data, indicator=indicator, quarter_label=quarter.label),
        current,
        status=409,
        conflict={
            "heading": f"Someone else saved a value for {quarter.label} while you were editing it",
            "theirs": "indicators/includes/conflict_value.html",
            "current": current,
            "current_shown": format_value(current.value, indicator.unit) if current else "",
            "typed": form.data.get("value", ""),
        },
    )


# Overriding a rating ---------------------------------------------------------------------------


@require_POST
@permission_required("indicators.override_rating", raise_exception=True)
def override_rating(request, pk):
    """Override (or stop overriding) the computed rating of one quarter's value, with a reason.
    The computed rating stays visible beside the override."""
    indicator = _indicator(pk)
    number = quarter_number(request.POST.get("quarter"))
    prefix = f"q{number}" if number in QUARTER_NUMBERS else None
    form = OverrideForm(request.POST, prefix=prefix) if prefix else None
    value = IndicatorValue.objects.filter(indicator=indicator, quarter=number).first()
    if form is None or value is None:
        messages.error(request, "There is no value for that quarter to override the rating of.")
        return redirect(indicator)
    if not form.is_valid():
        return _detail_page(request, indicator, override_forms={number: form}, status=400)
    try:
        recording.override_rating(
            value, form.cleaned_data["rating"], form.cleaned_data["reason"], by=request.user
        )
    except QuarterClosed as closed:
        messages.error(request, str(closed))
        return redirect(indicator)
    if form.cleaned_data["rating"]:
        messages.success(request, f"Rating for Q{number} overridden")
    else:
        messages.success(request, f"Rating for Q{number} is the computed rating again")
    return redirect(indicator)
