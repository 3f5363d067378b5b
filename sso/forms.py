"""The "Sign in with your organisation's account" form: a work e-mail address, whose domain
picks the provider."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

from govuk.forms import GovukErrorMessages

from .models import SingleSignOnProvider, email_domain


class OrganisationEmailForm(GovukErrorMessages, forms.Form):
    email = forms.EmailField(
        label="Work e-mail address",
        max_length=254,
        help_text="For example, name@council.gov.uk",
        error_messages={
            "required": "Enter your work e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@council.gov.uk",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("email", field_width=20),
            Submit("continue", "Continue", css_class="govuk-button--secondary"),
        )

    def clean_email(self):
        email = self.cleaned_data["email"]
        self.provider = SingleSignOnProvider.objects.for_email(email)
        if self.provider is None:
            raise forms.ValidationError(
                f"There is no organisation sign-in for {email_domain(email)} addresses. "
                "Sign in with your username and password instead",
                code="no_provider",
            )
        return email
