"""The upload form of an import (in admin)."""

from pathlib import PurePath

from django import forms

from govuk.forms import GovukErrorMessages, ModelChoiceField
from plans.models import AnnualPlan
from spreadsheets.reading import too_large

from .columns import COLUMNS
from .planning import quarter_choices, structure_choices, why_refused
from .reading import ACCEPTED, NOT_IMPORTED, max_bytes, size_label


class UploadForm(GovukErrorMessages, forms.Form):
    plan = ModelChoiceField(
        queryset=AnnualPlan.objects.order_by("-financial_year", "title"),
        help_text="The plan to import the actions into. Any plan that is not closed accepts an "
        "import; progress comes in only for a plan that is signed off or active.",
    )
    file = forms.FileField(
        label="Spreadsheet",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    add_structure = forms.BooleanField(
        required=False,
        label="Add priorities, strands and themes",
        help_text="Create the priorities, strands and themes the file names that the plan does "
        "not have yet. Without it, a strand the plan does not have is a problem to fix.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Worked out per form, not at import time: the limit is a setting.
        self.fields["file"].help_text = (
            f"{ACCEPTED[0].upper()}{ACCEPTED[1:]}, at most {size_label(max_bytes())}, laid out "
            "as you keep it."
        )

    def clean_plan(self):
        plan = self.cleaned_data["plan"]
        refused = why_refused(plan)
        if refused:
            raise forms.ValidationError(refused)
        return plan

    def clean_file(self):
        upload = self.cleaned_data["file"]
        refused = too_large(upload.size)
        if refused:
            raise forms.ValidationError(refused)
        if PurePath(upload.name).suffix.lower() not in {".xlsx", ".csv", ".xls"}:
            raise forms.ValidationError(
                f"“{upload.name}” is not a spreadsheet this service reads: upload {ACCEPTED}."
            )
        return upload


FIELD_CHOICES = [(NOT_IMPORTED, "Not imported"), *((c.key, c.heading) for c in COLUMNS)]


class ReadingForm(GovukErrorMessages, forms.Form):
    """How the preview reads the file: the sheet, the field of every column, where priorities
    and strands come from, and the quarter of the progress. One select per column: it works
    without JavaScript, and "Read the file again" shows the preview it gives."""

    def __init__(self, *args, sheet, plan, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = sheet
        if len(sheet.sheet_names) > 1:
            self.fields["sheet"] = forms.ChoiceField(
                label="Sheet",
                choices=[(name, name) for name in sheet.sheet_names],
                initial=sheet.sheet_name,
                help_text="The sheet the actions are on.",
            )
        for column in sheet.columns:
            samples = "; ".join(value[:40] for value in column.samples)
            self.fields[f"column_{column.index}"] = forms.ChoiceField(
                label=f"{column.letter}: {column.label}",
                choices=FIELD_CHOICES,
                initial=column.field,
                required=False,
                help_text=f"For example: {samples}" if samples else "No values under it.",
                error_messages={
                    "invalid_choice": f"Choose one of the fields listed for column {column.letter}"
                },
            )
        self.proposed = options
        self.fields["priority_from"] = forms.ChoiceField(
            label="Each action's priority",
            choices=structure_choices(sheet, "priority"),
            initial=options.priority_from,
            error_messages=_where_from("priority"),
        )
        self.fields["priority_name"] = forms.CharField(
            label="The priority's name, if one name for every action",
            required=False,
            max_length=200,
            initial=options.priority_name,
        )
        self.fields["strand_from"] = forms.ChoiceField(
            label="Each action's strand",
            choices=structure_choices(sheet, "strand"),
            initial=options.strand_from,
            error_messages=_where_from("strand"),
        )
        self.fields["strand_name"] = forms.CharField(
            label="The strand's name, if one name for every action",
            required=False,
            max_length=200,
            initial=options.strand_name,
        )
        self.fields["theme_from"] = forms.ChoiceField(
            label="Each action's theme",
            choices=structure_choices(sheet, "theme"),
            initial=options.theme_from,
            required=False,
            error_messages=_where_from("theme"),
        )
        quarters = quarter_choices(plan)
        if quarters:
            self.fields["quarter"] = forms.TypedChoiceField(
                label="Quarter the RAG ratings and progress are for",
                choices=quarters,
                coerce=int,
                initial=options.quarter,
                help_text="Each row's RAG rating and progress become the action's update for "
                "this quarter.",
            )

    @property
    def sheet_field(self):
        return self["sheet"] if "sheet" in self.fields else None

    @property
    def column_fields(self):
        return [self[f"column_{column.index}"] for column in self.table.columns]

    @property
    def option_fields(self):
        names = (
            "priority_from",
            "priority_name",
            "strand_from",
            "strand_name",
            "theme_from",
            "quarter",
        )
        return [self[name] for name in names if name in self.fields]

    def clean(self):
        data = super().clean()
        for level in ("priority", "strand"):
            if data.get(f"{level}_from") == "name" and not data.get(f"{level}_name", "").strip():
                self.add_error(f"{level}_name", f"Enter the {level}'s name")
        return data

    def mapping(self) -> dict:
        return {
            str(column.index): self.cleaned_data.get(f"column_{column.index}") or NOT_IMPORTED
            for column in self.table.columns
        }

    def options(self) -> dict:
        data = self.cleaned_data
        return {
            "priority_from": data["priority_from"],
            "priority_name": data.get("priority_name", "").strip(),
            "strand_from": data["strand_from"],
            "strand_name": data.get("strand_name", "").strip(),
            "theme_from": data.get("theme_from") or self.proposed.theme_from,
            "quarter": data.get("quarter"),
        }


def _where_from(level: str) -> dict:
    message = f"Select where each action's {level} comes from"
    return {"required": message, "invalid_choice": message}


NEW_ORGANISATION = "new"


class OrganisationsForm(GovukErrorMessages, forms.Form):
    """The organisations the file names that the partnership does not know (choose one, or add
    it), and those matched by initials or a close spelling (confirm). What is chosen is
    remembered for the partnership's later imports."""

    def __init__(self, *args, unknown: dict, guessed: dict, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown = list(unknown.items())
        self.guessed = list(guessed.items())
        everyone = [(str(a.pk), a.display_name) for a in agencies]
        for number, (name, found) in enumerate(self.unknown):
            suggested = [(str(a.pk), a.display_name) for a in found.suggestions]
            rest = [choice for choice in everyone if choice not in suggested]
            choices = [("", "Leave it for now")]
            if suggested:
                choices.append(("Suggested", suggested))
            choices += [(NEW_ORGANISATION, f"Add “{name}” as a new organisation")]
            if rest:
                choices.append(("Other organisations of the partnership", rest))
            self.fields[f"unknown_{number}"] = forms.ChoiceField(
                label=f"“{name}” is",
                choices=choices,
                required=False,
                error_messages={
                    "invalid_choice": f"Choose one of the organisations listed for “{name}”"
                },
            )
        for number, (name, found) in enumerate(self.guessed):
            self.fields[f"guessed_{number}"] = forms.BooleanField(
                label=f"“{name}” is {found.agency.display_name}: remember this",
                required=False,
                initial=True,
            )

    @property
    def unknown_fields(self):
        return [self[f"unknown_{n}"] for n in range(len(self.unknown))]

    @property
    def guessed_fields(self):
        return [self[f"guessed_{n}"] for n in range(len(self.guessed))]
