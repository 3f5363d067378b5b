"""The timeframe reader: officers' free-text wording turned into dates and a cadence.

Plain functions with no database: the module under test is pure Python.
"""

import random
from datetime import date

import pytest

from actions.timeframes import (
    BAD_DATE,
    MONTH_NAMES,
    NO_TIMEFRAME,
    UNREADABLE,
    Cadence,
    ParsedTimeframe,
    format_date,
    parse_timeframe,
)

FY = 2017  # the Safer Lewisham Plan 17-18: 1 April 2017 to 31 March 2018
PLAN_START, PLAN_END = date(2017, 4, 1), date(2018, 3, 31)
MAR_18 = date(2018, 3, 31)

# wording, start, due, cadence: all understood, for the plan year 2017-18.
UNDERSTOOD = [
    # One month alone is when the action is due: the last day of that month.
    ("March 18", None, MAR_18, Cadence.NONE),
    ("Sept 17", None, date(2017, 9, 30), Cadence.NONE),
    ("July 17", None, date(2017, 7, 31), Cadence.NONE),
    ("June 17", None, date(2017, 6, 30), Cadence.NONE),
    ("Sep 2017", None, date(2017, 9, 30), Cadence.NONE),
    ("September 17", None, date(2017, 9, 30), Cadence.NONE),
    ("Jul 17", None, date(2017, 7, 31), Cadence.NONE),
    ("March 2018", None, MAR_18, Cadence.NONE),
    ("Mar-18", None, MAR_18, Cadence.NONE),
    ("03/18", None, MAR_18, Cadence.NONE),
    ("31 March 2018", None, MAR_18, Cadence.NONE),
    ("31/03/2018", None, MAR_18, Cadence.NONE),
    ("2018-03-31", None, MAR_18, Cadence.NONE),
    ("15 Sept 17", None, date(2017, 9, 15), Cadence.NONE),
    ("By March 18", None, MAR_18, Cadence.NONE),
    ("End of March 18", None, MAR_18, Cadence.NONE),
    ("  MARCH   18.  ", None, MAR_18, Cadence.NONE),
    ("March", None, MAR_18, Cadence.NONE),
    ("Sept", None, date(2017, 9, 30), Cadence.NONE),
    ("May", None, date(2017, 5, 31), Cadence.NONE),
    ("May 18", None, date(2018, 5, 31), Cadence.NONE),
    # Financial quarters: Q1 is April to June.
    ("Q1", None, date(2017, 6, 30), Cadence.NONE),
    ("Q2", None, date(2017, 9, 30), Cadence.NONE),
    ("Q3", None, date(2017, 12, 31), Cadence.NONE),
    ("Q4", None, MAR_18, Cadence.NONE),
    ("end of Q2", None, date(2017, 9, 30), Cadence.NONE),
    ("Q2 17-18", None, date(2017, 9, 30), Cadence.NONE),
    # A month marked as a beginning starts the work, which then runs to the plan's end.
    ("Begin July 17", date(2017, 7, 1), PLAN_END, Cadence.NONE),
    ("Begin June 17", date(2017, 6, 1), PLAN_END, Cadence.NONE),
    ("July 17 / monthly", date(2017, 7, 1), PLAN_END, Cadence.MONTHLY),
    ("June 17 – ongoing", date(2017, 6, 1), PLAN_END, Cadence.ONGOING),
    ("July 17 – ongoing", date(2017, 7, 1), PLAN_END, Cadence.ONGOING),
    ("March 18 onwards", date(2018, 3, 1), PLAN_END, Cadence.ONGOING),
    # Two months: from the first day of the first to the last day of the second.
    ("Sept 17 March 18", date(2017, 9, 1), MAR_18, Cadence.NONE),
    ("Sept 17 – March 18", date(2017, 9, 1), MAR_18, Cadence.NONE),
    ("Sept 17 - March 18", date(2017, 9, 1), MAR_18, Cadence.NONE),
    ("Sept 17—March 18", date(2017, 9, 1), MAR_18, Cadence.NONE),
    ("Sept 17 to March 18", date(2017, 9, 1), MAR_18, Cadence.NONE),
    # Cadences with no month run for the whole plan year.
    ("Review quarterly", PLAN_START, PLAN_END, Cadence.QUARTERLY),
    ("Immediate – review quarterly", PLAN_START, PLAN_END, Cadence.QUARTERLY),
    ("Review 6 monthly", PLAN_START, PLAN_END, Cadence.SIX_MONTHLY),
    ("Review 6 monthly for effectiveness", PLAN_START, PLAN_END, Cadence.SIX_MONTHLY),
    ("6 month review", PLAN_START, PLAN_END, Cadence.SIX_MONTHLY),
    ("Ongoing throughout the life of the Plan", PLAN_START, PLAN_END, Cadence.ONGOING),
    ("Ongoing", PLAN_START, PLAN_END, Cadence.ONGOING),
    ("Quarterly review YJMB/SLP", PLAN_START, PLAN_END, Cadence.QUARTERLY),
    (
        "Review IOM – set up Board – weekly operational tasking",
        PLAN_START,
        PLAN_END,
        Cadence.WEEKLY,
    ),
    ("Immediate", PLAN_START, PLAN_END, Cadence.NONE),
    ("Monthly", PLAN_START, PLAN_END, Cadence.MONTHLY),
    ("Weekly", PLAN_START, PLAN_END, Cadence.WEEKLY),
    ("Quarterly", PLAN_START, PLAN_END, Cadence.QUARTERLY),
    ("Six monthly", PLAN_START, PLAN_END, Cadence.SIX_MONTHLY),
    ("Bi-annually", PLAN_START, PLAN_END, Cadence.SIX_MONTHLY),
    ("Half-yearly", PLAN_START, PLAN_END, Cadence.SIX_MONTHLY),
    ("Annually", PLAN_START, PLAN_END, Cadence.ANNUALLY),
    ("Ongoing – review quarterly", PLAN_START, PLAN_END, Cadence.QUARTERLY),
    # A cadence before a single month: reviewed from the plan's start until that month.
    ("Monthly until Dec 17", PLAN_START, date(2017, 12, 31), Cadence.MONTHLY),
    ("Review quarterly from Sept 17", date(2017, 9, 1), PLAN_END, Cadence.QUARTERLY),
    # As required has no dates, unless a month is given as well.
    ("As required", None, None, Cadence.AS_REQUIRED),
    ("As and when", None, None, Cadence.AS_REQUIRED),
    ("As needed", None, None, Cadence.AS_REQUIRED),
    ("As required by March 18", None, MAR_18, Cadence.AS_REQUIRED),
]


