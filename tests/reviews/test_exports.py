"""The quarterly review's downloads: the spreadsheet builders (reviews/outputs/spreadsheets.py) on
reviews built by hand, and the three download views (reviews/views/downloads.py) on data built in
the database and on the demo data.

The meeting pack's layout is tested in test_pack.py; here, that the view serves it.
"""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from actions.models import Action
from govuk import svg
from plans.ratings import INDICATOR_RATINGS, RAG_RATINGS
from reviews.building import review_for
from reviews.figures import IndicatorPoint, IndicatorRow
from reviews.outputs.pack import build_pack
from reviews.outputs.spreadsheets import COLUMNS, build_csv, build_xlsx
from reviews.views import downloads
from tests.closing import close_quarter
from tests.factories import (
    ActionFactory,
    AnnualPlanFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    StrandFactory,
    ThemeFactory,
    TimeframeFactory,
    UserFactory,
    completion_status,
)
from tests.reviews.test_pack import PARTNERSHIP, make_review, make_row, pdf_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEMO_PLAN = "safer-lewisham-plan-17-18"
HYPERLINK = '=HYPERLINK("http://evil.example/x","Click me")'


def workbook_of(review):
    return load_workbook(io.BytesIO(build_xlsx(review, PARTNERSHIP)))


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(StringIO(content.decode("utf-8-sig"), newline="")))


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def column(sheet, heading: str) -> list:
    index = header(sheet).index(heading)
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]


# --- xlsx ---------------------------------------------------------------------------------------


def test_the_xlsx_opens_with_openpyxl_and_holds_every_action_in_plan_order():
    rows = [make_row(n) for n in range(1, 13)]

    sheet = workbook_of(make_review(rows))["Actions"]

    assert column(sheet, "Reference") == [f"1.{n}" for n in range(1, 13)]
    assert column(sheet, "Action") == [f"Action {n} will be done." for n in range(1, 13)]


def test_both_spreadsheets_hold_sub_items_and_partners_for_the_import_to_read_back():
    """The columns an import (imports/) needs to rebuild the plan: sub-items after the action,
    partners after the lead officer."""
    rows = [make_row(1, sub_items="a) First item\nb) Second item", partners="NPS; London CRC")]
    review = make_review(rows)

    sheet = workbook_of(review)["Actions"]
    parsed = csv_rows(build_csv(review))

    headings = header(sheet)
    assert headings.index("Sub-items") == headings.index("Action") + 1
    assert headings.index("Partners") == headings.index("Lead officer") + 1
    assert column(sheet, "Sub-items") == ["a) First item\nb) Second item"]
    assert column(sheet, "Partners") == ["NPS; London CRC"]
    assert parsed[0]["Sub-items"] == "a) First item\nb) Second item"
    assert parsed[0]["Partners"] == "NPS; London CRC"


def test_the_xlsx_has_a_strand_column_and_filters_over_the_whole_table():
    rows = [make_row(1), make_row(2, strand_id=2, strand="All other forms of violence")]

    sheet = workbook_of(make_review(rows))["Actions"]

    assert column(sheet, "Strand") == [
        "Violence against women and girls",
        "All other forms of violence",
    ]
    last_column = sheet.cell(row=1, column=sheet.max_column).column_letter
    assert sheet.auto_filter.ref == f"A1:{last_column}3"


def test_the_xlsx_header_row_is_frozen_and_bold():
    sheet = workbook_of(make_review())["Actions"]

    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])


def test_the_xlsx_holds_the_latest_update_rag_and_lead_of_each_action():
    rows = [
        make_row(1, rag="red", previous_rag="amber", narrative="Funding withdrawn."),
        make_row(2, rag=None, narrative="", updated_by="", updated_at=None),
    ]

    sheet = workbook_of(make_review(rows))["Actions"]

    assert column(sheet, "RAG this quarter") == ["Red (off track)", "Not updated"]
    assert column(sheet, "RAG last quarter") == ["Amber (at risk)", "Green (on track)"]
    assert column(sheet, "Movement") == ["Worsened", None]
    assert column(sheet, "Latest update") == ["Funding withdrawn.", None]
    assert column(sheet, "Lead agency") == ["Lewisham Council", "Lewisham Council"]


