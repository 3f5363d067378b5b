"""Administration of strategies and annual plans, with a plan's themes, principles, questions,
drivers and priorities inline so that a plan is set up on one page."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.forms import Textarea
from simple_history.admin import SimpleHistoryAdmin

from priorities.models import Priority

from .models import AnnualPlan, Driver, KeyQuestion, Principle, Strategy, Theme
from .quarters import financial_year_label


class OrderedPartInline(admin.TabularInline):
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


class PriorityInline(admin.TabularInline):
    """The plan's priorities; each one's strands are added on its own page, one click away."""

    model = Priority
    fields = ["title", "slug", "order"]
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True
    extra = 1


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
        if self.value():
            return queryset.filter(financial_year=self.value())
        return queryset


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
    fields = ["title", "slug", "strategy", "financial_year", "status", "summary"]
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ThemeInline, PriorityInline, PrincipleInline, KeyQuestionInline, DriverInline]
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

    @admin.display(description="Financial year", ordering="financial_year")
    def year(self, obj):
        return obj.financial_year_label

    @admin.display(description="Actions", ordering="number_of_actions")
    def action_count(self, obj):
        return obj.number_of_actions
