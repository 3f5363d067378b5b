"""The upload form of an import (in admin)."""

from pathlib import PurePath

from django import forms

from govuk.forms import GovukErrorMessages, ModelChoiceField
from plans.models import AnnualPlan

from .planning import why_refused
from .reading import ACCEPTED, max_bytes, size_label


class UploadForm(GovukErrorMessages, forms.Form):
    plan = ModelChoiceField(
        queryset=AnnualPlan.objects.order_by("-financial_year", "title"),
        help_text="The plan to import the actions into. Only a plan that is a draft or out for "
        "consultation accepts an import.",
    )
    file = forms.FileField(
        label="Spreadsheet",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
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
            f"{ACCEPTED[0].upper()}{ACCEPTED[1:]}, at most {size_label(max_bytes())}. Download "
            "the import template to see the columns."
        )

    def clean_plan(self):
        plan = self.cleaned_data["plan"]
        refused = why_refused(plan)
        if refused:
            raise forms.ValidationError(refused)
        return plan

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                f"The file is {size_label(upload.size)}: the largest file that can be imported "
                f"is {size_label(max_bytes())}. Remove other sheets, pictures or unused rows, or "
                "split the plan into two files."
            )
        if PurePath(upload.name).suffix.lower() not in {".xlsx", ".csv", ".xls"}:
            raise forms.ValidationError(
                f"“{upload.name}” is not a spreadsheet this service reads: upload {ACCEPTED}."
            )
        return upload
