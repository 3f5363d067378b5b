"""Quarter arithmetic follows the UK financial year: Q1 is April to June, Q4 January to March.

Pure Python: no database is needed.
"""

from datetime import date

import pytest

from plans.models import AnnualPlan
from plans.quarters import Quarter, financial_year_label, financial_year_of

# Each quarter of 2017-18: its number, first day and last day.
QUARTERS_2017 = [
    (1, date(2017, 4, 1), date(2017, 6, 30)),
    (2, date(2017, 7, 1), date(2017, 9, 30)),
    (3, date(2017, 10, 1), date(2017, 12, 31)),
    (4, date(2018, 1, 1), date(2018, 3, 31)),
]


@pytest.mark.parametrize(("number", "start", "end"), QUARTERS_2017)
def test_it_dates_each_quarter_of_the_financial_year(number, start, end):
    quarter = Quarter(2017, number)

    assert (quarter.start_date, quarter.end_date) == (start, end)


def test_it_puts_the_fourth_quarter_in_the_next_calendar_year():
    quarter = Quarter(2017, 4)

    assert quarter.start_date == date(2018, 1, 1)
    assert quarter.end_date == date(2018, 3, 31)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2018, 3, 31), Quarter(2017, 4)),
        (date(2018, 4, 1), Quarter(2018, 1)),
        (date(2017, 6, 30), Quarter(2017, 1)),
        (date(2017, 7, 1), Quarter(2017, 2)),
        (date(2017, 9, 30), Quarter(2017, 2)),
        (date(2017, 10, 1), Quarter(2017, 3)),
        (date(2017, 12, 31), Quarter(2017, 3)),
        (date(2018, 1, 1), Quarter(2017, 4)),
    ],
)
def test_it_finds_the_quarter_containing_a_boundary_day(day, expected):
    assert Quarter.containing(day) == expected


def test_it_finds_the_quarter_containing_every_day_of_a_year():
    day = date(2017, 4, 1)
    while day <= date(2018, 3, 31):
        quarter = Quarter.containing(day)
        assert quarter.financial_year == 2017
        assert quarter.start_date <= day <= quarter.end_date
        day = date.fromordinal(day.toordinal() + 1)


def test_it_goes_back_from_the_first_quarter_to_the_last_quarter_of_the_year_before():
    assert Quarter(2018, 1).previous() == Quarter(2017, 4)


def test_it_goes_forward_from_the_last_quarter_to_the_first_quarter_of_the_year_after():
    assert Quarter(2017, 4).next() == Quarter(2018, 1)


def test_it_steps_between_quarters_within_a_year():
    assert Quarter(2017, 2).previous() == Quarter(2017, 1)
    assert Quarter(2017, 2).next() == Quarter(2017, 3)


def test_it_makes_the_quarter_after_the_previous_one_the_same_quarter():
    for number in (1, 2, 3, 4):
        quarter = Quarter(2017, number)
        assert quarter.previous().next() == quarter
        assert quarter.next().previous() == quarter


def test_it_labels_a_quarter_with_its_financial_year():
    assert Quarter(2017, 1).label == "Q1 2017-18"
    assert str(Quarter(2017, 4)) == "Q4 2017-18"


def test_it_labels_the_months_of_the_first_quarter():
    assert Quarter(2017, 1).months_label == "April to June 2017"


def test_it_labels_the_months_of_the_last_quarter_with_the_next_calendar_year():
    assert Quarter(2017, 4).months_label == "January to March 2018"


@pytest.mark.parametrize("number", [0, 5, -1])
def test_it_refuses_a_quarter_numbered_outside_one_to_four(number):
    with pytest.raises(ValueError, match="numbered 1 to 4"):
        Quarter(2017, number)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2017, 4, 1), 2017),
        (date(2017, 12, 31), 2017),
        (date(2018, 1, 1), 2017),
        (date(2018, 3, 31), 2017),
        (date(2018, 4, 1), 2018),
    ],
)
def test_it_names_the_financial_year_of_a_day_by_its_starting_year(day, year):
    assert financial_year_of(day) == year


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2017, "2017-18"),
        (2009, "2009-10"),
        (2000, "2000-01"),
        (2099, "2099-00"),  # the standard way to write a year that crosses a century: "1999-00"
    ],
)
def test_it_labels_a_financial_year_as_councils_write_it(year, label):
    assert financial_year_label(year) == label


def test_it_gives_a_plan_its_financial_year_dates():
    plan = AnnualPlan(financial_year=2017)

    assert plan.start_date == date(2017, 4, 1)
    assert plan.end_date == date(2018, 3, 31)
    assert plan.financial_year_label == "2017-18"


def test_it_gives_a_plan_its_numbered_quarter():
    plan = AnnualPlan(financial_year=2017)

    assert plan.quarter(3) == Quarter(2017, 3)
    assert plan.quarter(3).start_date == date(2017, 10, 1)


def test_it_gives_a_plan_its_four_quarters_in_order():
    plan = AnnualPlan(financial_year=2017)

    assert [quarter.label for quarter in plan.quarters] == [
        "Q1 2017-18",
        "Q2 2017-18",
        "Q3 2017-18",
        "Q4 2017-18",
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2017, 4, 1), Quarter(2017, 1)),
        (date(2017, 11, 15), Quarter(2017, 3)),
        (date(2018, 3, 31), Quarter(2017, 4)),
    ],
)
def test_it_finds_a_plans_current_quarter_within_its_year(day, expected):
    plan = AnnualPlan(financial_year=2017)

    assert plan.current_quarter(on=day) == expected


@pytest.mark.parametrize("day", [date(2017, 3, 31), date(2018, 4, 1), date(2020, 6, 1)])
def test_it_has_no_current_quarter_outside_the_plans_year(day):
    plan = AnnualPlan(financial_year=2017)

    assert plan.current_quarter(on=day) is None