@pytest.mark.parametrize(
    ("wording", "start", "due", "cadence"), UNDERSTOOD, ids=[row[0] for row in UNDERSTOOD]
)
def test_understood_wording(wording, start, due, cadence):
    parsed = parse_timeframe(wording, FY)
    assert (parsed.start_date, parsed.due_date, parsed.cadence) == (start, due, cadence)
    assert parsed.understood is True
    assert parsed.explanation.endswith(".")


# "TBC" has its own explanation: tests/actions/test_council_timeframes.py.
NOT_UNDERSTOOD = ["When funding allows", "asap??", "xyzzy", "Review", "funding may allow"]


@pytest.mark.parametrize("wording", NOT_UNDERSTOOD, ids=NOT_UNDERSTOOD)
def test_unknown_wording_is_flagged(wording):
    assert parse_timeframe(wording, FY) == ParsedTimeframe(
        None, None, Cadence.NONE, False, UNREADABLE
    )


@pytest.mark.parametrize("wording", ["", "   ", "\t\n", "\u00a0"], ids=repr)
def test_blank_wording_is_flagged(wording):
    assert parse_timeframe(wording, FY) == ParsedTimeframe(
        None, None, Cadence.NONE, False, NO_TIMEFRAME
    )


@pytest.mark.parametrize(
    "wording", ["31/02/2018", "March 1899", "30 February 2018", "Sept 2100"], ids=repr
)
def test_impossible_dates_are_flagged(wording):
    assert parse_timeframe(wording, FY) == ParsedTimeframe(
        None, None, Cadence.NONE, False, BAD_DATE
    )


@pytest.mark.parametrize("wording", ["Begin July 18", "March 18 – Sept 17"], ids=repr)
def test_due_before_start_is_flagged(wording):
    parsed = parse_timeframe(wording, FY)
    assert (parsed.start_date, parsed.due_date, parsed.understood) == (None, None, False)
    assert "wrong way round" in parsed.explanation


