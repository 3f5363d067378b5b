"""The one field of every two-factor page: a code, from the authenticator app or a recovery
code, laid out with GOV.UK Design System markup."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

from govuk.forms import GovukErrorMessages

APP_CODE_LABEL = "Code from your authenticator app"
APP_CODE_HINT = "The 6-digit code your app shows now, for example 123456"
RECOVERY_CODE_LABEL = "Recovery code"
RECOVERY_CODE_HINT = "One of the 10 recovery codes you saved, for example 7h2kq4mx"


class CodeForm(GovukErrorMessages, forms.Form):
    """A code: from the authenticator app (6 digits: the numeric keypad on a phone), or with
    `recovery=True` one of the recovery codes (letters and digits)."""

    code = forms.CharField(label=APP_CODE_LABEL, help_text=APP_CODE_HINT, max_length=40)

    def __init__(self, *args, recovery=False, button="Continue", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.widget.attrs.update(
            {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        )
        if recovery:
            field.label, field.help_text = RECOVERY_CODE_LABEL, RECOVERY_CODE_HINT
            field.error_messages["required"] = "Enter a recovery code"
        else:
            field.widget.attrs["inputmode"] = "numeric"
            field.error_messages["required"] = "Enter the code from your authenticator app"
        self.helper = FormHelper()
        # The error summary is drawn at the top of the page by the template.
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("code", field_width=10),
            Submit("submit", button),
        )

    def refuse(self, message: str) -> None:
        """Show `message` against the code, keeping what was typed."""
        self.add_error("code", message)
