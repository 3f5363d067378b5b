"""The upload form of the progress spreadsheet. GOV.UK Design System markup through
crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

from govuk.forms import GovukErrorMessages
from spreadsheets.reading import ACCEPTED, max_bytes, size_label


class UploadForm(GovukErrorMessages, forms.Form):
    """The filled-in progress spreadsheet."""

    file = forms.FileField(
        label="Upload your filled-in spreadsheet",
        error_messages={
            "required": "Choose the spreadsheet to upload",
            "empty": "The file you chose is empty: choose the filled-in spreadsheet",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"The spreadsheet you downloaded here, saved as {ACCEPTED}, smaller than "
            f"{size_label(max_bytes())}."
        )
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.xls,.csv"
        self.helper = FormHelper()
        # The error summary is drawn at the top of the page by the template, above the heading.
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file"), Submit("submit", "Check the spreadsheet"))
