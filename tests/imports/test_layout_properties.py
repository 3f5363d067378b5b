"""Property-based tests (hypothesis) of councils' layouts: however the columns are ordered and
headed, with or without a title and band rows, and however the RAG words are written, the preview
reads the same actions with the same values; and reading any cells at all refuses a file only
with UnreadableFile."""

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imports.applying import preview_file
from imports.columns import COLUMNS_BY_KEY, column_for
from imports.reading import UnreadableFile, read_file
from plans.models import AnnualPlan
from tests.factories import AgencyFactory, AnnualPlanFactory
from tests.imports import councils
from tests.imports.councils import BLANK, TITLE, Band, Title

pytestmark = pytest.mark.django_db

PRIORITY, STRAND = "Reducing violence", "Violence against women and girls"
# The actions every layout holds: reference, text, lead, timeframe, RAG, narrative.
ACTIONS = [
    ("1.1", "Deliver the White Ribbon campaign with schools", "Met", "Nov-24", "green", "Planned."),
    ("1.2", "Commission a perpetrator programme", "Bexley Council", "Mar-25", "amber", "Late."),
    ("1.3", "Train housing officers to spot coercive control", "Met", "TBC", "red", "No funds."),
]
FIELDS = ["reference", "action", "lead_agency", "timeframe", "rag", "progress"]
RAG_WORDS = {
    "green": ["Green", "green", "GREEN", "On track", "G"],
    "amber": ["Amber", "amber", "At risk", "A"],
    "red": ["Red", "RED", "Off track", "R"],
}


def headings_for(key: str) -> list[str]:
    """Every heading columns.py reads as the field ``key``."""
    column = COLUMNS_BY_KEY[key]
    names = [column.heading, *column.aliases]
    return [name for name in names if column_for(name) is column]


@st.composite
def layouts(draw):
    order = draw(st.permutations(FIELDS))
    headings = {key: draw(st.sampled_from(headings_for(key))) for key in FIELDS}
    if draw(st.booleans()):
        headings["reference"] = ""  # read from what it holds
    bands = draw(st.booleans())
    rows = []
    for _ in range(draw(st.integers(0, 2))):
        rows += [Title(TITLE), BLANK]
    table_headings = [headings[key] for key in order]
    if not bands:
        table_headings += [draw(st.sampled_from(headings_for("priority")))]
        table_headings += [draw(st.sampled_from(headings_for("strand")))]
    rows.append(table_headings)
    if bands:
        rows += [Band(PRIORITY), Band(STRAND)]
    for reference, text, lead, timeframe, rag, narrative in ACTIONS:
        word = draw(st.sampled_from(RAG_WORDS[rag])) + draw(st.sampled_from(["", "."]))
        values = {
            "reference": reference,
            "action": text,
            "lead_agency": lead,
            "timeframe": timeframe,
            "rag": word,
            "progress": narrative,
        }
        cells = [values[key] for key in order]
        if not bands:
            cells += [PRIORITY, STRAND]
        rows.append(cells)
    kind = draw(st.sampled_from(["xlsx", "csv"]))
    content = councils.xlsx(("Plan", rows)) if kind == "xlsx" else councils.csv_file(rows)
    return f"plan.{kind}", content


@pytest.fixture
def active_plan(db, monkeypatch):
    from django.utils import timezone

    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return date(2024, 12, 20) if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    AgencyFactory(name="London Borough of Bexley", short_name="Bexley Council")
    AgencyFactory(name="Metropolitan Police Service", short_name="Met")
    return AnnualPlanFactory(financial_year=2024, status=AnnualPlan.Status.ACTIVE)


@settings(max_examples=30, deadline=None)
@given(layout=layouts())
def test_any_layout_of_the_same_plan_reads_the_same_actions(active_plan, layout):
    filename, content = layout

    result = preview_file(active_plan, filename, content, add_structure=True)

    assert [str(problem) for problem in result.problems] == []
    assert [
        (
            action.priority_title,
            str(action.strand),
            action.reference,
            action.text,
            action.values["lead_agency"].short_name,
            action.values["timeframe"],
            action.progress.rag_rating,
            action.progress.narrative,
        )
        for action in result.actions
    ] == [(PRIORITY, STRAND, *action) for action in ACTIONS]


CELLS = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=80),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(date(1901, 1, 1), date(2100, 12, 31)),
    st.datetimes(datetime(1901, 1, 1), datetime(2100, 12, 31)),
)


@settings(max_examples=30, deadline=None)
@given(
    grid=st.lists(st.lists(CELLS, max_size=8), max_size=12),
    kind=st.sampled_from(["xlsx", "csv"]),
)
def test_reading_any_cells_refuses_only_with_unreadable_file(active_plan, grid, kind):
    rows = [list(row) for row in grid]
    content = councils.xlsx(("Plan", rows)) if kind == "xlsx" else councils.csv_file(rows)

    try:
        read_file(f"plan.{kind}", content)
        preview_file(active_plan, f"plan.{kind}", content, add_structure=True)
    except UnreadableFile:
        pass
