"""Read the free-text timeframes council officers write in action plans.

The officer's wording is always kept exactly as written; this module only
derives structure from it (start, due date, review cadence) so that "late" can
be worked out. Wording it cannot read is flagged for an administrator instead
of guessed, because a wrong due date does more harm than a missing one.

Standard library only: it is used by imports, forms and tests alike.
"""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple


class Cadence(enum.StrEnum):
    """How often an action recurs or is reviewed. The values are stored in the database."""

    NONE = "none"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SIX_MONTHLY = "six_monthly"
    ANNUALLY = "annually"
    AS_REQUIRED = "as_required"
    ONGOING = "ongoing"


@dataclass(frozen=True)
class ParsedTimeframe:
    start_date: date | None  # None: no start stated
    due_date: date | None  # None: no fixed due date
    cadence: Cadence
    understood: bool  # False: an administrator must set the dates by hand
    explanation: str  # one sentence for council officers


MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# Full names and the short forms officers actually write ("Sept", "Mar").
_MONTHS = {name.lower(): n for n, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS |= {name[:3].lower(): n for n, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS["sept"] = 9

NO_TIMEFRAME = "No timeframe given."
UNREADABLE = "Could not read this wording; please set the dates by hand."
BAD_DATE = (
    "One of the dates is not a real date between 2000 and 2099; please set the dates by hand."
)
TO_BE_CONFIRMED = "To be confirmed: no date yet; set the date when it is agreed."

_IMMEDIATE, _START, _TBC = "immediate", "start", "to be confirmed"
_REVIEW_CADENCES = {Cadence.WEEKLY, Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.SIX_MONTHLY}
_CADENCE_WORDS = {
    Cadence.WEEKLY: "weekly",
    Cadence.MONTHLY: "monthly",
    Cadence.QUARTERLY: "quarterly",
    Cadence.SIX_MONTHLY: "every six months",
}

# Searched in this order, and each match is blanked out before the next search,
# so "bi-annually" is not also read as "annually", nor "6 monthly" as "monthly".
_PHRASES = [
    (key, re.compile(pattern, re.ASCII))
    for key, pattern in (
        (
            Cadence.AS_REQUIRED,
            r"\bas[\s-]+(?:and[\s-]+when|required|needed|necessary)\b"
            r"|\bwhen[\s-]+(?:required|needed|necessary)\b",
        ),
        (
            Cadence.SIX_MONTHLY,
            r"\b(?:6|six)[\s-]*months?(?:ly)?\b|\b(?:bi|semi)[\s-]*annual(?:ly)?\b"
            r"|\bhalf[\s-]*year(?:ly)?\b|\btwice[\s-]+(?:a[\s-]+)?year(?:ly)?\b",
        ),
        (Cadence.WEEKLY, r"\bweekly\b|\b(?:every|each|per)[\s-]+week\b"),
        (Cadence.MONTHLY, r"\bmonthly\b|\b(?:every|each|per)[\s-]+month\b"),
        # "quarter 2" names a quarter rather than a cadence; it is read as a date.
        (
            Cadence.QUARTERLY,
            r"\bquarterly\b|\bquarters?\b(?![\s-]*[1-4]\b)|\b(?:3|three)[\s-]*months?(?:ly)?\b",
        ),
        (
            Cadence.ONGOING,
            r"\bon[\s-]*going\b|\bthroughout\b|\bonwards?\b|\bcontinu(?:ous|al|ing)(?:ly)?\b",
        ),
        # "Every November" is yearly: only "every" is blanked, so the month is still read.
        (
            Cadence.ANNUALLY,
            r"\bannual(?:ly)?\b|\byearly\b|\b(?:every|each|per)[\s-]+year\b|\bper[\s-]+annum\b"
            rf"|\b(?:every|each)(?=[\s-]+(?:{'|'.join(_MONTHS)})\b)",
        ),
        (_IMMEDIATE, r"\bimmediate(?:ly)?\b"),
        (_START, r"\b(?:begin\w*|from|start\w*|commenc\w*)\b"),
        (
            _TBC,
            r"\bt\.?b\.?[acd]\b|\bto[\s-]+be[\s-]+"
            r"(?:confirmed|agreed|arranged|decided|determined|announced)\b",
        ),
    )
]

# "Within six months (of the plan's start)" is a deadline counted from the plan's start, not a
# six-monthly review, so it is read before the cadences and blanked out.
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "eighteen": 18, "twentyfour": 24,
}  # fmt: skip
_WITHIN = re.compile(
    r"\bwithin[\s-]+(?:the[\s-]+)?(?:first[\s-]+)?"
    r"(?P<number>[1-9]\d?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|eighteen|twenty[\s-]*four)[\s-]*(?P<unit>week|month|year)s?\b",
    re.ASCII,
)

# Seasons are three calendar months (winter is December to February), by their first month.
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
# School terms (first and last month), as schools and youth services plan their work.
_TERMS = {"autumn": (9, 12), "spring": (1, 3), "summer": (4, 7)}

# A small tokenizer: punctuation and dashes between tokens are simply skipped,
# which makes "Mar-18", "Sept 17 – March 18" and "July 17 / monthly" easy.
_TOKEN = re.compile(
    r"(?P<dmy>(?<!\d)\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?!\d))"  # 31/03/2018
    r"|(?P<iso>(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d))"  # 2018-03-31
    r"|(?P<my>(?<!\d)\d{1,2}/(?:\d{4}|\d{2})(?!\d))"  # 03/18, or a year pair 17/18
    r"|(?P<quarter>(?<![a-z])q[1-4](?![a-z0-9]))"  # Q2
    r"|(?P<num>\d+)(?P<ordinal>st|nd|rd|th)?"
    r"|(?P<word>[a-z]+)",
    re.ASCII,
)


class _Token(NamedTuple):
    kind: str
    text: str
    pos: int
    ordinal: bool = False


class _Ref(NamedTuple):
    """A date the wording names, as a span: a month is its first to last day."""

    pos: int
    first: date
    last: date


class _BadDate(Exception):
    """The wording names a date that does not exist or is outside 2000-2099."""


class _Within(NamedTuple):
    """A deadline counted from the plan's start: "within six months"."""

    pos: int
    number: int
    unit: str  # "week", "month" or "year"


def format_date(d: date) -> str:
    """Format a date as officers write it: "31 March 2018"."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def parse_timeframe(wording: str, fy_start_year: int) -> ParsedTimeframe:
    """Derive start, due date and cadence from an officer's timeframe wording.

    The plan covers 1 April ``fy_start_year`` to 31 March ``fy_start_year + 1``;
    months and seasons without a year fall inside it. A month is its first day
    when work starts then and its last day when work is due then. Never raises
    for any string: wording it cannot read comes back with ``understood=False``.
    """
    text = re.sub(r"\s+", " ", (wording or "").casefold()).strip()
    if not text:
        return _unread(NO_TIMEFRAME)
    within, text = _find_within(text)
    marks, text = _find_phrases(text)
    try:
        refs = _find_refs(text, fy_start_year)
        if within:
            return _resolve_within(within, refs, marks, fy_start_year)
    except _BadDate:
        return _unread(BAD_DATE)
    return _resolve(refs, marks, fy_start_year)


def outside_plan_year(parsed: ParsedTimeframe, fy_start_year: int) -> bool:
    """Whether the due date falls outside the plan's year (1 April to 31 March), so that an
    import can warn about a timeframe such as "March 19" in the plan for 2017-18."""
    if parsed.due_date is None:
        return False
    return not date(fy_start_year, 4, 1) <= parsed.due_date <= date(fy_start_year + 1, 3, 31)


def _unread(explanation: str) -> ParsedTimeframe:
    return ParsedTimeframe(None, None, Cadence.NONE, False, explanation)


def _find_phrases(text: str) -> tuple[list[tuple[int, str]], str]:
    """Return (position, key) for each phrase found, and the text with them blanked out."""
    marks = []
    for key, pattern in _PHRASES:
        for match in pattern.finditer(text):
            marks.append((match.start(), key))
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    return sorted(marks), text


def _find_within(text: str) -> tuple[_Within | None, str]:
    """Return the first "within N weeks/months/years" deadline, and the text with all blanked."""
    match = _WITHIN.search(text)
    if match is None:
        return None, text
    number = match["number"]
    number = int(number) if number.isdigit() else _NUMBER_WORDS[re.sub(r"[\s-]", "", number)]
    within = _Within(match.start(), number, match["unit"])
    return within, _WITHIN.sub(lambda m: " " * len(m.group()), text)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for m in _TOKEN.finditer(text):
        if m.group("num"):  # keep "31st" as 31, remembering it was written as a day
            tokens.append(_Token("num", m.group("num"), m.start(), bool(m.group("ordinal"))))
        else:
            tokens.append(_Token(m.lastgroup or "word", m.group(), m.start()))
    return tokens


def _find_refs(text: str, fy: int) -> list[_Ref]:
    tokens = _tokens(text)
    refs, i = [], 0
    while i < len(tokens):
        ref, i = _read_ref(tokens, i, fy)
        if ref is not None:
            refs.append(ref)
    return refs


def _read_ref(tokens: list[_Token], i: int, fy: int) -> tuple[_Ref | None, int]:
    """Read the date starting at tokens[i], if any; return it and the next index."""
    tok = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if tok.kind == "dmy":
        day, month, year = re.split(r"[/.]", tok.text)
        return _day_ref(tok.pos, _year(year), int(month), int(day)), i + 1
    if tok.kind == "iso":
        year, month, day = tok.text.split("-")
        return _day_ref(tok.pos, _year(year), int(month), int(day)), i + 1
    quarter, j = _quarter_number(tokens, i)
    if quarter:
        return _read_quarter(tokens, j, quarter, fy)
    pair, j = _year_pair(tokens, i)
    quarter, j = _quarter_number(tokens, j)
    if pair and quarter:  # "2023/24 Q2": the year pair comes first
        return _read_quarter(tokens, j, quarter, _year(pair[0]))
    if tok.kind == "my":
        month, year = tok.text.split("/")
        if not 1 <= int(month) <= 12:  # "17/18" is a year pair, not a month
            return None, i + 1
        return _Ref(tok.pos, *_month_span(_year(year), int(month))), i + 1
    if tok.kind == "num" and len(tok.text) <= 2 and _is_month(tokens, i + 1):
        return _read_month(tokens, i + 1, fy, day=int(tok.text))
    if _is_month(tokens, i):
        return _read_month(tokens, i, fy, day=None)
    if tok.text in _SEASONS:
        if nxt and nxt.text == "term" and tok.text in _TERMS:  # there is no winter term
            return _read_term(tokens, i, fy)
        return _read_season(tokens, i, fy)
    return None, i + 1


def _quarter_number(tokens: list[_Token], i: int) -> tuple[int | None, int]:
    """Return the quarter named at tokens[i] ("Q2", "quarter 2") and the index after it."""
    if i < len(tokens) and tokens[i].kind == "quarter":
        return int(tokens[i].text[1]), i + 1
    if (
        i + 1 < len(tokens)
        and tokens[i].text == "quarter"
        and tokens[i + 1].kind == "num"
        and tokens[i + 1].text in {"1", "2", "3", "4"}
    ):
        return int(tokens[i + 1].text), i + 2
    return None, i


def _year_pair(tokens: list[_Token], i: int) -> tuple[list[str] | None, int]:
    """Find a year pair ("17-18", "17/18", "2017/18") at tokens[i]: its two years as written
    and the index after it, or None and i."""
    pair, after = None, i
    if i < len(tokens) and tokens[i].kind == "my":
        pair, after = tokens[i].text.split("/"), i + 1
    elif i + 1 < len(tokens) and _is_year(tokens[i]) and _is_year(tokens[i + 1]):
        pair, after = [tokens[i].text, tokens[i + 1].text], i + 2
    if pair and (int(pair[0]) + 1) % 100 == int(pair[1]) % 100:
        return pair, after
    return None, i


def _is_month(tokens: list[_Token], i: int) -> bool:
    if i >= len(tokens) or tokens[i].text not in _MONTHS:
        return False
    if tokens[i].text != "may":
        return True
    # "May" is usually the verb ("funding may allow") unless a year follows.
    return len(tokens) == 1 or (i + 1 < len(tokens) and _is_year(tokens[i + 1]))


def _is_year(tok: _Token) -> bool:
    return tok.kind == "num" and not tok.ordinal and len(tok.text) in (2, 4)


def _year(text: str) -> int:
    if len(text) == 2:
        return 2000 + int(text)
    if len(text) == 4 and 2000 <= int(text) <= 2099:
        return int(text)
    raise _BadDate(text)


def _read_month(tokens: list[_Token], i: int, fy: int, day: int | None) -> tuple[_Ref, int]:
    """Read "March", "March 18", "31 March 2018" or "March 31st" from tokens[i]."""
    pos, month, j = tokens[i].pos, _MONTHS[tokens[i].text], i + 1
    if day is None and j < len(tokens) and tokens[j].ordinal and len(tokens[j].text) <= 2:
        day, j = int(tokens[j].text), j + 1
    if j < len(tokens) and _is_year(tokens[j]):
        year, j = _year(tokens[j].text), j + 1
    else:  # no year: the occurrence inside the plan's April-March year
        year = fy if month >= 4 else fy + 1
    if day is None:
        return _Ref(pos, *_month_span(year, month)), j
    return _day_ref(pos, year, month, day), j


def _read_quarter(tokens: list[_Token], j: int, quarter: int, fy: int) -> tuple[_Ref, int]:
    """Read a financial quarter (Q1 is April-June), with an optional year pair "17-18"."""
    pos = tokens[j - 1].pos
    pair, j = _year_pair(tokens, j)
    if pair:
        fy = _year(pair[0])
    # Q1 starts in April, the fourth month of the calendar year.
    return _Ref(pos, *_span(fy, 3 * quarter + 1, 3)), j


def _read_season(tokens: list[_Token], i: int, fy: int) -> tuple[_Ref, int]:
    """Read "Summer 2025", "Winter 2025/26" or "Spring" (three months; winter starts in
    December). With no year, or a financial year pair, the season starts in the plan's year."""
    pos, first_month, j = tokens[i].pos, _SEASONS[tokens[i].text], i + 1
    pair, j = _year_pair(tokens, j)
    if pair:
        fy = _year(pair[0])
    elif j < len(tokens) and _is_year(tokens[j]):
        return _Ref(pos, *_span(_year(tokens[j].text), first_month, 3)), j + 1
    first, last = _span(fy, first_month, 3)
    # Spring is March to May, but the plan's spring is the part of it inside the plan's year.
    return _Ref(pos, max(first, date(fy, 4, 1)), last), j


def _read_term(tokens: list[_Token], i: int, fy: int) -> tuple[_Ref, int]:
    """Read a school term, "Autumn term" (September-December), "Spring term" (January-March)
    or "Summer term" (April-July), with an optional year "2025" or school year "2025/26"."""
    pos, (first_month, last_month), j = tokens[i].pos, _TERMS[tokens[i].text], i + 2
    pair, j = _year_pair(tokens, j)
    if pair:  # a school year: the autumn term in its first year
        year = _year(pair[0]) + (0 if first_month == 9 else 1)
    elif j < len(tokens) and _is_year(tokens[j]):
        year, j = _year(tokens[j].text), j + 1
    else:  # the term inside the plan's April-March year
        year = fy if first_month >= 4 else fy + 1
    return _Ref(pos, *_span(year, first_month, last_month - first_month + 1)), j


def _span(year: int, month: int, months: int) -> tuple[date, date]:
    """From the first day of a month to the last day of the month ``months`` later, where
    month may run past 12 into the next year."""
    first_year, first_month = year + (month - 1) // 12, (month - 1) % 12 + 1
    last_year, last_month = divmod(first_year * 12 + first_month - 1 + months - 1, 12)
    if last_year > 2099:  # "Q4 99-00" is January to March 2100
        raise _BadDate(f"{last_month + 1}/{last_year}")
    return date(first_year, first_month, 1), _month_span(last_year, last_month + 1)[1]


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _day_ref(pos: int, year: int, month: int, day: int) -> _Ref:
    try:
        day_date = date(year, month, day)
    except ValueError:
        raise _BadDate(f"{day}/{month}/{year}") from None
    return _Ref(pos, day_date, day_date)


def _pick_cadence(marks: list[tuple[int, str]]) -> Cadence:
    keys = [key for _, key in marks]  # in the order written
    if Cadence.AS_REQUIRED in keys:
        return Cadence.AS_REQUIRED
    # A review cadence says more than "ongoing"; the first one written wins.
    reviews = [key for key in keys if key in _REVIEW_CADENCES | {Cadence.ANNUALLY}]
    if reviews:
        return Cadence(reviews[0])
    return Cadence.ONGOING if Cadence.ONGOING in keys else Cadence.NONE


def _resolve(refs: list[_Ref], marks: list[tuple[int, str]], fy: int) -> ParsedTimeframe:
    plan_start, plan_end = date(fy, 4, 1), date(fy + 1, 3, 31)
    keys = {key for _, key in marks}
    cadence = _pick_cadence(marks)
    if cadence is Cadence.AS_REQUIRED:
        start = refs[0].first if len(refs) > 1 else None
        due = refs[-1].last if refs else None
    elif len(refs) > 1:
        start, due = refs[0].first, refs[-1].last
    elif refs:
        ref = refs[0]
        recurring = {pos for pos, key in marks if key in _REVIEW_CADENCES | {Cadence.ONGOING}}
        if _START in keys or any(pos > ref.pos for pos in recurring):
            # "Begin July 17", "July 17 / monthly", "March 18 onwards": work starts then.
            start, due = ref.first, plan_end
        else:
            # "Monthly until Dec 17" is reviewed from the plan's start; "November annually"
            # happens once in the year, in that month, so it has no start.
            has_start = cadence not in {Cadence.NONE, Cadence.ANNUALLY} or _IMMEDIATE in keys
            start, due = (plan_start if has_start else None), ref.last
    elif cadence is not Cadence.NONE or _IMMEDIATE in keys:
        start, due = plan_start, plan_end
    elif _TBC in keys:
        return _unread(TO_BE_CONFIRMED)
    else:
        return _unread(UNREADABLE)
    if start and due and due < start:
        return _unread(
            f"The dates are the wrong way round: due {format_date(due)} is before the start, "
            f"{format_date(start)}; please set the dates by hand."
        )
    return ParsedTimeframe(start, due, cadence, True, _explain(start, due, cadence))


def _resolve_within(
    within: _Within, refs: list[_Ref], marks: list[tuple[int, str]], fy: int
) -> ParsedTimeframe:
    """A deadline counted from the plan's start: "within six months" is due 30 September."""
    if refs:  # "within 3 months of April 2025" or "by March (within 12 months)": left to a person
        return _unread(UNREADABLE)
    start = date(fy, 4, 1)
    if within.unit == "week":
        due = start + timedelta(weeks=within.number) - timedelta(days=1)
    else:
        months = within.number * 12 if within.unit == "year" else within.number
        due = _span(fy, 4, months)[1]
    if due.year > 2099:
        raise _BadDate(f"within {within.number} {within.unit}s")
    unit = within.unit if within.number == 1 else f"{within.unit}s"
    return ParsedTimeframe(
        start,
        due,
        _pick_cadence(marks),
        True,
        f"Due {format_date(due)}, within {within.number} {unit} of the plan's start "
        f"on {format_date(start)}.",
    )


def _explain(start: date | None, due: date | None, cadence: Cadence) -> str:
    if cadence is Cadence.AS_REQUIRED and due is None:
        return "As required, with no fixed dates."
    parts = [f"starts {format_date(start)}"] if start else []
    if cadence is Cadence.AS_REQUIRED:
        parts.append(f"as required, due {format_date(due)}")
    elif due is not None:
        if cadence is Cadence.ONGOING:
            parts.append(f"ongoing until {format_date(due)}")
        elif cadence is Cadence.ANNUALLY:
            parts.append(f"yearly, due {format_date(due)}")
        elif cadence in _CADENCE_WORDS:
            parts.append(f"reviewed {_CADENCE_WORDS[cadence]} until {format_date(due)}")
        else:
            parts.append(f"due {format_date(due)}")
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."