def test_the_xlsx_dates_are_excel_dates_written_as_people_write_them():
    sheet = workbook_of(make_review([make_row(1, due_date=date(2018, 3, 31))]))["Actions"]

    due = sheet.cell(row=2, column=header(sheet).index("Due date") + 1)
    assert due.is_date
    assert due.value.date() == date(2018, 3, 31)
    assert due.number_format == "d mmmm yyyy"
    updated = sheet.cell(row=2, column=header(sheet).index("Updated on") + 1)
    assert updated.value.date() == date(2017, 12, 12)


def test_the_xlsx_stores_text_that_looks_like_a_formula_as_text():
    rows = [make_row(1, narrative=HYPERLINK, text="+44 20 7946 0000", lead_officer="@chair")]

    content = build_xlsx(make_review(rows), PARTNERSHIP)

    sheet = load_workbook(io.BytesIO(content))["Actions"]
    narrative = sheet.cell(row=2, column=header(sheet).index("Latest update") + 1)
    assert narrative.value == HYPERLINK
    assert narrative.data_type == "s"
    assert narrative.quotePrefix  # and stays text when someone edits it in Excel
    assert column(sheet, "Action") == ["+44 20 7946 0000"]
    assert column(sheet, "Lead officer") == ["@chair"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_the_xlsx_drops_control_characters_pasted_from_word():
    sheet = workbook_of(make_review([make_row(1, narrative="First line\x0bsecond line")]))[
        "Actions"
    ]

    assert column(sheet, "Latest update") == ["First linesecond line"]


def test_the_xlsx_summary_sheet_has_the_headline_figures_and_the_strands():
    rows = [
        make_row(1, rag="red"),
        make_row(2, rag="amber", strand_id=2, strand="All other forms of violence"),
        make_row(3, rag="blue", is_complete=True),
    ]

    sheet = workbook_of(make_review(rows))["Summary"]

    values = [[cell for cell in row if cell is not None] for row in sheet.values]
    assert ["Safer Lewisham Plan 17-18"] in values
    assert ["Quarterly review: Q3 2017-18 (October to December 2017)"] in values
    assert ["Actions in the plan", 3] in values
    assert ["Off track (red)", 1] in values
    # Strand: actions, complete, % complete, red, amber, green, blue, not updated, late.
    assert ["Violence against women and girls", 2, 1, 0.5, 1, 0, 0, 1, 0, 0] in values
    assert ["All other forms of violence", 1, 0, 0, 0, 1, 0, 0, 0, 0] in values


def _rgb(colour) -> str:
    """A colour as read back ("FF1D70B8" or "001D70B8"), as its six hex digits."""
    return colour.rgb[-6:].upper()


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _width(sheet, column: int) -> float:
    """A column's width, read back: adjacent columns of one width are stored as one range."""
    (width,) = [
        dimension.width
        for dimension in sheet.column_dimensions.values()
        if dimension.min <= column <= dimension.max
    ]
    return width


def test_the_xlsx_cells_are_styled_as_the_review_shows_them():
    """Read back with openpyxl (as the imports read it): every heading, rule, wrapping, RAG
    colour, date and percentage format, width, filter, frozen pane and print setting."""
    rows = [
        make_row(1, rag="red", previous_rag="amber"),
        make_row(2, rag=None, narrative="", updated_by="", updated_at=None),
        make_row(3, rag="blue", is_complete=True, due_date=None, narrative="=1+1"),
    ]
    indicator = IndicatorRow(
        indicator_id=1,
        name="Knife crime offences",
        unit="count",
        direction="lower",
        frequency="quarterly",
        baseline_value=Decimal("120"),
        baseline_period="2016-17",
        target=Decimal("100"),
        value=Decimal("90"),
        due=True,
        rating="green",
        computed_rating="green",
        overridden=False,
        override_reason="",
        note="",
        source_agency="Met Police",
        recorded_by="Jane Smith",
        trend=(IndicatorPoint(3, Decimal("90"), Decimal("100"), "green", True),),
    )
    workbook = workbook_of(make_review(rows, indicators=[indicator]))

    actions = workbook["Actions"]
    headings = header(actions)
    for cell in actions[1]:
        assert cell.font.bold
        assert (cell.fill.fill_type, _rgb(cell.fill.fgColor)) == ("solid", _hex(svg.LIGHT_GREY))
        assert (cell.border.bottom.style, _rgb(cell.border.bottom.color)) == (
            "medium",
            _hex(svg.BLACK),
        )
        assert (cell.alignment.vertical, cell.alignment.wrap_text) == ("top", True)
    for heading, _value, width, wrapped in COLUMNS:
        letter = get_column_letter(headings.index(heading) + 1)
        # Excel's width in characters (XlsxWriter adds the cell's padding, under one).
        assert width <= _width(actions, headings.index(heading) + 1) < width + 1
        for cell in actions[letter][1:]:
            assert (cell.border.bottom.style, _rgb(cell.border.bottom.color)) == (
                "thin",
                _hex(svg.MID_GREY),
            )
            assert cell.alignment.vertical == "top"
            assert bool(cell.alignment.wrap_text) == wrapped, heading
    rag = actions[get_column_letter(headings.index("RAG this quarter") + 1)]
    for cell, value in zip(rag[1:], ["red", None, "blue"], strict=True):
        rating = RAG_RATINGS[value]
        assert cell.value == rating.label
        assert _rgb(cell.fill.fgColor) == _hex(rating.fill)
        assert _rgb(cell.font.color) == _hex(rating.text_colour)
        assert cell.font.bold
    due = actions[get_column_letter(headings.index("Due date") + 1)]
    assert [cell.number_format for cell in due[1:3]] == ["d mmmm yyyy"] * 2
    assert due[3].value is None
    narrative = actions.cell(row=4, column=headings.index("Latest update") + 1)
    assert (narrative.value, narrative.data_type, narrative.quotePrefix) == ("=1+1", "s", True)
    assert actions.auto_filter.ref == f"A1:{get_column_letter(len(headings))}4"
    assert actions.freeze_panes == "A2"
    assert actions.print_title_rows == "$1:$1"
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToHeight == 0

    summary = workbook["Summary"]
    assert (summary["A1"].font.bold, summary["A1"].font.sz) == (True, 16)
    assert summary["A2"].font.sz == 12
    assert (summary["A6"].value, summary["A6"].font.bold, summary["A6"].font.sz) == (
        "Headline figures",
        True,
        13,
    )
    cells = {row[0].value: row for row in summary.iter_rows() if row[0].value}
    assert cells["% complete"][1].number_format == "0%"
    assert cells["Violence"][0].font.bold  # a priority, above its strands
    strand = cells["Violence against women and girls"]
    assert strand[0].alignment.indent == 2
    assert strand[3].number_format == "0%"
    assert strand[0].border.bottom.style == "thin"
    assert 44 <= _width(summary, 1) < 45

    indicators = workbook["Indicators"]
    assert indicators.freeze_panes == "B2"
    rated = indicators.cell(row=2, column=header(indicators).index("Rating") + 1)
    assert rated.value == INDICATOR_RATINGS["green"].label
    assert _rgb(rated.fill.fgColor) == _hex(INDICATOR_RATINGS["green"].fill)
    assert _rgb(rated.font.color) == _hex(INDICATOR_RATINGS["green"].text_colour)


# --- csv ----------------------------------------------------------------------------------------


def test_the_csv_parses_with_the_csv_module_and_holds_every_action():
    rows = [make_row(n, narrative=f"Update {n}, with a comma.") for n in range(1, 13)]

    parsed = csv_rows(build_csv(make_review(rows)))

    assert [row["Reference"] for row in parsed] == [f"1.{n}" for n in range(1, 13)]
    assert parsed[0]["Strand"] == "Violence against women and girls"
    assert parsed[0]["Latest update"] == "Update 1, with a comma."
    assert parsed[0]["RAG this quarter"] == "Green (on track)"


def test_the_csv_is_utf8_with_a_byte_order_mark_and_crlf_line_endings():
    content = build_csv(make_review([make_row(1, lead_officer="Zoë Brontë – Łukasz")]))

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.count(b"\r\n") == 2
    assert csv_rows(content)[0]["Lead officer"] == "Zoë Brontë – Łukasz"


def test_the_csv_keeps_line_breaks_inside_a_cell():
    parsed = csv_rows(build_csv(make_review([make_row(1, narrative="One.\nTwo.")])))

    assert parsed[0]["Latest update"] == "One.\nTwo."


def test_the_csv_writes_dates_as_iso_dates():
    parsed = csv_rows(build_csv(make_review([make_row(1, due_date=date(2018, 3, 31))])))

    assert parsed[0]["Due date"] == "2018-03-31"
    assert parsed[0]["Updated on"] == "2017-12-12"


@pytest.mark.parametrize(
    "typed", [HYPERLINK, "+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"], ids=repr
)
def test_the_csv_guards_text_that_a_spreadsheet_would_run_as_a_formula(typed):
    parsed = csv_rows(build_csv(make_review([make_row(1, narrative=typed)])))

    assert parsed[0]["Latest update"] == "'" + typed


def test_a_first_quarters_export_has_no_last_quarter_column():
    review = make_review([make_row(1, previous_rag=None)], quarter=1)

    assert "RAG last quarter" not in csv_rows(build_csv(review))[0]
    assert "RAG last quarter" not in header(workbook_of(review)["Actions"])


# --- the views ----------------------------------------------------------------------------------


def make_plan(actions=2, updates_per_action=2, **kwargs):
    """A 2017-18 plan of `actions` actions over two strands, each with updates for Q1 onwards;
    the first action red in Q3, with a narrative."""
    plan = AnnualPlanFactory(financial_year=2017, **kwargs)
    priority = PriorityFactory(plan=plan, title="Violence")
    strands = [StrandFactory(priority=priority, title=f"Strand {n}") for n in (1, 2)]
    theme = ThemeFactory(plan=plan, name="Prevention")
    timeframe = TimeframeFactory(plan=plan, wording="March 18")
    author = UserFactory()
    for n in range(actions):
        action = ActionFactory(
            strand=strands[n % 2],
            theme=theme,
            timeframe=timeframe,
            reference=f"{n % 2 + 1}.{n + 1}",
            text=f"Action {n + 1} of {plan.title}.",
        )
        for quarter in range(1, updates_per_action + 1):
            ProgressUpdateFactory(
                action=action,
                quarter=quarter,
                rag_rating="red" if n == 0 and quarter == 3 else "green",
                narrative=f"Q{quarter} update on action {n + 1}.",
                author=author,
                completion_status=completion_status("in-progress"),
            )
        # Performance indicators: one per action, with a target and values.
        value = IndicatorValueFactory(indicator__plan=plan, quarter=1, value=n)
        IndicatorTargetFactory(indicator=value.indicator, quarter=3, value=n + 1)
        for quarter in range(2, updates_per_action + 1):
            IndicatorValueFactory(indicator=value.indicator, quarter=quarter, value=n)
    return plan


def url(plan_slug, quarter, name):
    return f"/p/lewisham/plans/{plan_slug}/quarters/{quarter}/{name}"


@pytest.mark.parametrize(
    "name, address", [("pack", "pack.pdf"), ("xlsx", "actions.xlsx"), ("csv", "actions.csv")]
)
def test_the_downloads_live_under_the_plans_quarter(name, address):
    assert reverse(f"reviews:{name}", args=["safer-lewisham-plan-17-18", 3]) == url(
        "safer-lewisham-plan-17-18", 3, address
    )


DOWNLOADS = [
    ("pack.pdf", "application/pdf", "pack.pdf"),
    ("actions.xlsx", XLSX, "actions.xlsx"),
    ("actions.csv", "text/csv; charset=utf-8", "actions.csv"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, content_type, suffix", DOWNLOADS)
def test_each_download_is_an_attachment_named_for_plan_and_quarter(
    member_client, name, content_type, suffix
):
    plan = make_plan(slug="safer-lewisham-plan-17-18")

    response = member_client.get(url(plan.slug, 3, name))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="safer-lewisham-plan-17-18-Q3-{suffix}"'
    )
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["member", "officer", "administrator", "superuser"])
@pytest.mark.parametrize("name", [name for name, *_ in DOWNLOADS])
def test_everyone_who_reads_plans_may_download(request, client, reader, name):
    """The chair and members, officers, administrators and superusers."""
    client.force_login(request.getfixturevalue(reader))
    plan = make_plan()

    assert client.get(url(plan.slug, 2, name)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, *_ in DOWNLOADS])
