"""Rolling a plan forward into next year's plan: the administrator's form (plans/rollforward.py
does the work)."""

from itertools import groupby

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from actions.models import Action
from govuk.forms import GovukErrorMessages, ModelChoiceField, ModelMultipleChoiceField

from . import rollforward
from .models import EARLIEST_YEAR, LATEST_YEAR, AnnualPlan
from .rollforward import RollForwardError, later_drafts, next_plan_defaults

TEMPLATE = "plans/roll_forward.html"
NEW, EXISTING = "new", "existing"


class RollForwardForm(GovukErrorMessages, forms.Form):
    """Where to roll the plan forward (a new plan, or an existing draft of a later year), and
    which of its actions to carry. Carrying no action copies the structure only."""

    into = forms.ChoiceField(
        label="Roll forward",
        choices=[(NEW, "Into a new plan"), (EXISTING, "Into an existing draft plan")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether to roll forward into a new plan or an existing draft",
            "invalid_choice": "Select whether to roll forward into a new plan or an existing draft",
        },
    )
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=AnnualPlan._meta.get_field("title").max_length,
        error_messages={"max_length": "Title must be 200 characters or fewer"},
    )
    slug = forms.SlugField(
        label="Web address",
        required=False,
        max_length=AnnualPlan._meta.get_field("slug").max_length,
        help_text="Lower-case letters, numbers and hyphens, used in the plan’s web address.",
        error_messages={
            "invalid": "Web address must only use letters, numbers, hyphens and underscores",
            "max_length": "Web address must be 100 characters or fewer",
        },
    )
    financial_year = forms.IntegerField(
        label="Financial year starts in",
        required=False,
        help_text="The year of 1 April, for example 2018 for April 2018 to March 2019.",
        error_messages={"invalid": "Financial year must be a year, like 2018"},
    )
    target = ModelChoiceField(
        label="Draft plan",
        queryset=AnnualPlan.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Select a draft plan of a later year"},
    )
    actions = ModelMultipleChoiceField(
        label="Actions to carry forward",
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Select only actions of this plan",
            "invalid_pk_value": "Select only actions of this plan",
        },
    )

    def __init__(self, *args, source: AnnualPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["target"].queryset = later_drafts(source)
        self.fields["actions"].queryset = Action.objects.filter(strand__priority__plan=source)
        self.drafts = list(self.fields["target"].queryset)
        if not self.drafts:
            self.fields["into"].choices = self.fields["into"].choices[:1]

    def clean(self):
        data = super().clean()
        if data.get("into") == NEW:
            self._clean_new_plan(data)
        elif data.get("into") == EXISTING and "target" not in self.errors:
            if data.get("target") is None:
                self.add_error("target", "Select the draft plan to roll forward into")
        return data

    def _clean_new_plan(self, data):
        if "title" not in self.errors and not data.get("title", "").strip():
            self.add_error("title", "Enter a title for the new plan")
        slug = data.get("slug")
        if "slug" not in self.errors:
            if not slug:
                self.add_error("slug", "Enter a web address for the new plan")
            elif AnnualPlan.objects.filter(slug=slug).exists():
                self.add_error("slug", "A plan already has this web address: choose another")
        year = data.get("financial_year")
        if "financial_year" not in self.errors:
            if year is None:
                self.add_error("financial_year", "Enter the year the new plan’s year starts in")
            elif not EARLIEST_YEAR <= year <= LATEST_YEAR:
                self.add_error(
                    "financial_year",
                    f"Financial year must be between {EARLIEST_YEAR} and {LATEST_YEAR}",
                )
            elif year <= self.source.financial_year:
                self.add_error(
                    "financial_year",
                    f"Financial year must be after {self.source.financial_year}, the year of "
                    f"{self.source.title}",
                )

    def error_links(self, first_action_id=None):
        """[(the id of the input to go to, message)] for the error summary: a radio or checkbox
        group's first input, since the group itself cannot take the focus."""
        anchors = {
            "into": "into-new",
            "actions": f"action-{first_action_id}",
            "target": "id_target",
            "title": "id_title",
            "slug": "id_slug",
            "financial_year": "id_financial_year",
        }
        links = [(anchors["into"], error) for error in self.non_field_errors()]
        for name in self.fields:
            links.extend((anchors[name], error) for error in self.errors.get(name, []))
        return links


def initial_choice(source: AnnualPlan) -> dict:
    """What the form starts with: a new plan named for the next year, unless the draft that new
    plan would be (next year's, with the web address it would take) exists: then that draft."""
    defaults = next_plan_defaults(source)
    existing = later_drafts(source).filter(
        financial_year=defaults["financial_year"], slug=defaults["slug"]
    )
    target = existing.first()
    return {
        **defaults,
        "into": EXISTING if target else NEW,
        "target": target.pk if target else None,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("plans.roll_forward_plan", raise_exception=True)
def roll_forward(request, slug):
    """The form: where to roll the plan forward, and which of its actions to carry
    (unfinished ones ticked). Saving rolls it forward and goes to the plan it went into."""
    source = get_object_or_404(AnnualPlan, slug=slug)
    actions = list(
        Action.objects.filter(strand__priority__plan=source)
        .select_related("strand__priority", "timeframe", "completion_status")
        .order_by(
            "strand__priority__order",
            "strand__priority_id",
            "strand__order",
            "strand_id",
            "order",
            "id",
        )
    )
    if request.method != "POST":
        form = RollForwardForm(initial=initial_choice(source), source=source)
        chosen = {action.pk for action in actions if not action.is_complete}
        return _form_page(request, source, form, actions, chosen)

    form = RollForwardForm(request.POST, source=source)
    # The boxes ticked again, found by their ids as the page wrote them: a posted value is
    # never read as a number ("²" and a number of 4,301 digits are no action's).
    posted = set(request.POST.getlist("actions"))
    chosen = {action.pk for action in actions if str(action.pk) in posted}
    if not form.is_valid():
        return _form_page(request, source, form, actions, chosen, status=400)
    data = form.cleaned_data
    try:
        result = rollforward.roll_forward(
            source,
            carry=[action.pk for action in data["actions"]],
            user=request.user,
            target=data["target"] if data["into"] == EXISTING else None,
            title=data["title"].strip(),
            slug=data["slug"],
            financial_year=data["financial_year"],
        )
    except RollForwardError as error:
        # Something changed since the form was checked (the draft moved on, the address was
        # taken): nothing was written; say so above the form, choices kept.
        form.add_error(None, str(error))
        return _form_page(request, source, form, actions, chosen, status=400)
    messages.success(request, _banner(source, result))
    return redirect(result.target)


def _banner(source, result):
    """ "Rolled forward from Safer Lewisham Plan 17-18: 20 actions carried; 12 timeframes need
    their dates checked", with a link to those timeframes in admin."""
    carried = f"{result.actions} action{'' if result.actions == 1 else 's'} carried"
    flagged = result.flagged_timeframes
    cleared = (
        " Carried without their references, which the strand already used: "
        f"{', '.join(result.references_cleared)}."
        if result.references_cleared
        else ""
    )
    if not flagged:
        return f"Rolled forward from {source.title}: {carried}.{cleared}"
    url = (
        reverse("admin:actions_timeframe_changelist")
        + f"?needs_review=yes&plan__id__exact={result.target.pk}"
    )
    needs = "timeframe needs its" if flagged == 1 else "timeframes need their"
    return format_html(
        'Rolled forward from {}: {}; <a class="govuk-notification-banner__link" href="{}">{} {} '
        "dates checked</a>.{}",
        source.title,
        carried,
        url,
        flagged,
        needs,
        cleared,
    )


def _form_page(request, source, form, actions, chosen, status=200):
    groups = [
        (priority, [(strand, list(rows)) for strand, rows in groupby(group, lambda a: a.strand)])
        for priority, group in groupby(actions, key=lambda a: a.strand.priority)
    ]
    context = {
        "plan": source,
        "form": form,
        "into": form["into"].value(),
        "target_id": str(form["target"].value() or ""),
        "drafts": form.drafts,
        "error_links": form.error_links(actions[0].pk if actions else None) if form.errors else [],
        "groups": groups,
        "chosen": chosen,
        "action_count": len(actions),
        "nav_section": "plans",
    }
    return render(request, TEMPLATE, context, status=status)
