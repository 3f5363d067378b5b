"""Form errors worded the GOV.UK way, naming the field ("Enter the narrative", "Narrative must be
5,000 characters or fewer"), for every form of the service.

Django's own messages ("This field is required.", "Ensure this value has at most 5000
characters (it has 5001).", "Select a valid choice. That choice is not one of the available
choices.") name no field and end with a full stop. `GovukErrorMessages` gives each field of a
form the GOV.UK wording of every check it makes, from its label and its limits, wherever the
field does not word the message itself: a message a form gives its field is kept.

`ModelChoiceField` and `ModelMultipleChoiceField` also refuse, with their own message, what can
be no row's id before the database is asked: Django words a NUL its own way whatever the field
says, and a number beyond a database id (2⁶³) reaches the database, which fails.
"""

from django import forms
from django.core import validators
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.forms.utils import pretty_name

# The largest id a database row can have: a signed 64-bit integer.
LARGEST_ID = 2**63 - 1
INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def is_id(text) -> bool:
    """Whether `text` is a database id as pages and forms write it: ASCII digits ("٣" and "²"
    are not), no larger than a database id can be."""
    text = str(text)
    return text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= LARGEST_ID


class RowChoice:
    """A mixin for a field that chooses rows (ModelChoiceField and its kin, django-filter's too):
    a value that cannot be one of its rows is refused with the field's own message
    (`refusal`)."""

    refusal = "invalid_choice"

    def validate_no_null_characters(self, value):
        # Django calls this for each value before looking the value up in the database.
        if isinstance(value, self.queryset.model):
            return
        if "\x00" in str(value) or (self._integer_key() and not is_id(value)):
            raise ValidationError(
                self.error_messages[self.refusal],
                code=self.refusal,
                params={"value": value, "pk": value},
            )

    def _integer_key(self) -> bool:
        options = self.queryset.model._meta
        key = options.get_field(self.to_field_name) if self.to_field_name else options.pk
        return key.get_internal_type() in INTEGER_KEYS


class ModelChoiceField(RowChoice, forms.ModelChoiceField):
    """Django's ModelChoiceField, refusing a NUL or an id no row can have as "invalid_choice"."""


class ModelMultipleChoiceField(RowChoice, forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField, refusing a NUL or an id no row can have as
    "invalid_pk_value"."""

    refusal = "invalid_pk_value"


class GovukErrorMessages:
    """A form mixin: every field's error messages in GOV.UK wording, naming the field, where the
    field has Django's. Filled in when the form is checked, so that labels set after the form
    was made (per unit, per quarter) are the ones named."""

    def full_clean(self):
        model = getattr(getattr(self, "_meta", None), "model", None)
        for name, field in self.fields.items():
            # A model form's fields are also checked by their model fields' validators.
            checks = _model_validators(model, name)
            worded = messages_for(field, pretty_name(name), checks)
            for code, message in worded.items():
                if _is_djangos(field, code):
                    field.error_messages[code] = message
        super().full_clean()


def messages_for(field, fallback_name: str = "", checks=()) -> dict[str, str]:
    """The GOV.UK wording of each check the field makes (and of `checks`, more validators);
    `fallback_name` names a field that has no label."""
    name = _name(field, fallback_name)
    the = _the(name)
    choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.FileField)
    from_where = (
        "from the options"
        if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
        else "from the list"
    )
    messages = {
        "required": f"Select {the}" if choosing else f"Enter {the}",
        "invalid_choice": f"Select {the} {from_where}",
        "invalid_pk_value": f"Select {the} {from_where}",
        "invalid_list": f"Select {the} {from_where}",
        "null_characters_not_allowed": f"{name} must not include hidden control characters",
        "invalid": f"Enter {the} in the right format",
    }
    if isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{name} must be a whole number"
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = f"{name} must be a number"
    elif isinstance(field, forms.DateTimeField):
        messages["invalid"] = f"{name} must be a real date and time"
    elif isinstance(field, forms.DateField):
        messages["invalid"] = f"{name} must be a real date"
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.gov.uk"
        )
    elif isinstance(field, forms.SlugField):
        messages["invalid"] = f"{name} must only include letters, numbers, hyphens and underscores"
    if isinstance(field, forms.FileField):
        messages |= {
            "missing": f"Select {the}",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be read: choose it and upload it again",
            "contradiction": f"Select {the} or tick to clear it, not both",
        }
        if field.max_length is not None:
            messages["max_length"] = (
                f"The file’s name must be {field.max_length:,} characters or fewer"
            )
    elif getattr(field, "max_length", None) is not None:
        messages["max_length"] = f"{name} must be {field.max_length:,} characters or fewer"
    if getattr(field, "min_length", None) is not None:
        messages["min_length"] = f"{name} must be {field.min_length:,} characters or more"
    largest = _limit(field, "max_value", validators.MaxValueValidator, checks)
    if largest is not None:
        messages["max_value"] = f"{name} must be {largest:,} or less"
    smallest = _limit(field, "min_value", validators.MinValueValidator, checks)
    if smallest is not None:
        messages["min_value"] = f"{name} must be {smallest:,} or more"
    if getattr(field, "step_size", None) is not None:
        messages["step_size"] = f"{name} must be a multiple of {field.step_size}"
    if isinstance(field, forms.DecimalField):
        if field.decimal_places is not None:
            messages["max_decimal_places"] = (
                f"{name} must have {field.decimal_places} decimal places or fewer"
            )
        if field.max_digits is not None:
            messages["max_digits"] = f"{name} must have {field.max_digits} digits or fewer"
            messages["max_whole_digits"] = messages["max_digits"]
    return messages


def _model_validators(model, name) -> list:
    if model is None:
        return []
    try:
        return list(model._meta.get_field(name).validators)
    except FieldDoesNotExist:
        return []


def _limit(field, attribute, validator_class, checks=()):
    """The field's limit, as the form field says it or as a validator (a model field's) does."""
    limit = getattr(field, attribute, None)
    if limit is None:
        found = [*field.validators, *checks]
        limits = [v.limit_value for v in found if isinstance(v, validator_class)]
        limit = limits[0] if limits else None
    return limit() if callable(limit) else limit


def _name(field, fallback_name: str) -> str:
    """The field as its label names it, without "(optional)": "Completion note"."""
    label = str(field.label or fallback_name).strip().removesuffix("(optional)").strip()
    return label or "This"


def _the(name: str) -> str:
    """ "the narrative", "the RAG rating": the name as a sentence carries it on."""
    if name == "This":
        return "a value"
    if len(name) > 1 and name[1].isupper():  # an abbreviation: "RAG rating"
        return f"the {name}"
    lowered = name[0].lower() + name[1:]
    return lowered if lowered.startswith(("the ", "your ")) else f"the {lowered}"


def _is_djangos(field, code) -> bool:
    """Whether the field's message for `code` is Django's own (or it has none)."""
    current = field.error_messages.get(code)
    if current is None:
        return True
    for cls in type(field).__mro__:
        if not cls.__module__.startswith("django."):
            continue
        default = getattr(cls, "default_error_messages", {}).get(code)
        if default is not None and str(default) == str(current):
            return True
    return False