def test_someone_signed_out_is_sent_to_sign_in(client, name):
    plan = make_plan()

    response = client.get(url(plan.slug, 3, name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, *_ in DOWNLOADS])
def test_someone_signed_in_without_a_role_in_the_partnership_is_not_found(client, name):
    """Not a member of the partnership: its pages are not found (every role may read plans)."""
    client.force_login(UserFactory())
    plan = make_plan()

    assert client.get(url(plan.slug, 3, name)).status_code == 404


@pytest.mark.django_db
def test_the_served_pack_and_workbook_name_the_plans_partnership(settings, member_client):
    """Not the installation's setting: the partnership the plan belongs to."""
    settings.PARTNERSHIP_NAME = "Some Other Partnership"
    plan = make_plan()

    pack = member_client.get(url(plan.slug, 3, "pack.pdf")).content
    xlsx = member_client.get(url(plan.slug, 3, "actions.xlsx")).content

    assert b"Some Other Partnership" not in pack
    assert b"(Safer Lewisham Partnership)" in pack  # the PDF's author
    workbook = load_workbook(io.BytesIO(xlsx))
    assert workbook["Summary"]["A4"].value == "Safer Lewisham Partnership"
    assert workbook.properties.creator == "Safer Lewisham Partnership"


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, *_ in DOWNLOADS])
def test_a_download_refuses_post(member_client, name):
    plan = make_plan()

    assert member_client.post(url(plan.slug, 3, name)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, *_ in DOWNLOADS])
