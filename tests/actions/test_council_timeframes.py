"""Timeframes as councils' own spreadsheets write them: yearly months, deadlines "within six
months", seasons and school terms, quarters of a named year, month deadlines, "TBC", and due
dates outside the plan's year.

Plain functions with no database: the module under test is pure Python.
"""

from datetime import date

import pytest

from actions.timeframes import (
    TO_BE_CONFIRMED,
    Cadence,
    ParsedTimeframe,
    outside_plan_year,
    parse_timeframe,
)

FY = 2025  # a plan for 1 April 2025 to 31 March 2026
PLAN_START, PLAN_END = date(2025, 4, 1), date(2026, 3, 31)

# wording, start, due, cadence, explanation: all understood, for the plan year 2025-26.
COUNCIL_WORDING = [
    # A month said to recur every year: due at the end of that month in the plan's year.
    (
        "November annually",
        None,
        date(2025, 11, 30),
        Cadence.ANNUALLY,
        "Yearly, due 30 November 2025.",
    ),
    (
        "Annually in November",
        None,
        date(2025, 11, 30),
        Cadence.ANNUALLY,
        "Yearly, due 30 November 2025.",
    ),
    ("Every November", None, date(2025, 11, 30), Cadence.ANNUALLY, "Yearly, due 30 November 2025."),
    ("Each March", None, PLAN_END, Cadence.ANNUALLY, "Yearly, due 31 March 2026."),
    ("Yearly (March)", None, PLAN_END, Cadence.ANNUALLY, "Yearly, due 31 March 2026."),
    # Yearly with no month runs for the plan's year.
    (
        "Annually",
        PLAN_START,
        PLAN_END,
        Cadence.ANNUALLY,
        "Starts 1 April 2025; yearly, due 31 March 2026.",
    ),
    (
        "Annual",
        PLAN_START,
        PLAN_END,
        Cadence.ANNUALLY,
        "Starts 1 April 2025; yearly, due 31 March 2026.",
    ),
    (
        "Yearly",
        PLAN_START,
        PLAN_END,
        Cadence.ANNUALLY,
        "Starts 1 April 2025; yearly, due 31 March 2026.",
    ),
    (
        "Ongoing – reviewed annually",
        PLAN_START,
        PLAN_END,
        Cadence.ANNUALLY,
        "Starts 1 April 2025; yearly, due 31 March 2026.",
    ),
    # "Within" a time of the plan's start is a deadline, not a review cadence.
    (
        "Within six months of commencement of the plan",
        PLAN_START,
        date(2025, 9, 30),
        Cadence.NONE,
        "Due 30 September 2025, within 6 months of the plan's start on 1 April 2025.",
    ),
    (
        "Within 3 months",
        PLAN_START,
        date(2025, 6, 30),
        Cadence.NONE,
        "Due 30 June 2025, within 3 months of the plan's start on 1 April 2025.",
    ),
    (
        "within one year",
        PLAN_START,
        PLAN_END,
        Cadence.NONE,
        "Due 31 March 2026, within 1 year of the plan's start on 1 April 2025.",
    ),
    (
        "Within 6 weeks of the plan starting",
        PLAN_START,
        date(2025, 5, 12),
        Cadence.NONE,
        "Due 12 May 2025, within 6 weeks of the plan's start on 1 April 2025.",
    ),
    (
        "within twelve months",
        PLAN_START,
        PLAN_END,
        Cadence.NONE,
        "Due 31 March 2026, within 12 months of the plan's start on 1 April 2025.",
    ),
    (
        "Within eighteen months",
        PLAN_START,
        date(2026, 9, 30),
        Cadence.NONE,
        "Due 30 September 2026, within 18 months of the plan's start on 1 April 2025.",
    ),
    (
        "Within twenty-four months",
        PLAN_START,
        date(2027, 3, 31),
        Cadence.NONE,
        "Due 31 March 2027, within 24 months of the plan's start on 1 April 2025.",
    ),
    (
        "Within a month",
        PLAN_START,
        date(2025, 4, 30),
        Cadence.NONE,
        "Due 30 April 2025, within 1 month of the plan's start on 1 April 2025.",
    ),
    # Seasons: spring is March to May, summer June to August, autumn September to November and
    # winter December to February.
    ("Summer 2025", None, date(2025, 8, 31), Cadence.NONE, "Due 31 August 2025."),
    ("Spring 2026", None, date(2026, 5, 31), Cadence.NONE, "Due 31 May 2026."),
    ("Autumn 2025", None, date(2025, 11, 30), Cadence.NONE, "Due 30 November 2025."),
    ("Winter 2025", None, date(2026, 2, 28), Cadence.NONE, "Due 28 February 2026."),
    ("Winter 2025/26", None, date(2026, 2, 28), Cadence.NONE, "Due 28 February 2026."),
    ("Winter 25-26", None, date(2026, 2, 28), Cadence.NONE, "Due 28 February 2026."),
    # A season with no year is the one inside the plan's year.
    ("Spring", None, date(2025, 5, 31), Cadence.NONE, "Due 31 May 2025."),
    ("Summer", None, date(2025, 8, 31), Cadence.NONE, "Due 31 August 2025."),
    ("Autumn", None, date(2025, 11, 30), Cadence.NONE, "Due 30 November 2025."),
    ("Winter", None, date(2026, 2, 28), Cadence.NONE, "Due 28 February 2026."),
    ("From spring", PLAN_START, PLAN_END, Cadence.NONE, "Starts 1 April 2025; due 31 March 2026."),
    (
        "Summer 2025 – Spring 2026",
        date(2025, 6, 1),
        date(2026, 5, 31),
        Cadence.NONE,
        "Starts 1 June 2025; due 31 May 2026.",
    ),
    # School terms: autumn is September to December, spring January to March, summer April to
    # July; with no year, the term inside the plan's year.
    ("Autumn term", None, date(2025, 12, 31), Cadence.NONE, "Due 31 December 2025."),
    ("Spring term", None, PLAN_END, Cadence.NONE, "Due 31 March 2026."),
    ("Summer term", None, date(2025, 7, 31), Cadence.NONE, "Due 31 July 2025."),
    ("Autumn term 2025", None, date(2025, 12, 31), Cadence.NONE, "Due 31 December 2025."),
    ("Spring term 2026", None, PLAN_END, Cadence.NONE, "Due 31 March 2026."),
    ("Summer term 2026", None, date(2026, 7, 31), Cadence.NONE, "Due 31 July 2026."),
    # A school year: its autumn term is in the first year, its spring and summer in the second.
    ("Summer term 2025/26", None, date(2026, 7, 31), Cadence.NONE, "Due 31 July 2026."),
    # Schools have no winter term: it is read as the season.
    ("Winter term", None, date(2026, 2, 28), Cadence.NONE, "Due 28 February 2026."),
    # Quarters of the plan's year, and of a named financial year whatever the plan's year.
    ("By Q3", None, date(2025, 12, 31), Cadence.NONE, "Due 31 December 2025."),
    ("Q3", None, date(2025, 12, 31), Cadence.NONE, "Due 31 December 2025."),
    ("by end of Q3", None, date(2025, 12, 31), Cadence.NONE, "Due 31 December 2025."),
    ("Quarter 3", None, date(2025, 12, 31), Cadence.NONE, "Due 31 December 2025."),
    ("Q1", None, date(2025, 6, 30), Cadence.NONE, "Due 30 June 2025."),
    ("Q4", None, PLAN_END, Cadence.NONE, "Due 31 March 2026."),
    ("Q2 2023/24", None, date(2023, 9, 30), Cadence.NONE, "Due 30 September 2023."),
    ("Q2 23/24", None, date(2023, 9, 30), Cadence.NONE, "Due 30 September 2023."),
    ("2023/24 Q2", None, date(2023, 9, 30), Cadence.NONE, "Due 30 September 2023."),
    ("23-24 Quarter 2", None, date(2023, 9, 30), Cadence.NONE, "Due 30 September 2023."),
    # A month that is due is the last day of the month, inside the plan's year with no year.
    ("End of March", None, PLAN_END, Cadence.NONE, "Due 31 March 2026."),
    ("end March", None, PLAN_END, Cadence.NONE, "Due 31 March 2026."),
    ("By end of June 2025", None, date(2025, 6, 30), Cadence.NONE, "Due 30 June 2025."),
    ("March", None, PLAN_END, Cadence.NONE, "Due 31 March 2026."),
    ("Apr-25", None, date(2025, 4, 30), Cadence.NONE, "Due 30 April 2025."),
    ("April 2025", None, date(2025, 4, 30), Cadence.NONE, "Due 30 April 2025."),
    ("Apr 25", None, date(2025, 4, 30), Cadence.NONE, "Due 30 April 2025."),
]


