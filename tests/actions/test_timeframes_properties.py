"""Properties of the timeframe reader (actions/timeframes.py) for any wording at all, found by
hypothesis: it never raises, its dates are real, in order and inside the years a plan can have,
an unread wording has no dates, and the same wording always reads the same."""

import string
from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from actions.timeframes import Cadence, ParsedTimeframe, parse_timeframe

# The plans' financial years: the reader's years are 2000-2099 (actions/timeframes.py).
YEARS = st.integers(min_value=2000, max_value=2098)
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)

# What officers write, cut into pieces that hypothesis recombines at random: months, years,
# quarters, dates in every form, cadences, and the words and dashes between them.
PIECES = [
    "March", "Mar", "Sept", "September", "May", "June", "Jan", "December", "Feb", "february",
    "18", "17", "2018", "2099", "1999", "00", "99", "1", "31", "29", "31st", "1st", "30th",
    "Q1", "Q4", "quarter 2", "quarter", "17-18", "99-00", "17/18", "99/00", "03/18", "13/18",
    "31/03/2018", "29/02/2019", "31.12.99", "2018-03-31", "2100-01-01", "0/0/0000",
    "quarterly", "monthly", "weekly", "6 monthly", "bi-annually", "annually", "ongoing",
    "onwards", "as required", "as and when", "immediate", "begin", "from", "start", "by",
    "end of", "to", "until", "review", "–", "—", "-", "/", ",", ".", "(", ")",
    "yearly", "every", "within", "six", "twenty-four", "months", "weeks", "year", "of the plan",
    "Spring", "Summer", "Autumn", "Winter", "term", "2025", "2023/24", "2099/00", "TBC",
    "to be confirmed",
]  # fmt: skip
OFFICERS_WORDING = st.lists(st.sampled_from(PIECES), max_size=8).map(" ".join)
ANY_TEXT = st.text(max_size=300)
WORDING = st.one_of(OFFICERS_WORDING, ANY_TEXT, st.text(string.printable, max_size=120))


def assert_sound(result, fy):
    assert isinstance(result, ParsedTimeframe)
    assert isinstance(result.cadence, Cadence)
    assert isinstance(result.explanation, str) and result.explanation.endswith(".")
    if not result.understood:
        # Wording it cannot read is flagged, never guessed.
        assert (result.start_date, result.due_date, result.cadence) == (None, None, Cadence.NONE)
        return
    for day in (result.start_date, result.due_date):
        if day is not None:
            assert isinstance(day, date)
            assert EARLIEST <= day <= LATEST, day
    if result.start_date and result.due_date:
        assert result.start_date <= result.due_date


@given(wording=WORDING, fy=YEARS)
@example(wording="Q4 99-00", fy=2017)  # the quarter of a year pair that ends in 2100
@example(wording="Q1 99/00", fy=2098)
@example(wording="March 2099 onwards", fy=2098)
@example(wording="\x00\u202e\U0001f600 March\u200f 18 \ufeff", fy=2017)
@example(wording="Winter 2099", fy=2017)  # December 2099 to February 2100
@example(wording="Spring term 99/00", fy=2017)  # January to March 2100
@example(wording="Winter term", fy=2017)  # schools have no winter term
@example(wording="within 24 months", fy=2098)  # 31 March 2100
def test_any_wording_reads_to_real_dates_in_order(wording, fy):
    assert_sound(parse_timeframe(wording, fy), fy)


@given(wording=WORDING, fy=YEARS)
def test_the_same_wording_always_reads_the_same(wording, fy):
    assert parse_timeframe(wording, fy) == parse_timeframe(wording, fy)


@given(wording=st.one_of(OFFICERS_WORDING, st.text(string.printable, max_size=120)), fy=YEARS)
def test_case_and_spacing_do_not_matter(wording, fy):
    """ "MARCH  18" reads as "March 18": officers' capitals and spaces vary."""
    spaced = "  " + wording.upper().replace(" ", " \t ") + " \n"

    assert parse_timeframe(spaced, fy) == parse_timeframe(wording, fy)


@given(wording=st.one_of(st.none(), st.text(string.whitespace, max_size=20)), fy=YEARS)
def test_no_wording_is_no_timeframe(wording, fy):
    result = parse_timeframe(wording, fy)

    assert not result.understood
    assert result.explanation == "No timeframe given."
