"""The comment form members and officers fill in during consultation, and the administrator's
response when marking a comment addressed."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from govuk.forms import GovukErrorMessages

# Long enough for a page of considered comment, short enough to read out at a meeting.
COMMENT_MAX_LENGTH = 5000


class CommentForm(GovukErrorMessages, forms.Form):
    """One comment on the plan, a strand or an action: what is commented on comes from the page's
    address, not from the form."""

    text = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="Say what you would change and why. Your name is shown with your comment.",
        error_messages={
            "required": "Enter your comment",
            "max_length": f"Your comment must be {COMMENT_MAX_LENGTH:,} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength in the page: a browser would silently cut off pasted text.
        self.fields["text"].widget.attrs.pop("maxlength", None)
        self.fields["text"].widget.attrs["spellcheck"] = "true"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea(
                "text", label_size=Size.MEDIUM, rows=8, max_characters=COMMENT_MAX_LENGTH
            ),
            Submit("submit", "Add comment"),
        )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Enter your comment", code="required")
        return text


class AddressForm(GovukErrorMessages, forms.Form):
    """How the plan deals with a comment, optional, as the meeting will read it."""

    response = forms.CharField(
        label="Response (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
