"""The forms of inviting people: one person, a spreadsheet of people, and the invitee's choice
of a password. GOV.UK Design System markup through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from agencies.models import Agency
from agencies.reset_forms import NewPasswordForm
from govuk.forms import GovukErrorMessages, ModelChoiceField
from partnerships.models import Role

from .spreadsheet import MAX_BYTES


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    # The error summary is drawn at the top of the page by the template, above the heading.
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


class InviteForm(GovukErrorMessages, forms.Form):
    """Who to invite: their name, e-mail address, role and, for an officer, organisation (one
    of the partnership's partners)."""

    name = forms.CharField(
        label="Full name", max_length=150, help_text="As colleagues write it, e.g. Sam Patel."
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="Their work address: the invitation is sent there.",
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        help_text="Administrators set plans up and invite people; the chair and members read "
        "every plan and close quarters; officers record progress on their organisation's "
        "actions.",
    )
    agency = ModelChoiceField(
        label="Organisation",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Choose an organisation",
        help_text="The partner organisation they work for. Needed for an officer.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The partnership's partners (the manager sees the partnership in force), read when
        # the form is drawn or checked.
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True).order_by("name")
        for name in ("email",):
            self.fields[name].widget.attrs.update(
                {"spellcheck": "false", "autocapitalize": "none", "autocomplete": "off"}
            )
        self.helper = _helper(
            Field.text("name", field_width=20),
            Field.text("email", field_width=20),
            Field.radios("role", legend_size=Size.SMALL),
            Field.select("agency"),
            Submit("submit", "Send the invitation"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.OFFICER and not cleaned.get("agency"):
            self.add_error("agency", "Choose the organisation an officer works for")
        return cleaned


class UploadForm(GovukErrorMessages, forms.Form):
    """A CSV or Excel file of people to invite."""

    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file or an Excel workbook (.xlsx), smaller than "
        f"{MAX_BYTES // 1024 // 1024} MB, with a row of headings: Name, E-mail, Organisation "
        "and Role, and one person on each row below.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"
        self.helper = _helper(Field("file"), Submit("submit", "Check the file"))


class ChoosePasswordForm(NewPasswordForm):
    """The invitee's password for their new account: the password reset's form, whose rules
    and wording it shares."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Create a password"
        self.fields["new_password2"].label = "Confirm your password"
        self.fields["new_password1"].error_messages["required"] = "Enter a password"
        self.fields["new_password2"].error_messages["required"] = "Enter the password again"
        self.helper.layout = Layout(
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
            Submit("submit", "Create your account"),
        )
