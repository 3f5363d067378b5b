"""Administration of performance indicators: an indicator with its quarterly targets on one
page, and the values officers recorded (read-mostly: officers record them on the indicator's
page, where nobody's figure is overwritten unseen)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partnerships.admin import SiteAdministratorsOnly

from .models import Indicator, IndicatorDefinition, IndicatorTarget, IndicatorValue


class IndicatorTargetInline(admin.StackedInline):
    """Targets for single quarters, where they differ from the annual target (e.g. incremental
    targets). Saving one rates the indicator's values again. Stacked, not tabular: a tabular
    inline's inputs have no labels of their own, which fails the accessibility checks."""

    model = IndicatorTarget
    fields = ["quarter", "value"]
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    # Plain selects and raw ids, not autocomplete: its select2 widget fails the accessibility
    # checks.
    list_display = ["name", "plan", "unit", "direction", "frequency", "source_agency", "order"]
    list_filter = ["plan", "definition", "frequency", "source_agency", "unit", "direction"]
    search_fields = ["name", "description"]
    list_select_related = ["plan", "source_agency"]
    raw_id_fields = ["action"]
    inlines = [IndicatorTargetInline]
    fieldsets = [
        (None, {"fields": ["plan", "strand", "action", "name", "description", "order"]}),
        (
            "How it is measured",
            {
                "fields": ["definition", "unit", "direction", "frequency", "source_agency"],
                "description": "An indicator that follows a shared definition takes its unit, "
                "direction and frequency from it, so that oversight bodies can compare it "
                "across partnerships.",
            },
        ),
        (
            "Baseline and target",
            {
                "fields": ["baseline_value", "baseline_period", "annual_target", "tolerance"],
                "description": "A value at or better than its target is green; worse by no more "
                "than the tolerance, amber; further away, red. Set a quarter's own target "
                "below where it differs from the annual target.",
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan", "source_agency")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    """The recorded values. The rating is worked out on saving; an administrator may override
    it here (with a reason) as on the indicator's page."""

    list_display = ["indicator", "quarter", "value", "rating", "rating_override", "recorded_by"]
    list_filter = ["indicator__plan", "quarter", "rating", "indicator__source_agency"]
    search_fields = ["indicator__name", "note"]
    list_select_related = ["indicator", "recorded_by"]
    raw_id_fields = ["indicator"]
    fields = [
        "indicator",
        "quarter",
        "value",
        "note",
        "rating",
        "rating_override",
        "override_reason",
        "recorded_by",
        "recorded_at",
        "updated_at",
    ]
    readonly_fields = ["rating", "recorded_by", "recorded_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(SiteAdministratorsOnly, SimpleHistoryAdmin):
    """Shared definitions are the site's (its administrators keep them); each partnership's
    indicators choose one to follow."""

    list_display = ["name", "source", "unit", "direction", "frequency"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ("name",)}
