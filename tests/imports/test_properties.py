"""Property-based tests (hypothesis) of the import with arbitrary text, sizes and Unicode: it
never fails with an unexpected error, never writes half a file, and what it imports is the text
of the file: a file of any text that makes whole rows is imported, exactly."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from actions.models import Action
from imports.applying import import_file
from imports.planning import MAX_NOTE, MAX_TITLE
from imports.reading import UnreadableFile, clean_text, looks_like_formula
from tests.factories import AnnualPlanFactory
from tests.imports.files import csv_file, row, xlsx

pytestmark = pytest.mark.django_db

# Any Unicode text a cell could hold: letters of every script, emoji, right-to-left marks,
# control characters, very long lines. (Surrogates cannot be encoded, so are left out.)
CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    max_size=400,
)
# A worksheet cannot hold control characters at all (openpyxl refuses to write them), so a
# workbook's cells are any other text.
WORKBOOK_CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
    max_size=400,
)
# Text that makes a whole row: something besides spaces, short enough for its field, and not
# taken for a formula (a spreadsheet would run it). Control characters are removed on import.
READABLE = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))


def row_text(max_size):
    def fits(text):
        cleaned = clean_text(text)
        return bool(cleaned) and len(cleaned) <= max_size and not looks_like_formula(cleaned)

    return st.text(alphabet=READABLE, min_size=1, max_size=max_size).filter(fits)


SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _import(plan, filename, content):
    before = Action.objects.count()
    try:
        outcome = import_file(plan, filename, content, add_structure=True)
    except UnreadableFile as refusal:
        assert str(refusal), "a refused file must say why"
        assert Action.objects.count() == before
        return None
    if not outcome.imported:
        # Refused with problems, each of which says where and why; nothing written.
        assert outcome.preview.problems
        assert all(str(problem) for problem in outcome.preview.problems)
        assert Action.objects.count() == before
    else:
        # Written whole: every action the preview listed, nothing else.
        assert Action.objects.count() == before + len(outcome.preview.created)
    return outcome


@SETTINGS
@given(text=CELL, strand=CELL, timeframe=CELL, note=CELL)
def test_a_csv_of_arbitrary_text_is_imported_exactly_or_refused_with_reasons(
    text, strand, timeframe, note
):
    plan = AnnualPlanFactory(status="draft")
    content = csv_file(
        [row(action=text, strand=strand, timeframe=timeframe, completion_note=note, reference="1")]
    )

    outcome = _import(plan, "plan.csv", content)

    if outcome is not None and outcome.imported:
        action = Action.objects.get(strand__priority__plan=plan)
        assert action.text == clean_text(text)
        assert action.strand.title == clean_text(strand)


@SETTINGS
@given(text=WORKBOOK_CELL, sub_items=WORKBOOK_CELL, partners=WORKBOOK_CELL)
def test_a_workbook_of_arbitrary_text_is_imported_exactly_or_refused_with_reasons(
    text, sub_items, partners
):
    plan = AnnualPlanFactory(status="draft")
    content = xlsx([row(action=text, sub_items=sub_items, partners=partners, reference="1")])

    outcome = _import(plan, "plan.xlsx", content)

    if outcome is not None and outcome.imported:
        action = Action.objects.get(strand__priority__plan=plan)
        assert action.text == clean_text(text)


@SETTINGS
@given(text=row_text(400), strand=row_text(MAX_TITLE), note=row_text(MAX_NOTE))
# Found by hypothesis: a completion note of "A" (a RAG word) was read as the RAG rating.
@example(text="0", strand="0", note="A")
def test_a_csv_of_any_text_that_makes_a_whole_row_is_imported_exactly(text, strand, note):
    plan = AnnualPlanFactory(status="draft")
    content = csv_file([row(action=text, strand=strand, completion_note=note, reference="1")])

    outcome = _import(plan, "plan.csv", content)

    assert outcome is not None and outcome.imported, outcome and outcome.preview.problems
    action = Action.objects.get(strand__priority__plan=plan)
    assert (action.text, action.strand.title, action.completion_note) == (
        clean_text(text),
        clean_text(strand),
        clean_text(note),
    )


@SETTINGS
@given(text=row_text(400), strand=row_text(MAX_TITLE))
def test_a_workbook_of_any_text_that_makes_a_whole_row_is_imported_exactly(text, strand):
    plan = AnnualPlanFactory(status="draft")
    content = xlsx([row(action=text, strand=strand, reference="1")])

    outcome = _import(plan, "plan.xlsx", content)

    assert outcome is not None and outcome.imported, outcome and outcome.preview.problems
    action = Action.objects.get(strand__priority__plan=plan)
    assert (action.text, action.strand.title) == (clean_text(text), clean_text(strand))


@SETTINGS
@given(content=st.binary(max_size=4000), suffix=st.sampled_from(["xlsx", "csv"]))
def test_arbitrary_bytes_are_refused_with_a_reason_or_read(content, suffix):
    plan = AnnualPlanFactory(status="draft")

    outcome = _import(plan, f"plan.{suffix}", content)

    # Refused (with the reasons _import checks) and nothing written, or imported whole.
    imported = outcome is not None and outcome.imported
    assert Action.objects.filter(strand__priority__plan=plan).count() == (
        len(outcome.preview.created) if imported else 0
    )
