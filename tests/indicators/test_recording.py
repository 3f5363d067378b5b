"""Recording a quarter's value of an indicator (/indicators/<pk>/record/?quarter=N): who may,
for which quarters, what is refused, and that nobody's figure is lost."""

from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from tests.closing import close_quarter
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    SuperuserFactory,
    UserFactory,
)
from tests.pages import text_of


@pytest.fixture
def indicator(lead_agency):
    """A quarterly count of an active 2017-18 plan, reported by the officer's agency, with a
    target of 20 and a tolerance of 2."""
    return IndicatorFactory(
        name="Referrals to VAWG services",
        source_agency=lead_agency,
        plan__financial_year=2017,
    )


def record_url(indicator, quarter=3):
    return reverse("indicators:record", args=[indicator.pk]) + f"?quarter={quarter}"


def form(quarter=3, value="18", note="From Athena's returns.", version=""):
    return {"quarter": str(quarter), "value": value, "note": note, "version": version}


# Who may record -------------------------------------------------------------------------------


def test_an_officer_of_the_source_agency_records_a_value(officer_client, officer, indicator):
    response = officer_client.post(record_url(indicator), form(value="18"))

    assert response.status_code == 302
    assert response["Location"] == indicator.get_absolute_url()
    saved = IndicatorValue.objects.get(indicator=indicator, quarter=3)
    assert saved.value == Decimal("18")
    assert saved.note == "From Athena's returns."
    assert saved.recorded_by == officer
    assert saved.rating == "amber"


def test_the_form_shows_the_quarter_and_its_target(officer_client, indicator):
    response = officer_client.get(record_url(indicator))

    assert response.status_code == 200
    page = text_of(response)
    assert "Record the value for Q3 2017-18" in page
    assert "Target for Q3 2017-18: 20 (higher is better)" in page


def test_an_officer_of_another_agency_is_refused(client, other_officer, indicator):
    client.force_login(other_officer)

    assert client.get(record_url(indicator)).status_code == 403
    response = client.post(record_url(indicator), form())

    assert response.status_code == 403
    assert "govuk-heading-l" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_member_is_refused(member_client, indicator):
    assert member_client.post(record_url(indicator), form()).status_code == 403
    assert not IndicatorValue.objects.exists()


def test_an_administrator_records_any_indicator(client, administrator, indicator):
    client.force_login(administrator)

    response = client.post(record_url(indicator), form())

    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator).recorded_by == administrator


def test_anyone_signed_out_is_asked_to_sign_in(client, indicator):
    response = client.get(record_url(indicator))

    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=" + quote(record_url(indicator))


# Bad values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the number"),
        ("twelve", "Enter the number as a number, like 12 or 12.5"),
        ("12abc", "Enter the number as a number, like 12 or 12.5"),
        ("NaN", "Enter the number as a number, like 12 or 12.5"),
        ("-3", "Enter the number as 0 or more"),
        ("12.345", "Enter the number with no more than 2 decimal places"),
        ("99999999999", "Enter the number as less than 10,000,000,000"),
    ],
)
def test_a_bad_value_is_refused_with_what_was_typed_kept(officer_client, indicator, typed, message):
    response = officer_client.post(record_url(indicator), form(value=typed, note="Kept note."))

    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    assert message in page
    body = response.content.decode()
    assert not typed or f'value="{typed}"' in body
    assert "Kept note." in body
    assert not IndicatorValue.objects.exists()


def test_a_percentage_over_100_is_refused(officer_client, indicator):
    Indicator.objects.filter(pk=indicator.pk).update(unit=Indicator.Unit.PERCENTAGE)

    response = officer_client.post(record_url(indicator), form(value="101"))

    assert response.status_code == 400
    assert "Enter a percentage of 100 or less" in text_of(response)
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(("typed", "saved"), [("1,250", "1250"), (" 12.5 ", "12.5"), ("7", "7")])
def test_numbers_are_read_as_people_write_them(officer_client, indicator, typed, saved):
    assert officer_client.post(record_url(indicator), form(value=typed)).status_code == 302

    assert IndicatorValue.objects.get().value == Decimal(saved)


def test_a_percentage_may_be_typed_with_its_sign(officer_client, indicator):
    Indicator.objects.filter(pk=indicator.pk).update(unit=Indicator.Unit.PERCENTAGE)

    assert officer_client.post(record_url(indicator), form(value="64.5%")).status_code == 302
    assert IndicatorValue.objects.get().value == Decimal("64.5")


# Quarters ------------------------------------------------------------------------------------


