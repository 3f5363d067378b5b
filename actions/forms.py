"""Forms for entering actions and their timeframes in the administration pages, the officers'
quarterly progress update, and rolling a plan forward with the actions chosen."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from govuk.forms import GovukErrorMessages, ModelChoiceField, ModelMultipleChoiceField
from plans.models import EARLIEST_YEAR, LATEST_YEAR, AnnualPlan, Theme
from plans.ratings import RAG_ORDER, RAG_RATINGS
from priorities.models import Strand

from .models import Action, CompletionStatus, ProgressUpdate, Timeframe
from .progress import Progress
from .rollforward import later_drafts


def theme_with_plan(theme):
    """ "Prevention (Safer Lewisham Plan 17-18)": every plan has a theme called "Prevention"."""
    return f"{theme.name} ({theme.plan})"


def strand_with_plan(strand):
    """ "Safer Lewisham Plan 17-18 › Violence › Violence against women and girls"."""
    return f"{strand.priority.plan} › {strand.priority} › {strand}"


class ActionAdminForm(GovukErrorMessages, forms.ModelForm):
    """An action with its timeframe typed as the plan words it.

    The wording is turned into the plan's shared Timeframe on save. Wording the reader cannot
    understand is still saved, never refused: the Timeframe is then flagged for an
    administrator to set its dates by hand.
    """

    timeframe_wording = forms.CharField(
        label="Timeframe",
        required=False,
        max_length=Timeframe._meta.get_field("wording").max_length,
        help_text="As the plan words it, e.g. “March 18”, “Review quarterly”. Leave blank if the "
        "plan gives none.",
    )

    class Meta:
        model = Action
        # Not the timeframe: it is found from its wording, never picked from a list.
        fields = [
            "strand",
            "reference",
            "order",
            "theme",
            "text",
            "outcome",
            "lead_agency",
            "lead_officer",
            "partner_agencies",
            "completion_status",
            "completion_note",
        ]
        field_classes = {
            "strand": ModelChoiceField,
            "theme": ModelChoiceField,
            "lead_agency": ModelChoiceField,
            "lead_officer": ModelChoiceField,
            "partner_agencies": ModelMultipleChoiceField,
            "completion_status": ModelChoiceField,
        }

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan or self._instance_plan()
        if "completion_status" in self.fields:
            # The field has a default, so its select offers no empty choice; HTML does not
            # allow such a select to carry `required` (the Nu HTML Checker says so). The form
            # still requires a value.
            self.fields["completion_status"].widget.use_required_attribute = lambda initial: False
        if self.instance.timeframe_id:
            self.fields["timeframe_wording"].initial = self.instance.timeframe.wording
        if "theme" in self.fields:
            theme = self.fields["theme"]
            if self.plan is not None:
                theme.queryset = self.plan.themes.all()
            else:
                # A new action whose plan is not known yet: any plan's theme, labelled with
                # its plan; Action.clean() refuses a theme of another plan than the strand's.
                theme.queryset = Theme.objects.select_related("plan").order_by(
                    "-plan__financial_year", "plan__title", "order", "id"
                )
                theme.label_from_instance = theme_with_plan
        if "strand" in self.fields:
            strand = self.fields["strand"]
            strand.queryset = Strand.objects.select_related("priority__plan")
            strand.label_from_instance = strand_with_plan

    def _instance_plan(self):
        if self.instance.strand_id:
            return self.instance.strand.priority.plan
        return None

    def _plan_for_save(self):
        """The plan of the strand the action is saved in: the strand chosen on this form (or
        the inline's parent strand), else the one it is already in."""
        strand = self.cleaned_data.get("strand")
        if strand is None and self.instance.strand_id:
            strand = self.instance.strand
        return strand.priority.plan if strand is not None else None

    def _post_clean(self):
        # Action.clean() checks the timeframe belongs to the action's plan. Point the instance
        # at the timeframe this wording will use (without creating one: the form may still be
        # refused), so an action moved to another plan is not checked against its old one.
        plan = self._plan_for_save()
        wording = (self.cleaned_data.get("timeframe_wording") or "").strip()
        self.instance.timeframe = (
            Timeframe.objects.filter(plan=plan, wording=wording).first()
            if plan and wording
            else None
        )
        super()._post_clean()

    def save(self, commit=True):
        self.instance.timeframe = Timeframe.for_wording(
            self._plan_for_save(), self.cleaned_data.get("timeframe_wording")
        )
        return super().save(commit=commit)


class TimeframeAdminForm(GovukErrorMessages, forms.ModelForm):
    """A timeframe's wording and the dates read from it, which an administrator may correct.

    Dates typed here are only kept when "set by hand" is ticked; otherwise saving reads them
    from the wording again. Rather than silently lose what was typed, the form asks.
    """

    HAND_FIELDS = ("start_date", "due_date", "cadence")

    class Meta:
        model = Timeframe
        fields = ["plan", "wording", "set_by_hand", "start_date", "due_date", "cadence"]
        field_classes = {"plan": ModelChoiceField}

    def clean(self):
        cleaned_data = super().clean()
        plan = cleaned_data.get("plan") or (self.instance.plan if self.instance.plan_id else None)
        wording = cleaned_data.get("wording")
        # The plan is read-only once the timeframe exists, so the form's own uniqueness check
        # leaves this out; without it a clash would only be caught by the database.
        clash = Timeframe.objects.filter(plan=plan, wording=wording).exclude(pk=self.instance.pk)
        if plan and wording and clash.exists():
            self.add_error(
                "wording",
                "This plan already has a timeframe with this wording. Change the actions' "
                "wording instead, so they share it.",
            )
        changed_by_hand = [name for name in self.HAND_FIELDS if name in self.changed_data]
        if changed_by_hand and not cleaned_data.get("set_by_hand"):
            self.add_error(
                "set_by_hand",
                "Tick “set by hand” to keep the dates and cadence you entered. Otherwise they are "
                "read from the wording again when you save.",
            )
        return cleaned_data


# Long enough for a quarter's account of a year-long action, short enough to read at a meeting.
NARRATIVE_MAX_LENGTH = 5000
COMPLETION_NOTE_MAX_LENGTH = Action._meta.get_field("completion_note").max_length

RAG = ProgressUpdate.RAG
RAG_CHOICES = [
    Choice(rating.value, rating.name, hint=rating.hint)
    for rating in (RAG_RATINGS[rag] for rag in RAG_ORDER)
]
# A red or amber rating is the exception a meeting asks about: it must say why.
NEEDS_NARRATIVE = {rag: RAG_RATINGS[rag].in_words for rag in (RAG.RED, RAG.AMBER)}

# What the form tracks without showing: which quarter it is for and which versions of the action
# and of that quarter's update it showed (see actions/progress.py).
HIDDEN_FIELDS = ("quarter", "action_version", "update_version")


def quarter_label(quarter):
    """ "Q1 2017-18 (April to June 2017)"."""
    return f"{quarter.label} ({quarter.months_label})"


class ProgressUpdateForm(GovukErrorMessages, forms.Form):
    """An officer's progress on an action for one open quarter of its plan: the RAG rating, the
    narrative (required for red and amber) and whether it is kept off the public pages, and the
    action's completion with its note.

    The quarter is chosen before the form is shown (its fields are filled from that quarter's
    update), so it travels as a hidden field with the versions the form showed.
    """

    quarter = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)
    rag_rating = forms.ChoiceField(
        label="RAG rating",
        choices=RAG_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a RAG rating",
            "invalid_choice": "Select a RAG rating",
        },
    )
    narrative = forms.CharField(
        label="Narrative",
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="What has happened this quarter, and what happens next. Required for red and "
        "amber ratings.",
        error_messages={
            "max_length": f"Narrative must be {NARRATIVE_MAX_LENGTH:,} characters or fewer",
        },
    )
    internal = forms.BooleanField(
        label="Keep this narrative internal (it will not be shown on the public pages)",
        required=False,
        help_text="The RAG rating is still shown there. Tick this if the narrative names people "
        "or says something the partnership does not publish.",
    )
    completion_status = ModelChoiceField(
        label="Completion",
        queryset=CompletionStatus.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the action’s completion",
            "invalid_choice": "Select the action’s completion",
        },
    )
    completion_note = forms.CharField(
        label="Completion note (optional)",
        required=False,
        max_length=COMPLETION_NOTE_MAX_LENGTH,
        help_text="Qualifies the completion, e.g. “within YOS and CER”.",
        error_messages={
            "max_length": "Completion note must be "
            f"{COMPLETION_NOTE_MAX_LENGTH:,} characters or fewer",
        },
    )
    action_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    update_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [
            (quarter.number, quarter_label(quarter)) for quarter in plan.open_quarters()
        ]
        for name in ("narrative", "completion_note"):
            # No maxlength in the page: a browser would silently cut off pasted text. The
            # character count says how much is left, and the server refuses too much.
            self.fields[name].widget.attrs.pop("maxlength", None)
        self.fields["completion_note"].widget.attrs["spellcheck"] = "true"
        self.helper = FormHelper()
        # The page draws its own error summary (see error_links) and form tag.
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("rag_rating", legend_size=Size.MEDIUM),
            Field.textarea(
                "narrative",
                label_size=Size.MEDIUM,
                rows=8,
                max_characters=NARRATIVE_MAX_LENGTH,
            ),
            Field.checkbox("internal", small=True),
            Field.radios("completion_status", legend_size=Size.MEDIUM, small=True),
            Field.text("completion_note"),
            *HIDDEN_FIELDS,
            Submit("submit", "Save progress"),
        )

    def clean(self):
        cleaned_data = super().clean()
        rating = cleaned_data.get("rag_rating")
        if rating in NEEDS_NARRATIVE and not cleaned_data.get("narrative"):
            if "narrative" not in self.errors:
                self.add_error(
                    "narrative",
                    f"Enter a narrative explaining why this action is {NEEDS_NARRATIVE[rating]}",
                )
        # A missing or altered hidden field is not something the officer can correct in the
        # form: say so once, in the summary, rather than against a field nobody can see.
        if any(name in self.errors for name in HIDDEN_FIELDS):
            for name in HIDDEN_FIELDS:
                self.errors.pop(name, None)
            raise forms.ValidationError(
                "This form was not sent as shown, so it cannot be saved. Copy what you typed, "
                "open the form again from the action’s page and paste it in.",
                code="tampered",
            )
        return cleaned_data

    def error_links(self):
        """[(the id of the input to go to, message)] for the error summary: a radio group's
        first radio, since the group itself cannot take the focus."""
        links = []
        first_input = None
        for name in self.fields:
            if name in HIDDEN_FIELDS:
                continue
            bound = self[name]
            radios = isinstance(bound.field.widget, forms.RadioSelect)
            anchor = f"{bound.auto_id}_1" if radios else bound.auto_id
            first_input = first_input or anchor
            links.extend((anchor, error) for error in bound.errors)
        return [(first_input, error) for error in self.non_field_errors()] + links

    def progress(self) -> Progress:
        """What the officer reported, for actions.progress.record_progress."""
        data = self.cleaned_data
        return Progress(
            quarter=data["quarter"],
            rag_rating=data["rag_rating"],
            narrative=data["narrative"],
            internal=data["internal"],
            completion_status=data["completion_status"],
            completion_note=data["completion_note"],
        )


# Where RollForwardForm rolls a plan forward: into a new plan, or into an existing draft.
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