def test_an_unknown_plan_or_quarter_is_not_found(member_client, name):
    plan = make_plan()

    assert member_client.get(url("no-such-plan", 3, name)).status_code == 404
    assert member_client.get(url(plan.slug, 5, name)).status_code == 404
    assert member_client.get(url(plan.slug, 0, name)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "view", [downloads.pack_pdf, downloads.actions_xlsx, downloads.actions_csv]
)
def test_the_views_refuse_a_quarter_outside_one_to_four_however_they_are_reached(member, view):
    plan = make_plan()
    request = RequestFactory().get("/")
    request.user = member

    with pytest.raises(Http404):
        view(request, plan.slug, 5)


@pytest.mark.django_db
def test_the_pack_holds_the_plan_title_and_its_exceptions(member_client):
    plan = make_plan(actions=3, updates_per_action=3, title="Safer Somewhere Plan 17-18")

    response = member_client.get(url(plan.slug, 3, "pack.pdf"))

    assert response.content.startswith(b"%PDF-")
    # The served pack is compressed: build the same review uncompressed to read it.
    text = pdf_text(build_pack(review_for(plan, 3), PARTNERSHIP, compress=False))
    assert "Safer Somewhere Plan 17-18" in text
    assert "Red (off track): 1 action" in text
    assert "1.1 Action 1 of Safer Somewhere Plan 17-18." in text
    assert "Q3 update on action 1." in text


