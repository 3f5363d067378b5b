"""The filters of an officer's "My actions" list: plan, strand, theme, completion, RAG, late,
update due, and a text search. They arrive as GET parameters, so a filtered list works without
JavaScript and its address can be bookmarked or shared (the home page links to
`?update_due=yes`)."""

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Div, Field, Layout
from django import forms
from django.db.models import Q
from django.urls import reverse
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import ModelChoiceField

from govuk.forms import GovukErrorMessages, RowChoice
from plans.models import AnnualPlan, Theme
from plans.ratings import RAG_ORDER, RAG_RATINGS
from priorities.models import Strand

from .models import Action, CompletionStatus

# The value of the RAG filter for actions with no progress update at all.
NO_UPDATE = "none"

YES, NO = "yes", "no"
YES_NO = [(YES, "Yes"), (NO, "No")]


def _choice_error(what):
    return {"invalid_choice": f"Select {what} in the list"}


class MyActionsFilterForm(GovukErrorMessages, forms.Form):
    """The filter form, laid out with GOV.UK markup: the search box and the lists four to a
    row, then the buttons. The page renders the <form> tag itself (method GET)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # A GET form: a CSRF token would only leak into the address and bookmarks.
        self.helper.disable_csrf = True
        # Four to a row, so that the list itself starts high on the page.
        column = "govuk-grid-column-one-quarter"
        self.helper.layout = Layout(
            Div(
                Div(Field.text("q"), css_class=column),
                *[
                    Div(Field.select(name), css_class=column)
                    for name in ("plan", "strand", "theme")
                ],
                css_class="govuk-grid-row",
            ),
            Div(
                *[
                    Div(Field.select(name), css_class=column)
                    for name in ("completion", "rag", "late", "update_due")
                ],
                css_class="govuk-grid-row",
            ),
            HTML(
                '<div class="govuk-button-group">'
                # No name: the button adds nothing to the (shareable) address.
                '<button type="submit" class="govuk-button" data-module="govuk-button">'
                "Apply filters</button>"
                f'<a class="govuk-link" href="{reverse("actions:mine")}">Clear filters</a>'
                "</div>"
            ),
        )


class RowChoiceField(RowChoice, ModelChoiceField):
    """django-filter's list of rows, refusing what can be no row (a NUL) with its own message."""


class RowChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = RowChoiceField


class YesNoFilter(django_filters.ChoiceFilter):
    """A list of "Yes" and "No" (``?late=yes``) over a true-or-false annotation of
    ActionQuerySet.with_progress, named by ``field_name``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=YES_NO, error_messages=_choice_error("yes or no"), **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(**{self.field_name: value == YES})


class MyActionsFilter(django_filters.FilterSet):
    """Narrows a person's own actions (see `for_user`). The plan, strand and theme lists offer
    only the plans, strands and themes their actions belong to.

    A value that is not one of the choices (a hand-edited or out-of-date address such as
    `?plan=abc`) is reported as a form error and that one filter is left out; the others still
    apply."""

    q = django_filters.CharFilter(
        label="Words or reference",
        method="search",
        max_length=200,
        error_messages={
            "max_length": "Search words must be 200 characters or fewer",
            "null_characters_not_allowed": "Search words must not include hidden control "
            "characters",
        },
    )
    plan = django_filters.ChoiceFilter(
        label="Plan",
        field_name="strand__priority__plan__slug",
        empty_label="All plans",
        error_messages=_choice_error("a plan"),
    )
    strand = django_filters.ChoiceFilter(
        label="Strand",
        field_name="strand_id",
        empty_label="All strands",
        error_messages=_choice_error("a strand"),
    )
    theme = django_filters.ChoiceFilter(
        label="Theme",
        field_name="theme_id",
        empty_label="All themes",
        error_messages=_choice_error("a theme"),
    )
    completion = RowChoiceFilter(
        label="Completion",
        field_name="completion_status",
        to_field_name="slug",
        queryset=CompletionStatus.objects.all(),
        empty_label="Any completion",
        error_messages=_choice_error("a completion status"),
    )
    rag = django_filters.ChoiceFilter(
        label="Latest RAG rating",
        method="filter_rag",
        choices=[
            *[(rag, RAG_RATINGS[rag].name) for rag in RAG_ORDER],
            (NO_UPDATE, "No update yet"),
        ],
        empty_label="Any rating",
        error_messages=_choice_error("a RAG rating"),
    )
    late = YesNoFilter(label="Late", field_name="is_late", empty_label="Late or not")
    update_due = YesNoFilter(label="Update due", field_name="update_due", empty_label="Due or not")

    class Meta:
        model = Action
        fields = ["q", "plan", "strand", "theme", "completion", "rag", "late", "update_due"]
        form = MyActionsFilterForm

    def __init__(self, data=None, queryset=None, *, plans, strands, themes, **kwargs):
        """`plans`, `strands`, `themes`: those of the person's actions, in display order, which
        the lists offer (see `for_user`)."""
        super().__init__(data, queryset, **kwargs)
        self.plans, self.strands = plans, strands
        self.filters["plan"].extra["choices"] = [(plan.slug, plan.title) for plan in plans]
        several_plans = len(plans) > 1
        self.filters["strand"].extra["choices"] = _grouped_by_plan(
            plans, strands, lambda strand: strand.priority.plan_id, several_plans
        )
        self.filters["theme"].extra["choices"] = _grouped_by_plan(
            plans, themes, lambda theme: theme.plan_id, several_plans
        )

    @classmethod
    def for_user(cls, data, user, on):
        """The filter over `user`'s actions, annotated with their progress as of `on` and
        fetched for display."""
        led = Action.objects.led_by(user)
        # Lists, so that the choices and the page's grouping reuse them without querying again.
        plans = list(
            AnnualPlan.objects.by_status().filter(pk__in=led.values("strand__priority__plan_id"))
        )
        strands = list(
            Strand.objects.filter(pk__in=led.values("strand_id")).select_related("priority")
        )
        themes = list(Theme.objects.filter(pk__in=led.values("theme_id")))
        queryset = led.with_progress(on).for_display()
        return cls(data, queryset, plans=plans, strands=strands, themes=themes)

    def search(self, queryset, name, value):
        terms = value.split()
        for term in terms:
            queryset = queryset.filter(Q(text__icontains=term) | Q(reference__icontains=term))
        return queryset

    def filter_rag(self, queryset, name, value):
        if value == NO_UPDATE:
            return queryset.filter(latest_rag__isnull=True)
        return queryset.filter(latest_rag=value)

    @property
    def is_filtered(self):
        """Whether any filter narrows the list (an invalid value does not: it is left out)."""
        self.form.is_valid()  # validates, leaving the valid values in cleaned_data
        return any(value not in (None, "") for value in self.form.cleaned_data.values())


def _grouped_by_plan(plans, items, plan_id_of, several_plans):
    """Choices for a list of strands or themes: under their plan's name (an <optgroup>) when
    the person's actions span several plans, a plain list otherwise."""
    groups = [
        (plan.title, [(str(item.pk), str(item)) for item in items if plan_id_of(item) == plan.pk])
        for plan in plans
    ]
    if several_plans:
        return [(title, choices) for title, choices in groups if choices]
    return [choice for _, choices in groups for choice in choices]
