"""Performance indicators where decisions are made: the quarterly page's indicators section,
the closed quarter's snapshot, the meeting pack and the spreadsheet."""

import io
import json
import re
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from indicators.models import IndicatorValue
from reviews.building import review_for
from reviews.figures import IndicatorFigures
from reviews.outputs.pack import build_pack
from reviews.outputs.spreadsheets import build_xlsx
from reviews.snapshot import from_json, to_json
from tests.closing import close_quarter
from tests.factories import SuperuserFactory
from tests.reviews.test_pack import PARTNERSHIP, make_review, pdf_text
from tests.reviews.test_quarter_page import section

DEMO = "/p/lewisham/plans/safer-lewisham-plan-17-18/quarters"
AFTER_THE_YEAR = date(2018, 6, 1)


def indicator_rows(response) -> dict[str, str]:
    """{indicator name: its row's text} of the page's indicators table."""
    body = response.content.decode()
    table = re.search(r'<table[^>]*id="indicator-table".*?</table>\s*</section>', body, re.S)
    rows = {}
    for row in re.findall(
        r'<tr class="govuk-table__row" id="indicator-\d+">(.*?<svg)', table.group(0), re.S
    ):
        text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        name = re.search(
            r'<a class="govuk-link" href="/p/lewisham/indicators/\d+/">(.*?)</a>', row
        ).group(1)
        rows[name.replace("&#x27;", "'")] = text
    return rows


def test_the_demo_q3_page_shows_the_indicators_against_their_targets(member_client, demo_plan):
    response = member_client.get(f"{DEMO}/3/")

    text = section(response, "indicators")
    assert "8 indicators" in text
    assert "4 on or better than target (green)" in text
    assert "1 within tolerance (amber)" in text
    assert "1 beyond tolerance (red)" in text
    assert "2 not due this quarter" in text
    rows = indicator_rows(response)
    assert len(rows) == 8
    assert "45 51 Red" in rows["Knife crime with injury offences"]
    assert "Lower is better" in rows["Knife crime with injury offences"]
    assert "270 246 Amber" in rows["Referrals to VAWG services (Athena)"]
    assert "11 16 Green" in rows["Domestic Violence Protection Orders applied for"]
    assert "68% Not due this quarter" in rows["Residents' confidence in the police"]


def test_each_indicator_has_its_trend_as_a_small_chart_with_its_figures(member_client, demo_plan):
    body = member_client.get(f"{DEMO}/3/").content.decode()
    rows = body.split('<tr class="govuk-table__row" id="indicator-')[1:]
    knife = next(row for row in rows if "Knife crime" in row).split("</details>")[0]

    description = re.search(r"<desc[^>]*>(.*?)</desc>", knife, re.S).group(1)
    assert "Baseline: 196." in description
    assert "Q1: 52 against a target of 47, red." in description
    assert "Q3: 51 against a target of 45, red." in description
    figures = " ".join(re.sub(r"<[^>]+>", " ", knife.split("<details")[1]).split())
    assert "Q2 49 46 Amber" in figures


def test_the_indicators_are_in_a_closed_quarters_snapshot(member_client, demo_plan):
    close_quarter(demo_plan, 3, by=SuperuserFactory(), on=AFTER_THE_YEAR)
    # Changed behind the closure's back (the service would refuse it).
    IndicatorValue.objects.filter(indicator__plan=demo_plan, quarter=3).update(value=1)

    review = review_for(demo_plan, 3)

    assert review.is_closed
    knife = next(row for row in review.indicators if row.name.startswith("Knife"))
    assert knife.value == Decimal("51")
    assert review.indicator_figures.red == 1
    assert from_json(json.loads(json.dumps(to_json(review)))) == review


def test_a_snapshot_taken_before_indicators_loads_with_none(member_client, demo_plan):
    closure = close_quarter(demo_plan, 3, by=SuperuserFactory(), on=AFTER_THE_YEAR)
    del closure.snapshot["indicators"]
    del closure.snapshot["indicator_figures"]
    closure.save()

    review = review_for(demo_plan, 3)

    assert (review.indicators, review.indicator_figures) == ([], IndicatorFigures())
    response = member_client.get(f"{DEMO}/3/")
    assert "has no performance indicators in this quarter’s snapshot" in section(
        response, "indicators"
    )


def test_the_demo_pack_has_an_indicators_section(demo_plan):
    text = pdf_text(build_pack(review_for(demo_plan, 3), PARTNERSHIP, compress=False))

    start = text.rindex("Performance indicators")
    indicators = text[start : text.rindex("Exceptions: red and amber actions")]
    assert "8 indicators: 4 green" in indicators
    assert "Knife crime with injury offences" in indicators
    assert "Q3: 51 (Red)" in indicators
    assert "Not due" in indicators


def test_a_pack_of_a_plan_with_no_indicators_says_so():
    text = pdf_text(build_pack(make_review(), PARTNERSHIP, compress=False))

    assert "The plan has no performance indicators." in text


def test_the_demo_workbook_has_an_indicators_sheet(demo_plan):
    workbook = load_workbook(io.BytesIO(build_xlsx(review_for(demo_plan, 3), PARTNERSHIP)))

    sheet = workbook["Indicators"]
    rows = list(sheet.iter_rows(values_only=True))
    headings = rows[0]
    assert headings[:10] == (
        "Indicator",
        "Unit",
        "Better is",
        "Reported",
        "Source agency",
        "Baseline",
        "Baseline period",
        "Q3 target",
        "Q3 value",
        "Rating",
    )
    by_name = {row[0]: dict(zip(headings, row, strict=True)) for row in rows[1:]}
    assert len(by_name) == 8
    knife = by_name["Knife crime with injury offences"]
    assert (knife["Q3 target"], knife["Q3 value"], knife["Rating"]) == (
        45,
        51,
        "Red (beyond tolerance)",
    )
    assert (knife["Q1 value"], knife["Q2 value"]) == (52, 49)
    assert by_name["Residents' confidence in the police"]["Rating"] == "Not due this quarter"
