"""Every error message of the service's forms is worded the GOV.UK way, naming the field: never
Django's own ("This field is required.", "Ensure this value has at most 5000 characters (it
has 5001).", "Select a valid choice. That choice is not one of the available choices.").

Every form class of the project's apps is found (a new form is covered without being listed
here, and fails `test_every_form_of_the_project_is_checked` until it says how it is made), then
bound with odd data in every field at once: nothing, too much, words where a number goes, digits
that are not ASCII, a NUL, a common password. Django admin's own forms are not the project's.
"""

import importlib
import pkgutil
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import RequestFactory

from actions.filters import MyActionsFilter
from agencies.models import Agency
from imports.organisations import Found
from imports.planning import propose_options
from imports.reading import read_file
from tests.django_messages import django_default
from tests.factories import AnnualPlanFactory, IndicatorFactory, UserFactory

ROOT = Path(__file__).resolve().parents[1]
OUR_APPS = [config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT]


def _import_every_module():
    for app in OUR_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in module.name or ".management" in module.name:
                continue
            importlib.import_module(module.name)


def _subclasses(base):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def project_forms() -> dict[str, type]:
    """Every form class our apps define, by its dotted name."""
    _import_every_module()
    return {
        f"{cls.__module__}.{cls.__qualname__}": cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in OUR_APPS
    }


def _plan():
    return AnnualPlanFactory(financial_year=2017)


# How each form is made, given its data and files: the objects it is about are made for it.
BUILDERS = {
    "actions.forms.ActionAdminForm": lambda data, files: _form("actions.forms.ActionAdminForm")(
        data
    ),
    "actions.forms.TimeframeAdminForm": lambda data, files: _form(
        "actions.forms.TimeframeAdminForm"
    )(data),
    "actions.forms.ProgressUpdateForm": lambda data, files: _form(
        "actions.forms.ProgressUpdateForm"
    )(data, plan=_plan()),
    "actions.filters.MyActionsFilterForm": lambda data, files: (
        MyActionsFilter.for_user(data, UserFactory(), date(2018, 1, 5)).form
    ),
    "agencies.forms.SignInForm": lambda data, files: _form("agencies.forms.SignInForm")(
        RequestFactory().post("/sign-in/"), data=data
    ),
    "agencies.reset_forms.ResetRequestForm": lambda data, files: _form(
        "agencies.reset_forms.ResetRequestForm"
    )(data),
    "agencies.reset_forms.NewPasswordForm": lambda data, files: _form(
        "agencies.reset_forms.NewPasswordForm"
    )(UserFactory(username="officer-one", email="officer-one@example.org"), data),
    "consultation.forms.CommentForm": lambda data, files: _form("consultation.forms.CommentForm")(
        data
    ),
    "consultation.forms.AddressForm": lambda data, files: _form("consultation.forms.AddressForm")(
        data
    ),
    "imports.forms.UploadForm": lambda data, files: _form("imports.forms.UploadForm")(data, files),
    "imports.forms.ReadingForm": lambda data, files: _reading_form(data),
    "imports.forms.OrganisationsForm": lambda data, files: _form("imports.forms.OrganisationsForm")(
        data, unknown={"LBB": Found(None, "", "")}, guessed={}, agencies=Agency.objects.none()
    ),
    "indicators.forms.IndicatorValueForm": lambda data, files: _form(
        "indicators.forms.IndicatorValueForm"
    )(data, indicator=IndicatorFactory(), quarter_label="Q3 2017-18"),
    "indicators.forms.OverrideForm": lambda data, files: _form("indicators.forms.OverrideForm")(
        data, prefix="q3"
    ),
    "actions.forms.RollForwardForm": lambda data, files: _form("actions.forms.RollForwardForm")(
        data, source=_plan()
    ),
    # Issue 13: invitations, the legal pages, single sign-on and two-factor authentication.
    "invitations.forms.InviteForm": lambda data, files: _form("invitations.forms.InviteForm")(data),
    "invitations.forms.UploadForm": lambda data, files: _form("invitations.forms.UploadForm")(
        data, files
    ),
    "invitations.forms.ChoosePasswordForm": lambda data, files: _form(
        "invitations.forms.ChoosePasswordForm"
    )(UserFactory.build(username="invited@example.org", email="invited@example.org"), data),
    "legal.forms.LegalPageForm": lambda data, files: _form("legal.forms.LegalPageForm")(data),
    # Progress from a spreadsheet (bulkupdates/).
    "bulkupdates.forms.UploadForm": lambda data, files: _form("bulkupdates.forms.UploadForm")(
        data, files
    ),
    "sso.admin.ProviderForm": lambda data, files: _form("sso.admin.ProviderForm")(data),
    "sso.forms.OrganisationEmailForm": lambda data, files: _form("sso.forms.OrganisationEmailForm")(
        data
    ),
    "twofactor.forms.CodeForm": lambda data, files: _form("twofactor.forms.CodeForm")(data),
}


def _form(name):
    return project_forms()[name]


def _reading_form(data):
    """The import preview's form, for a small file read into a plan."""
    sheet = read_file("plan.csv", b"Ref,Action,Lead\n1,Do it,Police\n")
    plan = _plan()
    return _form("imports.forms.ReadingForm")(
        data, sheet=sheet, plan=plan, options=propose_options(sheet, plan)
    )


# Odd data, put into every field of a form at once.
ODD_VALUES = {
    "nothing": "",
    "too much": "x" * 100_001,
    "words": "not a valid value",
    "a superscript two": "²",
    "Arabic-Indic digits": "٣٤",
    "1e9999": "1e9999",
    "minus one": "-1",
    "2 to the 63": str(2**63),
    "a NUL": "a\x00b",
    "a date that does not exist": "2018-02-30",
    "a common password": "password",
    "only digits": "123456789012345",
    "the username": "officer-one",
}
ODD_FILES = {
    "nothing": None,
    "too much": SimpleUploadedFile("x" * 300 + ".xlsx", b"PK"),
    "words": SimpleUploadedFile("plan.xlsx", b""),
    "a NUL": SimpleUploadedFile("pl\x00an.csv", b"a,b"),
}


def bound(name, value, value_name):
    """The form `name`, bound with `value` in every field (and a matching odd file)."""
    cls = _form(name)
    data = QueryDict(mutable=True)
    files = {}
    probe = BUILDERS[name](None, None)
    for field_name, field in probe.fields.items():
        key = probe.add_prefix(field_name)
        if isinstance(field, forms.FileField):
            upload = ODD_FILES.get(value_name)
            if upload is not None:
                upload.seek(0)
                files[key] = upload
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data.setlist(key, [value, value + "1"])
        else:
            data[key] = value
    assert cls is not None
    return BUILDERS[name](data, files)


def test_every_form_of_the_project_is_checked(db):
    assert sorted(project_forms()) == sorted(BUILDERS)


@pytest.mark.parametrize("value_name", ODD_VALUES)
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_no_error_message_is_djangos_own_wording(db, name, value_name):
    form = bound(name, ODD_VALUES[value_name], value_name)

    form.is_valid()

    defaults = {
        field: message
        for field, messages in form.errors.items()
        for message in messages
        if django_default(message)
    }
    assert defaults == {}
