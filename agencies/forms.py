"""The sign-in form, laid out with GOV.UK Design System markup."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from govuk.forms import GovukErrorMessages


class SignInForm(GovukErrorMessages, AuthenticationForm):
    """Django's sign-in form, with GOV.UK labels, autocomplete hints and error messages."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your plan administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        # Django's form sets the username's maxlength attribute but does not check it, and
        # django-axes records every failed sign-in's username in a column of 255 characters: a
        # longer one would fail in the database instead of being refused here.
        longest = self.fields["username"].max_length
        self.fields["username"].validators.append(
            MaxLengthValidator(longest, f"Username must be {longest:,} characters or fewer")
        )
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        # GOV.UK advises against moving focus for people: screen readers skip the page's intro.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.helper = FormHelper()
        # The error summary is rendered at the top of the page by the template.
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("username", field_width=20),
            Field.text("password", field_width=20),
            Submit("submit", "Sign in"),
        )
