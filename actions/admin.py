"""Administration of actions, their timeframes, completion statuses and progress updates; and
the strand's page in admin with its actions inline."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import models
from django.db.models import Count, Q
from django.forms import Textarea, TextInput
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from govuk.admin_accessibility import LabelledListEditableMixin, LabelledTabularInline
from plans.models import Theme
from priorities import admin as priorities_admin
from priorities.models import Strand

from .forms import ActionAdminForm, TimeframeAdminForm, strand_with_plan, theme_with_plan
from .models import Action, ActionSubItem, CompletionStatus, ProgressUpdate, Timeframe
from .timeframes import format_date

NEEDS_REVIEW = "⚠ Needs review"
# A timeframe whose wording could not be read and whose dates nobody has set by hand, or whose
# dates something asks an administrator to check (Timeframe.review_reason).
FLAGGED = Q(understood=False, set_by_hand=False) | ~Q(review_reason="")
FLAGGED_TIMEFRAME = Q(timeframe__understood=False, timeframe__set_by_hand=False) | Q(
    timeframe__isnull=False
) & ~Q(timeframe__review_reason="")


def _date(value, blank=None):
    """ "31 March 2018"; the admin's blank marker for no date unless told otherwise."""
    return format_date(value) if value else blank


class WithPlanRelatedFilter(admin.RelatedFieldListFilter):
    """A related filter whose choices name their plan: every year's plan has a "Prevention"
    theme and a "Violence against women and girls" strand."""

    def choices_queryset(self):
        raise NotImplementedError

    def label(self, obj):
        raise NotImplementedError

    def field_choices(self, field, request, model_admin):
        return [(obj.pk, self.label(obj)) for obj in self.choices_queryset()]


class ThemeFilter(WithPlanRelatedFilter):
    def choices_queryset(self):
        return Theme.objects.select_related("plan").order_by(
            "-plan__financial_year", "plan__title", "order", "id"
        )

    def label(self, obj):
        return theme_with_plan(obj)


class StrandFilter(WithPlanRelatedFilter):
    def choices_queryset(self):
        return Strand.objects.select_related("priority__plan")

    def label(self, obj):
        return strand_with_plan(obj)


