"""Django's own wording for form errors ("This field is required.", "Ensure this value has at
most 5000 characters (it has 5001)."), which a person must never be shown: the service words
every message the GOV.UK way, naming the field ("Enter your comment", "Narrative must be 5,000
characters or fewer").

The texts are read from Django itself (its form fields', model fields' and validators' default
messages), so a message Django adds in a later version is caught too.
"""

import re
from decimal import Decimal
from functools import partial

from django import forms
from django.contrib.auth import password_validation
from django.core import validators
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models


def _subclasses(base):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _django_classes(base):
    """`base` and its subclasses that Django itself defines (not ours, not a library's)."""
    return [cls for cls in [base, *_subclasses(base)] if cls.__module__.split(".")[0] == "django"]


def _default_texts():
    texts = set()
    for cls in _django_classes(forms.Field) + _django_classes(models.Field):
        for klass in cls.__mro__:
            texts.update(
                str(text) for text in getattr(klass, "default_error_messages", {}).values()
            )
    for cls in _django_classes(validators.BaseValidator) + _django_classes(
        validators.RegexValidator
    ):
        if getattr(cls, "message", None):
            texts.add(str(cls.message))
    for validator in (
        validators.EmailValidator(),
        validators.URLValidator(),
        validators.ProhibitNullCharactersValidator(),
        validators.validate_slug,
        validators.validate_unicode_slug,
        validators.validate_ipv46_address,
        validators.FileExtensionValidator(),
        validators.StepValueValidator(1),
    ):
        if getattr(validator, "message", None):
            texts.add(str(validator.message))
    texts.update(_counted_texts())
    # Model validation: a constraint or a unique set of fields.
    texts.add(str(models.BaseConstraint.default_violation_error_message))
    texts.add("%(model_name)s with this %(field_labels)s already exists.")
    texts.update(_password_texts())
    return {text for text in texts if text}


def _failures(check, *values):
    """The messages of the ValidationErrors `check` raises for each value."""
    texts = set()
    for value in values:
        try:
            check(value)
        except ValidationError as error:
            texts.update(error.messages)
    return texts


def _counted_texts():
    """The messages that count something ("Ensure this value has at most 5 characters (it has
    7)."), in their singular and plural forms: Django words them by the number, so they are
    found by failing the checks, then their numbers stand for any number (see _pattern)."""
    texts = set()
    for limit in (1, 5):
        texts |= _failures(validators.MaxLengthValidator(limit), "a" * (limit + 1), "a" * 7)
        texts |= _failures(validators.MinLengthValidator(limit + 1), "a" * limit, "")
        texts |= _failures(validators.MaxValueValidator(limit), limit + 1)
        texts |= _failures(validators.MinValueValidator(limit), limit - 1)
        texts |= _failures(
            validators.DecimalValidator(limit + 1, limit),
            Decimal("1" * (limit + 2)),
            Decimal("0." + "1" * (limit + 1)),
            Decimal("1" * (limit + 1) + ".1"),
        )
        texts |= _failures(validators.DecimalValidator(limit + 2, 1), Decimal("1" * (limit + 2)))
        field = forms.FileField(max_length=limit)
        texts |= _failures(field.clean, SimpleUploadedFile("a" * (limit + 3), b"x"))
    return texts


def _password_texts():
    """What Django's password validators say: "This password is too short. It must contain at
    least 12 characters."."""
    from django.contrib.auth.models import User

    user = User(username="officer-one", first_name="Officer", email="officer-one@example.org")
    validators_in_use = password_validation.get_default_password_validators()
    attempts = ["a", "password", "12345678901234567890", "officer-one", "officer-one@example.org"]
    texts = set()
    for validator in [
        *validators_in_use,
        password_validation.MinimumLengthValidator(),
        password_validation.CommonPasswordValidator(),
        password_validation.NumericPasswordValidator(),
        password_validation.UserAttributeSimilarityValidator(),
    ]:
        texts |= _failures(partial(validator.validate, user=user), *attempts)
    return texts


def _pattern(text: str) -> re.Pattern:
    """A default message as a pattern: its placeholders ("%(limit_value)d", "%s") match anything."""
    # A message with its full stop left off is still Django's.
    escaped = re.escape(text.strip().removesuffix("."))
    escaped = re.sub(r"%\\\(\w+\\\)[sdr]|%[sdr]|\\\{\w*\\\}", ".+?", escaped)
    escaped = re.sub(r"\d+", r"\\d[\\d,]*", escaped)
    return re.compile(escaped + r"\.?")


DEFAULT_TEXTS = sorted(_default_texts())
DEFAULT_PATTERNS = [_pattern(text) for text in DEFAULT_TEXTS]


def django_default(message: str) -> str | None:
    """The default Django message that `message` is, or None when it is one of ours."""
    for text, pattern in zip(DEFAULT_TEXTS, DEFAULT_PATTERNS, strict=True):
        if pattern.fullmatch(str(message).strip()):
            return text
    return None


def django_defaults_in(page_text: str) -> list[str]:
    """The default Django messages that appear anywhere in a page's text."""
    found = []
    for text, pattern in zip(DEFAULT_TEXTS, DEFAULT_PATTERNS, strict=True):
        if pattern.search(page_text):
            found.append(text)
    return found
