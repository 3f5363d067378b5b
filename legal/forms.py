"""The form a partnership's administrator writes a legal page in (Plan administration)."""

from django import forms
from django.core.exceptions import ValidationError

from govuk.forms import GovukErrorMessages

from .models import LegalPage
from .text import problems_of

# Long enough for the longest privacy notice; a page longer than this is a mistake (a document
# pasted twice), refused with a message rather than saved.
MAX_CHARACTERS = 50_000


class LegalPageForm(GovukErrorMessages, forms.ModelForm):
    class Meta:
        model = LegalPage
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 30, "cols": 100})}

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) > MAX_CHARACTERS:
            raise ValidationError(
                f"The text must be {MAX_CHARACTERS:,} characters or fewer: it has {len(text):,}."
            )
        problems = problems_of(text)
        if problems:
            raise ValidationError([f"{problem}." for problem in problems])
        return text