@pytest.mark.django_db
def test_the_spreadsheets_hold_every_action_of_the_plan(member_client):
    plan = make_plan(actions=5)
    make_plan(actions=3)  # another plan's actions are not in it

    xlsx = member_client.get(url(plan.slug, 2, "actions.xlsx"))
    csv_response = member_client.get(url(plan.slug, 2, "actions.csv"))

    sheet = load_workbook(io.BytesIO(xlsx.content))["Actions"]
    references = ["1.1", "2.2", "1.3", "2.4", "1.5"]
    assert sorted(column(sheet, "Reference")) == sorted(references)
    assert sorted(row["Reference"] for row in csv_rows(csv_response.content)) == sorted(references)
    assert set(column(sheet, "Latest update")) == {f"Q2 update on action {n}." for n in range(1, 6)}


@pytest.mark.django_db
def test_a_closed_quarters_downloads_are_as_it_was_closed(member_client, superuser):
    plan = make_plan(actions=2, updates_per_action=2)
    close_quarter(plan, 2, by=superuser, on=date(2018, 1, 10))
    plan_actions = plan.priorities.get().strands.get(title="Strand 1").actions.all()
    for update in plan_actions[0].progress_updates.filter(quarter=2):
        update.narrative = "Changed after the meeting."
        update.save()

    parsed = csv_rows(member_client.get(url(plan.slug, 2, "actions.csv")).content)

    narratives = {row["Latest update"] for row in parsed}
    assert "Changed after the meeting." not in narratives
    assert "Q2 update on action 1." in narratives


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, *_ in DOWNLOADS])
def test_the_number_of_queries_does_not_grow_with_actions_updates_or_plans(member_client, name):
    small = make_plan(actions=2, updates_per_action=1)
    small_count = queries_for(member_client, url(small.slug, 3, name))

    large = make_plan(actions=25, updates_per_action=3)
    make_plan(actions=10, updates_per_action=3)
    make_plan(actions=10, updates_per_action=3)
    large_count = queries_for(member_client, url(large.slug, 3, name))

    assert large_count == small_count