OTHER_YEAR = [
    ("March 19", None, date(2019, 3, 31), Cadence.NONE),
    ("March", None, date(2019, 3, 31), Cadence.NONE),
    ("Sept", None, date(2018, 9, 30), Cadence.NONE),
    ("Q4", None, date(2019, 3, 31), Cadence.NONE),
    ("Review quarterly", date(2018, 4, 1), date(2019, 3, 31), Cadence.QUARTERLY),
    ("Begin July", date(2018, 7, 1), date(2019, 3, 31), Cadence.NONE),
]


@pytest.mark.parametrize(
    ("wording", "start", "due", "cadence"), OTHER_YEAR, ids=[row[0] for row in OTHER_YEAR]
)
def test_plan_year_2018_19(wording, start, due, cadence):
    parsed = parse_timeframe(wording, 2018)
    assert (parsed.start_date, parsed.due_date, parsed.cadence) == (start, due, cadence)
    assert parsed.understood is True


@pytest.mark.parametrize(
    ("wording", "explanation"),
    [
        ("March 18", "Due 31 March 2018."),
        ("July 17 / monthly", "Starts 1 July 2017; reviewed monthly until 31 March 2018."),
        ("Sept 17 – March 18", "Starts 1 September 2017; due 31 March 2018."),
        ("June 17 – ongoing", "Starts 1 June 2017; ongoing until 31 March 2018."),
        ("6 month review", "Starts 1 April 2017; reviewed every six months until 31 March 2018."),
        ("As required", "As required, with no fixed dates."),
        ("As required by March 18", "As required, due 31 March 2018."),
        ("xyzzy", "Could not read this wording; please set the dates by hand."),
        ("", "No timeframe given."),
    ],
    ids=repr,
)
def test_explanation(wording, explanation):
    assert parse_timeframe(wording, FY).explanation == explanation


def test_format_date():
    assert format_date(date(2018, 3, 31)) == "31 March 2018"
    assert format_date(date(2017, 9, 1)) == "1 September 2017"
    assert MONTH_NAMES[0] == "January" and len(MONTH_NAMES) == 12


def test_cadence_values_are_what_the_database_stores():
    assert [c.value for c in Cadence] == [
        "none", "weekly", "monthly", "quarterly", "six_monthly", "annually", "as_required",
        "ongoing",
    ]  # fmt: skip


NASTY = [
    "x" * 100_000,
    "March 18 " * 20_000,
    "🚓🚨 March 18 🚔",
    "\x00March\x0018\x00",
    "".join(chr(c) for c in range(32)),
    "٣١/٠٣/٢٠١٨",  # Arabic-Indic digits
    "Ｍａｒｃｈ １８",  # full-width
    "\ud800",  # a lone surrogate
    "9" * 5000,
    "99/99/9999 99/99 Q9 q0 0 March 0000",
    "31st 31st 31st",
    "Q2 99-00 Q3 17/18 Q4 2017/18 quarter 4 quarter",
    "may may may 18 May",
    "-/–—/.",
    "As required — weekly — monthly — ongoing — from 1st",
]


@pytest.mark.parametrize("wording", NASTY, ids=[f"nasty-{i}" for i in range(len(NASTY))])
def test_never_raises(wording):
    parsed = parse_timeframe(wording, FY)
    _assert_consistent(parsed)


def test_never_raises_on_random_jumbles_of_timeframe_words():
    # Seeded so a failure can be reproduced; the pieces are what officers write.
    pieces = [
        "March", "May", "Sept", "17", "18", "2018", "1899", "31", "31st", "/", "-", "–",
        "03/18", "31/02/2018", "2018-03-31", "Q2", "quarter", "4", "begin", "from", "ongoing",
        "monthly", "6", "month", "bi-annually", "as required", "immediate", "review", "x", ".",
    ]  # fmt: skip
    rng = random.Random(1718)  # noqa: S311 - test data, not security
    for _ in range(3000):
        wording = " ".join(rng.choices(pieces, k=rng.randint(0, 8)))
        _assert_consistent(parse_timeframe(wording, FY))


def _assert_consistent(parsed):
    assert isinstance(parsed, ParsedTimeframe)
    assert isinstance(parsed.cadence, Cadence)
    assert parsed.explanation and len(parsed.explanation) <= 300
    if parsed.understood:
        if parsed.start_date and parsed.due_date:
            assert parsed.start_date <= parsed.due_date
    else:
        assert (parsed.start_date, parsed.due_date, parsed.cadence) == (None, None, Cadence.NONE)
