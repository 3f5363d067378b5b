"""Financial-year arithmetic: UK public bodies' years run 1 April to 31 March, in four quarters.

Q1 is April–June, Q2 July–September, Q3 October–December and Q4 January–March of the next
calendar year. A financial year is named by the calendar year it starts in (2017 = "2017-18").
"""

import calendar
from dataclasses import dataclass
from datetime import date

FIRST_MONTH = 4  # April

QUARTER_NUMBERS = (1, 2, 3, 4)


def financial_year_of(day: date) -> int:
    """The financial year a date falls in, named by its starting calendar year."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def financial_year_label(start_year: int) -> str:
    """ "2017-18", as councils write it."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def financial_year_start(start_year: int) -> date:
    return date(start_year, FIRST_MONTH, 1)


def financial_year_end(start_year: int) -> date:
    return date(start_year + 1, FIRST_MONTH - 1, 31)


@dataclass(frozen=True, order=True)
class Quarter:
    """One quarter of one financial year."""

    financial_year: int
    number: int

    def __post_init__(self):
        if self.number not in QUARTER_NUMBERS:
            raise ValueError(f"A quarter is numbered 1 to 4, not {self.number!r}.")

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        """The quarter a date falls in."""
        months_into_year = (day.month - FIRST_MONTH) % 12
        return cls(financial_year_of(day), months_into_year // 3 + 1)

    @property
    def first_month(self) -> tuple[int, int]:
        """(year, month) of the quarter's first month."""
        month_index = FIRST_MONTH - 1 + (self.number - 1) * 3  # 0-based, may pass December
        return self.financial_year + month_index // 12, month_index % 12 + 1

    @property
    def start_date(self) -> date:
        year, month = self.first_month
        return date(year, month, 1)

    @property
    def end_date(self) -> date:
        year, month = self.first_month
        last_month = month + 2
        return date(year, last_month, calendar.monthrange(year, last_month)[1])

    @property
    def label(self) -> str:
        """ "Q1 2017-18"."""
        return f"Q{self.number} {financial_year_label(self.financial_year)}"

    @property
    def months_label(self) -> str:
        """ "April to June 2017"; "January to March 2018"."""
        start, end = self.start_date, self.end_date
        return f"{start:%B} to {end:%B} {end.year}"

    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.financial_year - 1, 4)
        return Quarter(self.financial_year, self.number - 1)

    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.financial_year + 1, 1)
        return Quarter(self.financial_year, self.number + 1)

    def __str__(self):
        return self.label
