"""Administration of a plan's priorities and their strands; and the plan's own page in admin
with its priorities inline (the actions app adds the strands' actions the same way)."""

from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from govuk.admin_accessibility import LabelledTabularInline
from plans import admin as plans_admin
from plans.models import AnnualPlan

from .models import Priority, Strand


class PriorityInline(LabelledTabularInline):
    """The plan's priorities; each one's strands are added on its own page, one click away."""

    model = Priority
    fields = ["title", "slug", "order"]
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True
    extra = 1


class AnnualPlanAdmin(plans_admin.AnnualPlanAdmin):
    """The plan's admin with its priorities inline, straight after its themes: a plan is set up on
    one page. Registered here, in place of the plans app's, because plans may not import
    priorities."""

    inlines = [
        plans_admin.ThemeInline,
        PriorityInline,
        plans_admin.PrincipleInline,
        plans_admin.KeyQuestionInline,
        plans_admin.DriverInline,
    ]


admin.site.unregister(AnnualPlan)
admin.site.register(AnnualPlan, AnnualPlanAdmin)


class StrandInline(admin.StackedInline):
    """A priority's strands, each with the scope paragraph that says what it covers."""

    model = Strand
    fields = ["title", "slug", "scope", "order"]
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True
    extra = 1


@admin.register(Priority)
class PriorityAdmin(SimpleHistoryAdmin):
    save_on_top = True
    fields = ["plan", "title", "slug", "description", "order"]
    prepopulated_fields = {"slug": ("title",)}
    inlines = [StrandInline]
    list_display = ["title", "plan", "order", "strand_count"]
    list_select_related = ["plan"]
    list_filter = ["plan"]
    search_fields = ["title", "description", "plan__title"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number_of_strands=Count("strands"))

    @admin.display(description="Strands", ordering="number_of_strands")
    def strand_count(self, obj):
        return obj.number_of_strands


def priority_with_plan(priority):
    """ "Safer Lewisham Plan 17-18 › Violence": every year's plan may have a "Violence"."""
    return f"{priority.plan} › {priority}"


@admin.register(Strand)
class StrandAdmin(SimpleHistoryAdmin):
    # The actions app adds the strand's actions inline (actions/admin.py).
    save_on_top = True
    fields = ["priority", "title", "slug", "scope", "order"]
    prepopulated_fields = {"slug": ("title",)}
    list_display = ["title", "priority", "plan", "order", "action_count"]
    list_select_related = ["priority__plan"]
    list_filter = [("priority__plan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "scope", "priority__title"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number_of_actions=Count("actions"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "priority":
            kwargs["queryset"] = Priority.objects.select_related("plan")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = priority_with_plan
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Plan", ordering="priority__plan")
    def plan(self, obj):
        return obj.priority.plan

    @admin.display(description="Actions", ordering="number_of_actions")
    def action_count(self, obj):
        return obj.number_of_actions
