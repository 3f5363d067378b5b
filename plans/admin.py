"""Administration of strategies and annual plans, with a plan's themes, principles, questions and
drivers inline so that a plan is set up on one page (priorities/admin.py adds its priorities)."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.db.models import Count
from django.forms import Textarea
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from agencies.models import display_name
from govuk.admin_accessibility import LabelledTabularInline

from .models import AnnualPlan, Driver, KeyQuestion, Principle, Strategy, Theme
from .quarters import financial_year_label


class OrderedPartInline(LabelledTabularInline):
    """A short ordered list of the plan's, one row each, with text boxes sized for a line or
    two rather than a page."""

    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 60})}}
    extra = 1


class ThemeInline(OrderedPartInline):
    model = Theme
    fields = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ("name",)}


class PrincipleInline(OrderedPartInline):
    model = Principle
    fields = ["name", "description", "order"]


class KeyQuestionInline(OrderedPartInline):
    model = KeyQuestion
    fields = ["text", "order"]


class DriverInline(OrderedPartInline):
    model = Driver
    fields = ["text", "order"]


class FinancialYearFilter(admin.SimpleListFilter):
    """Financial years named as councils write them: "2017-18"."""

    title = "financial year"
    parameter_name = "financial_year"

    def lookups(self, request, model_admin):
        years = (
            AnnualPlan.objects.order_by("-financial_year")
            .values_list("financial_year", flat=True)
            .distinct()
        )
        return [(str(year), financial_year_label(year)) for year in years]

    def queryset(self, request, queryset):
        year = self.value()
        if not year:
            return queryset
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            # Not a year ("²", a NUL, 4,301 digits): admin's answer to a filter it cannot
            # apply, the list again with ?e=1.
            raise IncorrectLookupParameters(f"Not a financial year: {year[:20]!r}")
        return queryset.filter(financial_year=int(year))


@admin.register(Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    fields = ["title", "slug", "start_year", "end_year", "statutory_basis", "description"]
    prepopulated_fields = {"slug": ("title",)}
    list_display = ["title", "period", "plan_count"]
    search_fields = ["title", "slug", "statutory_basis"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number_of_plans=Count("plans"))

    @admin.display(description="Period", ordering="start_year")
    def period(self, obj):
        return obj.period

    @admin.display(description="Plans", ordering="number_of_plans")
    def plan_count(self, obj):
        return obj.number_of_plans


@admin.register(AnnualPlan)
class AnnualPlanAdmin(SimpleHistoryAdmin):
    save_on_top = True
    fields = [
        "title",
        "slug",
        "strategy",
        "financial_year",
        "plan_status",
        "signed_off",
        "published_at",
        "summary",
    ]
    # A plan's status changes only through its status page (plans/lifecycle.py), where each
    # move is checked against who may make it and recorded with a reason.
    readonly_fields = ["plan_status", "signed_off", "published_at"]
    prepopulated_fields = {"slug": ("title",)}
    # The priorities app adds its inline after the themes (priorities/admin.py).
    inlines = [ThemeInline, PrincipleInline, KeyQuestionInline, DriverInline]
    list_display = ["title", "year", "status", "strategy", "action_count"]
    list_select_related = ["strategy"]
    list_filter = ["status", "strategy", FinancialYearFilter]
    search_fields = ["title", "slug"]
    view_on_site = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(number_of_actions=Count("priorities__strands__actions"))
        )

    @admin.display(description="Status")
    def plan_status(self, obj):
        if obj is None or obj.pk is None:
            return (
                "Draft. A new plan starts as a draft; its status then changes on its status page."
            )
        return format_html(
            '{} <div class="help">Changed on the plan’s own page: '
            '<a href="{}">plan status and history</a>.</div>',
            obj.get_status_display(),
            reverse("plans:status", kwargs={"slug": obj.slug}),
        )

    @admin.display(description="Signed off")
    def signed_off(self, obj):
        if obj is None or obj.signed_off_at is None:
            return "Not signed off"
        when = date_format(timezone.localtime(obj.signed_off_at), "j F Y, H:i")
        who = display_name(obj.signed_off_by)
        return f"{when} by {who}" if who else when

    def change_view(self, request, object_id, form_url="", extra_context=None):
        plan = self.get_object(request, object_id)
        if request.method == "GET" and plan is not None and plan.structure_locked:
            when = (
                f" on {date_format(timezone.localtime(plan.signed_off_at), 'j F Y')}"
                if plan.signed_off_at
                else ""
            )
            messages.warning(
                request,
                f"This plan was signed off{when}. Change its priorities, strands and actions "
                "only to correct them: every change is recorded in its history.",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Financial year", ordering="financial_year")
    def year(self, obj):
        return obj.financial_year_label

    @admin.display(description="Actions", ordering="number_of_actions")
    def action_count(self, obj):
        return obj.number_of_actions