def test_a_quarter_the_indicator_is_not_reported_in_is_refused(officer_client, indicator):
    Indicator.objects.filter(pk=indicator.pk).update(frequency=Indicator.Frequency.ANNUAL)

    response = officer_client.post(record_url(indicator, 3), form(quarter=3, value="64"))

    assert response.status_code == 400
    page = text_of(response)
    assert "no value is due for Q3" in page
    assert "Record the value for Q4 2017-18" in page
    assert "64" in page  # what was typed, to copy
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("quarter", ["0", "5", "three"])
def test_a_quarter_outside_the_plan_is_refused(officer_client, indicator, quarter):
    response = officer_client.post(
        reverse("indicators:record", args=[indicator.pk]), {**form(), "quarter": quarter}
    )

    assert response.status_code == 400
    assert "a quarter (1 to 4)" in text_of(response)
    assert not IndicatorValue.objects.exists()


def test_a_quarter_that_has_not_begun_is_refused(officer_client, indicator, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2017, 8, 1))

    response = officer_client.post(record_url(indicator, 4), form(quarter=4))

    assert response.status_code == 400
    assert "Q4 of" in text_of(response)
    assert "has not begun" in text_of(response)
    assert not IndicatorValue.objects.exists()


def test_a_closed_quarter_is_refused_keeping_the_value_and_note(officer_client, indicator):
    close_quarter(indicator.plan, 3, by=SuperuserFactory(), on=date(2018, 2, 1))

    response = officer_client.post(record_url(indicator), form(value="17", note="Late return."))

    assert response.status_code == 400
    page = text_of(response)
    assert "closed" in page
    assert "17" in page and "Late return." in page
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("status", ["closed", "draft"])
def test_a_plan_not_taking_updates_is_refused(officer_client, indicator, status):
    type(indicator.plan).objects.filter(pk=indicator.plan_id).update(status=status)

    response = officer_client.post(record_url(indicator), form(value="17", note="Late return."))

    assert response.status_code == 403
    page = text_of(response)
    assert "You cannot record a value" in page
    assert "Late return." in page
    assert not IndicatorValue.objects.exists()


# Amending, and nobody's figure lost ----------------------------------------------------------


def test_a_second_value_for_the_quarter_amends_the_first(officer_client, indicator):
    first = IndicatorValueFactory(indicator=indicator, quarter=3, value=12)

    response = officer_client.get(record_url(indicator))
    assert f'name="version" value="{first.version}"' in response.content.decode()
    response = officer_client.post(record_url(indicator), form(value="21", version=first.version))

    assert response.status_code == 302
    saved = IndicatorValue.objects.get(indicator=indicator, quarter=3)
    assert (saved.pk, saved.value, saved.rating) == (first.pk, Decimal("21"), "green")
    assert saved.version == first.version + 1
    assert list(saved.history.order_by("history_date").values_list("value", flat=True)) == [
        Decimal("12"),
        Decimal("21"),
    ]


def test_a_stale_form_is_refused_showing_both_values(officer_client, indicator):
    theirs = IndicatorValueFactory(
        indicator=indicator, quarter=3, value=15, recorded_by=UserFactory(first_name="Sarah")
    )
    stale = theirs.version
    theirs.value = 16
    theirs.save()

    response = officer_client.post(record_url(indicator), form(value="19", version=stale))

    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else saved a value for Q3 2017-18" in page
    assert "Their value 16" in page
    assert "Your value 19" in page
    body = response.content.decode()
    assert 'value="19"' in body  # still in the form
    assert f'name="version" value="{theirs.version}"' in body
    assert IndicatorValue.objects.get(pk=theirs.pk).value == Decimal("16")


def test_a_first_value_saved_meanwhile_by_someone_else_is_not_overwritten(
    officer_client, indicator
):
    officer_client.get(record_url(indicator))  # the form shows no value
    IndicatorValueFactory(indicator=indicator, quarter=3, value=15)

    response = officer_client.post(record_url(indicator), form(value="19", version=""))

    assert response.status_code == 409
    assert IndicatorValue.objects.get().value == Decimal("15")


def test_every_change_is_in_the_audit_trail_with_who_made_it(officer_client, officer, indicator):
    officer_client.post(record_url(indicator), form(value="12"))
    value = IndicatorValue.objects.get()
    officer_client.post(record_url(indicator), form(value="14", version=value.version))

    rows = list(value.history.order_by("history_date"))
    assert [(row.history_type, row.value, row.history_user) for row in rows] == [
        ("+", Decimal("12"), officer),
        ("~", Decimal("14"), officer),
    ]