class TimeframeNeedsReviewFilter(admin.SimpleListFilter):
    """Actions whose timeframe wording could not be read and still has no dates."""

    title = "timeframe needs review"
    parameter_name = "timeframe_review"

    def lookups(self, request, model_admin):
        return [
            ("yes", "Needs review"),
            ("no", "Read or set by hand"),
            ("none", "No timeframe"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(FLAGGED_TIMEFRAME)
        if self.value() == "no":
            return queryset.filter(timeframe__isnull=False).exclude(FLAGGED_TIMEFRAME)
        if self.value() == "none":
            return queryset.filter(timeframe__isnull=True)
        return queryset


class ActionInlineFormSet(BaseInlineFormSet):
    """Tells each action form its plan (the parent strand's), so theme choices are the plan's."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        strand = self.instance
        kwargs["plan"] = strand.priority.plan if strand.priority_id else None
        return kwargs


class CompactTabularInline(LabelledTabularInline):
    """A table of rows that fits the page: short text boxes, and no edit/add/view icons beside
    each choice (the related pages are in the menu, and the action's own page is a click
    away)."""

    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}
    narrow_fields = {}  # field name: width in characters

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.narrow_fields:
            kwargs["widget"] = TextInput(attrs={"size": self.narrow_fields[db_field.name]})
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield


class ActionInline(CompactTabularInline):
    """A strand's actions, one table row each, as the plan's table reads."""

    model = Action
    form = ActionAdminForm
    formset = ActionInlineFormSet
    fields = [
        "reference",
        "order",
        "theme",
        "text",
        "timeframe_wording",
        "lead_agency",
        "completion_status",
        "completion_note",
    ]
    narrow_fields = {"reference": 6, "completion_note": 20}
    show_change_link = True
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("timeframe", "lead_agency", "theme")


class ActionSubItemInline(CompactTabularInline):
    model = ActionSubItem
    fields = ["label", "text", "order"]
    narrow_fields = {"label": 4}
    extra = 1


class ProgressUpdateInline(LabelledTabularInline):
    """What officers reported, quarter by quarter. Shown, not edited here: a correction is made
    on the update's own page, one click away."""

    model = ProgressUpdate
    fields = ["quarter", "rag_rating", "completion_status", "narrative", "author", "updated_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("completion_status", "author")


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    form = ActionAdminForm
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["strand", "reference", "order", "theme", "text", "outcome"]}),
        ("Timeframe", {"fields": ["timeframe_wording", "read_as"]}),
        ("Who", {"fields": ["lead_agency", "lead_officer", "partner_agencies"]}),
        ("Completion", {"fields": ["completion_status", "completion_note"]}),
    ]
    readonly_fields = ["read_as"]
    # Plain selects and checkboxes rather than admin's select2 autocompletes, whose markup fails
    # the accessibility checks (unnamed comboboxes); a partnership has tens of agencies.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if (
            db_field.many_to_many
            and formfield is not None
            and isinstance(formfield.widget, RelatedFieldWidgetWrapper)
        ):
            # Checkboxes, without admin's add/change links: its popup script adds a new
            # agency to every list of agencies on the page and expects each to be a <select>.
            formfield.widget = formfield.widget.widget
            formfield.widget.attrs.pop("data-context", None)
        return formfield

    inlines = [ActionSubItemInline, ProgressUpdateInline]
    list_display = [
        "reference",
        "short_text",
        "strand",
        "theme",
        "timeframe_wording",
        "due_date",
        "timeframe_flag",
        "lead_agency",
        "completion_status",
    ]
    list_display_links = ["reference", "short_text"]
    list_select_related = ["strand", "theme", "timeframe", "lead_agency", "completion_status"]
    list_filter = [
        ("strand__priority__plan", admin.RelatedOnlyFieldListFilter),
        ("strand", StrandFilter),
        ("theme", ThemeFilter),
        "lead_agency",
        "completion_status",
        TimeframeNeedsReviewFilter,
    ]
    search_fields = [
        "text",
        "reference",
        "timeframe__wording",
        "lead_agency__name",
        "lead_agency__short_name",
        "lead_officer__first_name",
        "lead_officer__last_name",
        "lead_officer__username",
    ]
    ordering = ["strand__priority__plan", "strand", "order", "id"]

    @admin.display(description="Action", ordering="text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"

    @admin.display(description="Timeframe", ordering="timeframe__wording")
    def timeframe_wording(self, obj):
        return obj.timeframe.wording if obj.timeframe else None

    @admin.display(description="Due", ordering="timeframe__due_date")
    def due_date(self, obj):
        return _date(obj.timeframe.due_date if obj.timeframe else None)

    @admin.display(description="Timeframe flag", ordering="timeframe__understood")
    def timeframe_flag(self, obj):
        return NEEDS_REVIEW if obj.timeframe and obj.timeframe.needs_review else None

    @admin.display(description="Read as")
    def read_as(self, obj):
        """The dates read from the wording, or a warning with the way to fix them."""
        timeframe = obj.timeframe if obj and obj.pk else None
        if timeframe is None:
            return "No timeframe given."
        url = reverse("admin:actions_timeframe_change", args=[timeframe.pk])
        if timeframe.review_reason:
            return format_html(
                '<strong>{} {}</strong> Check them on the <a href="{}">timeframe page</a>.',
                "⚠",
                timeframe.review_reason,
                url,
            )
        if timeframe.needs_review:
            # Why, in the reader's words: "Could not read this wording…", "To be confirmed…".
            return format_html(
                '<strong>{} {}</strong> Set its dates on the <a href="{}">timeframe page</a>.',
                "⚠",
                timeframe.explanation,
                url,
            )
        return format_html(
            "{}<br><small>Start: {} · Due: {} · Review cadence: {}. "
            '<a href="{}">Correct these on the timeframe page</a>.</small>',
            timeframe.explanation,
            _date(timeframe.start_date, "not stated"),
            _date(timeframe.due_date, "not stated"),
            timeframe.get_cadence_display().lower(),
            url,
        )


class NeedsReviewFilter(admin.SimpleListFilter):
    """Timeframes whose wording could not be read and whose dates nobody has set by hand, or
    whose dates something asks an administrator to check (Timeframe.review_reason)."""

    title = "needs review"
    parameter_name = "needs_review"

    def lookups(self, request, model_admin):
        return [("yes", "Needs review"), ("no", "Read or set by hand")]

    def queryset(self, request, queryset):
        flagged = FLAGGED
        if self.value() == "yes":
            return queryset.filter(flagged)
        if self.value() == "no":
            return queryset.exclude(flagged)
        return queryset


@admin.register(Timeframe)
class TimeframeAdmin(SimpleHistoryAdmin):
    """Where an administrator corrects the dates of a wording the reader could not understand:
    once for every action of the plan that uses it."""

    form = TimeframeAdminForm
    fieldsets = [
        (None, {"fields": ["plan", "wording"]}),
        ("Read as", {"fields": ["understood", "explanation", "review_warning"]}),
        (
            "Dates",
            {
                "fields": ["set_by_hand", "start_date", "due_date", "cadence"],
                "description": "To fix a wording that could not be read, tick “set by hand” "
                "and enter the dates and review cadence.",
            },
        ),
        ("Used by", {"fields": ["actions_using"]}),
    ]
    list_display = [
        "wording",
        "plan",
        "start",
        "due",
        "cadence",
        "is_read",
        "action_count",
    ]
    list_select_related = ["plan"]
    list_filter = ["plan", "cadence", NeedsReviewFilter, "set_by_hand"]
    search_fields = ["wording"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["understood", "explanation", "review_warning", "actions_using"]
        # Moving a timeframe to another plan would leave its actions pointing across plans.
        return readonly + ["plan"] if obj else readonly

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number_of_actions=Count("actions"))

    def save_model(self, request, obj, form, change):
        # The administrator has seen why the dates were to be checked (review_warning) and
        # saved them: they are checked.
        if obj.review_reason:
            obj.review_reason = ""
            obj._change_reason = "Dates checked by an administrator"
        super().save_model(request, obj, form, change)

    @admin.display(description="Check the dates")
    def review_warning(self, obj):
        if obj is None or not obj.review_reason:
            return "Nothing to check."
        return format_html(
            "<strong>{} {}</strong><br>Saving this timeframe marks its dates as checked: correct "
            "them first if they are wrong for this plan’s year.",
            "⚠",
            obj.review_reason,
        )

    @admin.display(description="Start", ordering="start_date")
    def start(self, obj):
        return _date(obj.start_date)

    @admin.display(description="Due", ordering="due_date")
    def due(self, obj):
        return _date(obj.due_date)

    @admin.display(description="Read", boolean=True, ordering="understood")
    def is_read(self, obj):
        return not obj.needs_review

    @admin.display(description="Actions", ordering="number_of_actions")
    def action_count(self, obj):
        return obj.number_of_actions

    @admin.display(description="Actions with this timeframe")
    def actions_using(self, obj):
        if obj is None or obj.pk is None:
            return "None yet."
        actions = list(obj.actions.all())
        if not actions:
            return "None."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                (
                    (reverse("admin:actions_action_change", args=[action.pk]), str(action))
                    for action in actions
                ),
            ),
        )


@admin.register(CompletionStatus)
class CompletionStatusAdmin(LabelledListEditableMixin, SimpleHistoryAdmin):
    list_display = ["name", "order", "counts_as_complete", "is_default"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = [
        "action",
        "plan",
        "quarter",
        "rag_rating",
        "completion_status",
        "author",
        "updated_at",
    ]
    list_select_related = ["action__strand__priority__plan", "completion_status", "author"]
    list_filter = [
        ("action__strand__priority__plan", admin.RelatedOnlyFieldListFilter),
        "quarter",
        "rag_rating",
    ]
    search_fields = ["action__text", "action__reference", "narrative"]
    # A plan may have thousands of actions: chosen by id with a search popup rather than a
    # select of every action (and not admin's select2 autocomplete, which fails the
    # accessibility checks).
    raw_id_fields = ["action", "author"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description="Plan", ordering="action__strand__priority__plan")
    def plan(self, obj):
        return obj.action.plan


class StrandAdmin(priorities_admin.StrandAdmin):
    """The strand's admin with its actions inline, one table row each as the plan's table reads.
    Registered here, in place of the priorities app's, because priorities may not import
    actions."""

    inlines = [ActionInline]


admin.site.unregister(Strand)
admin.site.register(Strand, StrandAdmin)