@pytest.mark.parametrize(
    ("wording", "start", "due", "cadence", "explanation"),
    COUNCIL_WORDING,
    ids=[row[0] for row in COUNCIL_WORDING],
)
def test_council_wording(wording, start, due, cadence, explanation):
    assert parse_timeframe(wording, FY) == ParsedTimeframe(start, due, cadence, True, explanation)


@pytest.mark.parametrize(
    "wording", ["Within six months", "Within 3 months", "within six-months of the plan"]
)
def test_within_is_not_a_review_cadence(wording):
    parsed = parse_timeframe(wording, FY)

    assert parsed.cadence is Cadence.NONE
    assert "reviewed" not in parsed.explanation


def test_within_counts_from_the_plan_of_any_year():
    parsed = parse_timeframe("Within six months", 2017)

    assert (parsed.start_date, parsed.due_date) == (date(2017, 4, 1), date(2017, 9, 30))


def test_within_a_named_date_is_left_to_an_administrator():
    # Counted from April 2025, or due by then? A person decides.
    parsed = parse_timeframe("Within 3 months of April 2025", FY)

    assert (parsed.due_date, parsed.understood) == (None, False)


def test_a_season_without_a_year_follows_the_plan():
    assert parse_timeframe("Summer", 2017).due_date == date(2017, 8, 31)
    assert parse_timeframe("Winter", 2017).due_date == date(2018, 2, 28)
    assert parse_timeframe("Winter", 2027).due_date == date(2028, 2, 29)


