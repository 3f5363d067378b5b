"""The officer's form for a quarter's value of an indicator, and the administrator's override
of a value's rating."""

import re
from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from govuk.forms import GovukErrorMessages

from .models import Indicator, IndicatorValue, Rating
from .recording import Reported

# What the value field's label and messages call the figure, by unit.
UNIT_WORDS = {
    Indicator.Unit.NUMBER: "the number",
    Indicator.Unit.PERCENTAGE: "the percentage",
    Indicator.Unit.RATE_PER_1000: "the rate per 1,000",
}
DECIMAL_PLACES = 2
# The value column holds 12 digits, 2 of them after the point.
LARGEST = Decimal("9999999999.99")
NOTE_MAX_LENGTH = 2000


# A number as people in England and Wales write it: the digits 0 to 9 (re.ASCII: no other
# script's digits), commas between thousands, and a decimal point: "1,250", "12,345.5", ".5".
WRITTEN_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?", re.ASCII)
# The same digits with commas anywhere: a number whose commas are out of place.
COMMAS_ANYWHERE = re.compile(r"[\d,]*(?:\.\d+)?", re.ASCII)


def _is_written_number(text: str) -> bool:
    return bool(text) and text != "." and WRITTEN_NUMBER.fullmatch(text) is not None


def parse_value(text: str, unit: str) -> Decimal:
    """The figure an officer typed, as a Decimal, or ValidationError with a message saying how
    to put it right. Spaces around it and commas between thousands are allowed ("1,250"), and a
    "%" after a percentage; nothing else that Python would read as a number ("١٢", "1_000",
    "1e3", "-0")."""
    words = UNIT_WORDS.get(unit, "the value")
    example = f"Enter {words} as a number, like 12 or 12.5"
    cleaned = text.strip()
    if unit == Indicator.Unit.PERCENTAGE:
        cleaned = cleaned.removesuffix("%").rstrip()
    if not cleaned:
        raise forms.ValidationError(f"Enter {words}", code="required")
    unsigned = cleaned.removeprefix("-")
    if _is_written_number(unsigned.removesuffix("%")) and unsigned.endswith("%"):
        raise forms.ValidationError(f"Enter {words} without a % sign", code="percent_sign")
    if unsigned != cleaned and _is_written_number(unsigned):
        raise forms.ValidationError(f"Enter {words} as 0 or more", code="negative")
    if not _is_written_number(cleaned):
        if "," in cleaned and COMMAS_ANYWHERE.fullmatch(cleaned):
            raise forms.ValidationError(
                f"Enter {words} with commas only between thousands, like 1,250 or 12,345.5",
                code="commas",
            )
        raise forms.ValidationError(example, code="invalid")
    value = Decimal(cleaned.replace(",", ""))
    if unit == Indicator.Unit.PERCENTAGE and value > 100:
        raise forms.ValidationError("Enter a percentage of 100 or less", code="over_100")
    # Before the decimal places: rounding a number this long would overflow Decimal's precision.
    if value > LARGEST:
        raise forms.ValidationError(f"Enter {words} as less than 10,000,000,000", code="too_big")
    if value.as_tuple().exponent < -DECIMAL_PLACES and value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError(
            f"Enter {words} with no more than {DECIMAL_PLACES} decimal places, like 12.5 or 12.25",
            code="decimal_places",
        )
    return value.quantize(Decimal("0.01"))


class IndicatorValueForm(GovukErrorMessages, forms.Form):
    """A quarter's value and note. ``version`` is the version of the quarter's value the form
    showed (blank when there was none): saving over someone else's newer figure is refused."""

    value = forms.CharField(max_length=40, required=False)
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="Optional. What explains the figure, or where it came from.",
        error_messages={"max_length": f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer"},
    )
    quarter = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, indicator: Indicator, quarter_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        words = UNIT_WORDS.get(indicator.unit, "the value")
        value = self.fields["value"]
        value.label = f"{words[0].upper()}{words[1:]} for {quarter_label}"
        hint = {
            Indicator.Unit.PERCENTAGE: "A percentage from 0 to 100, like 64 or 64.5.",
            Indicator.Unit.RATE_PER_1000: "A rate per 1,000, like 3 or 3.25.",
        }.get(indicator.unit, "A whole number or a number with up to 2 decimal places.")
        value.help_text = hint
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("value", label_size=Size.MEDIUM, field_width=10),
            Field.textarea("note", label_size=Size.SMALL, rows=4, max_characters=NOTE_MAX_LENGTH),
            "quarter",
            "version",
            Submit("submit", "Save value"),
        )

    def clean_value(self):
        return parse_value(self.cleaned_data.get("value") or "", self.indicator.unit)

    def reported(self) -> Reported:
        return Reported(
            quarter=self.cleaned_data["quarter"],
            value=self.cleaned_data["value"],
            note=self.cleaned_data["note"].strip(),
        )

    def error_links(self):
        """[(the id of the input to go to, message)] for the error summary."""
        return [
            (self[name].auto_id, error) for name in ("value", "note") for error in self[name].errors
        ] + [("value", error) for error in self.non_field_errors()]


class OverrideForm(GovukErrorMessages, forms.Form):
    """An administrator's override of a value's computed rating, with the reason for it. Its
    fields are prefixed with the quarter ("q3-rating"), one form per quarter on the page."""

    rating = forms.ChoiceField(
        label="Rating to show",
        choices=[("", "The computed rating (no override)"), *Rating.choices],
        required=False,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
        help_text="Why the computed rating does not say how the indicator is doing. Shown with "
        "the rating wherever it appears.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rating") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason for overriding the rating")
        return cleaned


__all__ = ["IndicatorValue", "IndicatorValueForm", "OverrideForm", "parse_value"]
