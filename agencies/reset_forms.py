"""The password reset forms, laid out with GOV.UK Design System markup.

Django's views send the e-mail and check the link; these forms only change the wording and the
markup, and put each password error beside the field it is about.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError

from govuk.forms import GovukErrorMessages

DAY = 24 * 60 * 60


def how_long(seconds):
    """ "3 days", "1 hour": how long a reset link works, as the e-mail says it."""
    if seconds >= DAY and seconds % DAY == 0:
        amount, unit = seconds // DAY, "day"
    elif seconds >= 60 * 60:
        amount, unit = seconds // (60 * 60), "hour"
    else:
        amount, unit = max(seconds // 60, 1), "minute"
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


class ErrorBorders:
    """Gives a password or email box with an error the GOV.UK red border.

    crispy-forms-gds 2.0.1 adds ``govuk-input--error`` only to text inputs, selects and text
    areas, so the password and email boxes of a form with errors would look untouched. The class
    goes on the layout's field (the layout's attributes replace the widget's when rendering).
    """

    def full_clean(self):
        super().full_clean()
        for item in self.helper.layout.fields:
            has_error = isinstance(item, Field) and any(name in self.errors for name in item.fields)
            if has_error and "govuk-input--error" not in item.attrs.get("class", "").split():
                item.add_class("govuk-input--error")


def _gds_helper(*layout):
    helper = FormHelper()
    # The error summary is rendered at the top of the page by the template, above the heading.
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


# The password rules' messages (settings.AUTH_PASSWORD_VALIDATORS), by the rule's code.
PASSWORD_RULES = {
    "password_too_short": "New password must be {min_length} characters or more",
    "password_too_common": "New password is too common: choose one that is harder to guess",
    "password_too_similar": "New password must not be like your name, username or email address",
    "password_entirely_numeric": "New password must include letters or symbols, not only numbers",
}


def _worded(rule: ValidationError) -> ValidationError:
    """A broken password rule in GOV.UK words, naming the field; a rule this list does not know
    keeps its own message."""
    message = PASSWORD_RULES.get(rule.code)
    if message is None:
        return rule
    return ValidationError(message.format(**(rule.params or {})), code=rule.code)


class ResetRequestForm(GovukErrorMessages, ErrorBorders, PasswordResetForm):
    """Asks for the e-mail address a reset link is sent to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.help_text = "The address your plan administrator has for you."
        email.error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
                "max_length": f"Email address must be {email.max_length:,} characters or fewer",
            }
        )
        email.widget.attrs.update({"spellcheck": "false", "autocapitalize": "none"})
        self.helper = _gds_helper(
            Field.text("email", field_width=20),
            Submit("submit", "Send the link"),
        )

    def save(self, *args, extra_email_context=None, **kwargs):
        # The e-mail is rendered without a request, so the context processors' names are
        # passed here, with how long its link works.
        request = kwargs.get("request")
        partnership = getattr(request, "partnership", None)
        context = {
            "service_name": settings.SERVICE_NAME,
            # The partnership whose sign-in page it was asked on; at the site's root, none.
            "partnership_name": partnership.name if partnership else "",
            "valid_for": how_long(settings.PASSWORD_RESET_TIMEOUT),
            **(extra_email_context or {}),
        }
        result = super().save(*args, extra_email_context=context, **kwargs)
        domain = kwargs.get("domain_override") or get_current_site(request).domain
        protocol = "https" if kwargs.get("use_https") else "http"
        self._explain_no_password(
            {**context, "domain": domain, "protocol": protocol}, kwargs.get("from_email")
        )
        return result

    def _explain_no_password(self, context, from_email):
        """Someone whose account has no password (they sign in with their organisation's
        account, or an administrator switched password sign-in off, or they have not yet
        followed their invitation) gets an e-mail saying how they do sign in instead: Django's
        form would send them nothing while the page says a link was sent. The page says the
        same either way, so it still reveals nothing about which addresses have accounts."""
        email = self.cleaned_data["email"]
        people = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        for user in people:
            if user.has_usable_password():
                continue
            self.send_mail(
                "registration/password_reset_subject.txt",
                "registration/no_password_email.txt",
                {**context, "user": user},
                from_email,
                user.email,
            )


class NewPasswordForm(GovukErrorMessages, ErrorBorders, SetPasswordForm):
    """Sets the new password, twice. The password rules' errors go beside the first box (the
    password they are about) and a mismatch beside the second."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": "The passwords do not match",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        new, again = self.fields["new_password1"], self.fields["new_password2"]
        new.label = "New password"
        new.help_text = "At least 12 characters. Do not use a common password or one like "
        new.help_text += "your name or username."
        new.error_messages["required"] = "Enter a new password"
        again.label = "Confirm new password"
        again.help_text = ""
        again.error_messages["required"] = "Enter the new password again"
        self.helper = _gds_helper(
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
            Submit("submit", "Set password"),
        )

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        password = self.cleaned_data.get("new_password1")
        if password:
            try:
                password_validation.validate_password(password, self.user)
            except ValidationError as error:
                self.add_error("new_password1", [_worded(rule) for rule in error.error_list])
        # SetPasswordForm.clean() would check the rules again, against the second box.
        return self.cleaned_data