# --- the demo data ------------------------------------------------------------------------------


def test_the_demo_plans_q3_pack_holds_its_title_and_every_exception(demo_plan, member_client):
    response = member_client.get(url(DEMO_PLAN, 3, "pack.pdf"))
    review = review_for(demo_plan, 3)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(build_pack(review, PARTNERSHIP, compress=False))
    assert "Safer Lewisham Plan 17-18" in text
    assert review.exceptions, "the demo's Q3 has red and amber actions"
    for row in review.exceptions:
        assert f"{row.reference} " in text
        # The narrative's first words (it wraps over lines, joined by spaces in the text).
        assert " ".join(row.narrative.split()[:6]) in text


def test_the_demo_plans_q3_spreadsheets_hold_every_action(demo_plan, member_client):
    review = review_for(demo_plan, 3)

    xlsx = load_workbook(io.BytesIO(member_client.get(url(DEMO_PLAN, 3, "actions.xlsx")).content))
    parsed = csv_rows(member_client.get(url(DEMO_PLAN, 3, "actions.csv")).content)

    references = [row.reference for row in review.rows]
    assert len(references) == Action.objects.filter(strand__priority__plan=demo_plan).count()
    assert column(xlsx["Actions"], "Reference") == references
    assert [row["Reference"] for row in parsed] == references
