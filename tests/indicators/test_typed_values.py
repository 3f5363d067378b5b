"""An indicator's value as officers in England and Wales type it (indicators/forms.py
`parse_value`): the digits 0 to 9, a decimal point, commas between thousands, spaces around it
and a "%" after a percentage. Anything else is refused with a message saying what to type."""

from decimal import Decimal

import pytest
from django import forms

from indicators.forms import parse_value
from indicators.models import Indicator

NUMBER = Indicator.Unit.NUMBER
PERCENTAGE = Indicator.Unit.PERCENTAGE
LIKE = "Enter the number as a number, like 12 or 12.5"


def refusal(text, unit=NUMBER) -> str:
    with pytest.raises(forms.ValidationError) as refused:
        parse_value(text, unit)
    return refused.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("7", "7"),
        ("1000", "1000"),
        ("1,000", "1000"),
        ("12,345.5", "12345.5"),
        ("1,234,567.25", "1234567.25"),
        ("0.5", "0.5"),
        (".5", "0.5"),
        ("0", "0"),
        ("  12.5\t", "12.5"),
    ],
)
def test_a_number_is_read_as_people_write_it(typed, value):
    assert parse_value(typed, NUMBER) == Decimal(value)


@pytest.mark.parametrize(("typed", "value"), [("64.5%", "64.5"), ("64 %", "64"), (" 100% ", "100")])
def test_a_percentage_may_end_with_its_sign(typed, value):
    assert parse_value(typed, PERCENTAGE) == Decimal(value)


@pytest.mark.parametrize(
    "typed",
    [
        "٣",  # Arabic-Indic digit three
        "١٢٫٥",  # Arabic-Indic twelve and a half
        "１２",  # full-width twelve
        "²",
        "1_000",
        "1e3",
        "+5",
        "12.5.1",
        "1 250",
        "0x10",
        "Infinity",
    ],
)
def test_anything_but_the_digits_0_to_9_is_refused_saying_what_to_type(typed):
    assert refusal(typed) == LIKE


@pytest.mark.parametrize("typed", ["1,00", "1,0000", "12,345,67", ",100", "1,,000", "1000,"])
def test_commas_out_of_place_are_refused_saying_where_they_go(typed):
    assert refusal(typed) == (
        "Enter the number with commas only between thousands, like 1,250 or 12,345.5"
    )


@pytest.mark.parametrize("typed", ["-0", "-3", "-0.00", "-1,000"])
def test_a_minus_sign_is_refused_even_before_nought(typed):
    assert refusal(typed) == "Enter the number as 0 or more"


def test_a_percent_sign_after_a_number_that_is_not_a_percentage_is_refused():
    assert refusal("12%") == "Enter the number without a % sign"


def test_the_existing_limits_still_apply():
    assert refusal("101%", PERCENTAGE) == "Enter a percentage of 100 or less"
    assert refusal("12.345").startswith("Enter the number with no more than 2 decimal places")
    assert refusal("10,000,000,000") == "Enter the number as less than 10,000,000,000"
    assert refusal("   ") == "Enter the number"


def test_a_number_too_long_to_round_is_refused_as_too_big():
    assert refusal("1" * 30 + ".125") == "Enter the number as less than 10,000,000,000"