def test_a_named_quarter_does_not_follow_the_plan():
    assert parse_timeframe("Q2 2023/24", 2030).due_date == date(2023, 9, 30)


TO_BE_CONFIRMED_WORDING = [
    "TBC", "To be confirmed", "TBA", "To be agreed", "tbd", "Date to be confirmed", "T.B.C.",
]  # fmt: skip


@pytest.mark.parametrize("wording", TO_BE_CONFIRMED_WORDING)
def test_to_be_confirmed_asks_for_a_date(wording):
    assert parse_timeframe(wording, FY) == ParsedTimeframe(
        None, None, Cadence.NONE, False, TO_BE_CONFIRMED
    )


def test_to_be_confirmed_explanation():
    assert parse_timeframe("TBC", FY).explanation == (
        "To be confirmed: no date yet; set the date when it is agreed."
    )


def test_a_date_given_with_to_be_confirmed_is_read():
    parsed = parse_timeframe("March 2026 (TBC)", FY)

    assert (parsed.due_date, parsed.understood) == (PLAN_END, True)


@pytest.mark.parametrize(
    ("wording", "outside"),
    [
        ("Apr-25", False),
        ("March 2026", False),
        ("1 April 2025", False),
        ("31/03/2026", False),
        ("31/03/2025", True),
        ("1 April 2026", True),
        ("Q2 2023/24", True),
        ("Within 18 months", True),
        ("Spring 2026", True),
        ("Summer term 2026", True),
        ("As required", False),  # no due date
        ("TBC", False),
        ("xyzzy", False),
    ],
    ids=repr,
)
def test_outside_plan_year(wording, outside):
    assert outside_plan_year(parse_timeframe(wording, FY), FY) is outside


def test_outside_plan_year_is_judged_against_the_year_given():
    parsed = parse_timeframe("March 2026", FY)

    assert outside_plan_year(parsed, 2025) is False
    assert outside_plan_year(parsed, 2026) is True
    assert outside_plan_year(parsed, 2024) is True
