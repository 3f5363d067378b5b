"""The server-drawn SVG charts (reviews/outputs/charts.py) and the include that shows them with
their tables. Reviews are built by hand (``make_review``) so these tests say exactly what the charts
are given."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 (parses markup these tests just made)
from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string

from reviews.figures import Breakdown, Figures, QuarterlyReview
from reviews.outputs.charts import charts_for, rag_by_strand_svg, trend_svg

SVG = "{http://www.w3.org/2000/svg}"

STRANDS = [
    ("Violence against women and girls", {"red": 2, "amber": 3, "green": 5, "blue": 1}),
    ("Peer on peer abuse", {"red": 1, "green": 7, "not_updated": 2}),
]


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 (our own output, not untrusted input)


def texts(root) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


def bars(root) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "app-chart__bar"]


def widths(root) -> list[float]:
    return [float(rect.get("width")) for rect in bars(root)]


def heights(root) -> list[float]:
    return [float(rect.get("height")) for rect in bars(root)]


# RAG by strand ---------------------------------------------------------------------------------


def test_the_strand_chart_is_well_formed_svg():
    root = parse(rag_by_strand_svg(STRANDS))

    assert root.tag == f"{SVG}svg"


def test_the_strand_chart_is_an_image_named_by_its_title_and_description():
    root = parse(rag_by_strand_svg(STRANDS, title="RAG ratings by strand, Q3 2017-18"))

    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("role") == "img"
    assert title.text == "RAG ratings by strand, Q3 2017-18"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_the_strand_chart_describes_every_count_in_words():
    desc = parse(rag_by_strand_svg(STRANDS)).find(f"{SVG}desc").text

    assert desc == (
        "Violence against women and girls: 11 actions: 2 red (off track), 3 amber (at risk), "
        "5 green (on track), 1 blue (complete), 0 not updated. "
        "Peer on peer abuse: 10 actions: 1 red (off track), 0 amber (at risk), "
        "7 green (on track), 0 blue (complete), 2 not updated."
    )


def test_the_strand_chart_labels_every_strand_and_count():
    labels = texts(parse(rag_by_strand_svg(STRANDS)))

    assert "Violence against women and girls" in labels
    assert "Peer on peer abuse" in labels
    # Every segment's count is written on the chart, inside its segment or beside it.
    for _, counts in STRANDS:
        for count in counts.values():
            assert any(re.fullmatch(rf"{count}( [a-z ]+)?", label) for label in labels)
    assert "11 actions" in labels
    assert "10 actions" in labels


def test_the_strand_chart_escapes_strand_titles():
    svg = str(rag_by_strand_svg([("<script>alert('x')</script>", {"red": 1})]))

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "<script>alert('x')</script>" in texts(parse(svg))


def test_a_segment_is_as_long_as_its_count():
    root = parse(rag_by_strand_svg([("Strand", {"red": 1, "amber": 2, "green": 4, "blue": 3})]))

    red, amber, green, blue = widths(root)
    assert amber == pytest.approx(2 * red, rel=1e-3)
    assert green == pytest.approx(4 * red, rel=1e-3)
    assert blue == pytest.approx(3 * red, rel=1e-3)


def test_segments_are_drawn_red_amber_green_blue_then_not_updated():
    root = parse(
        rag_by_strand_svg(
            [("Strand", {"not_updated": 1, "blue": 1, "green": 1, "amber": 1, "red": 1})]
        )
    )

    fills = [rect.get("fill") for rect in bars(root)]
    xs = [float(rect.get("x")) for rect in bars(root)]
    assert fills == ["#d4351c", "#f47738", "#00703c", "#1d70b8", "#b1b4b6"]
    assert xs == sorted(xs)


def test_every_strand_is_drawn_on_one_scale():
    root = parse(rag_by_strand_svg([("Large", {"green": 10}), ("Small", {"green": 5})]))

    large, small = widths(root)
    assert small == pytest.approx(large / 2, rel=1e-3)


def test_a_count_too_long_for_its_segment_is_written_below_it_with_its_category():
    labels = texts(parse(rag_by_strand_svg([("Strand", {"green": 500, "red": 1})])))

    assert "1 red" in labels
    assert "500" in labels


def test_a_strand_with_no_actions_says_so():
    root = parse(rag_by_strand_svg([("Busy", {"green": 3}), ("Quiet", {})]))

    assert "No actions" in texts(root)
    assert len(bars(root)) == 1


def test_the_strand_chart_with_no_actions_says_so():
    root = parse(rag_by_strand_svg([]))

    assert texts(root) == ["No actions to show"]
    assert root.find(f"{SVG}desc").text == "No actions to show."
    assert root.get("role") == "img"


def test_the_strand_chart_scales_to_its_container():
    root = parse(rag_by_strand_svg(STRANDS))

    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox"))


def test_the_charts_load_nothing_from_elsewhere():
    for svg in (rag_by_strand_svg(STRANDS), trend_svg([("Q1", {"green": 2})])):
        markup = str(svg)
        assert "href" not in markup
        assert "url(" not in markup
        assert "<script" not in markup
        assert "<image" not in markup


# The trend -------------------------------------------------------------------------------------

TREND = [
    ("Q1", {"red": 1, "amber": 2, "green": 6, "blue": 0, "not_updated": 3}),
    ("Q2", {"red": 2, "amber": 1, "green": 5, "blue": 2, "not_updated": 2}),
]


def test_the_trend_chart_is_an_image_named_by_its_title_and_description():
    root = parse(trend_svg(TREND, title="RAG ratings by quarter, Q1 to Q2 2017-18"))

    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("role") == "img"
    assert title.text == "RAG ratings by quarter, Q1 to Q2 2017-18"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "Q2: 12 actions: 2 red (off track), 1 amber (at risk), 5 green (on track)" in desc.text


def test_the_trend_chart_draws_a_bar_per_category_and_quarter_labelled_with_its_count():
    root = parse(trend_svg(TREND))

    labels = texts(root)
    assert len(bars(root)) == 10
    assert {"Q1", "Q2"} <= set(labels)
    for _, counts in TREND:
        for count in counts.values():
            assert str(count) in labels


def test_a_trend_bar_is_as_tall_as_its_count_on_one_scale():
    root = parse(trend_svg(TREND))

    q1 = heights(root)[:5]
    q2 = heights(root)[5:]
    unit = q1[0]  # Q1's red: 1
    assert q1 == pytest.approx([1 * unit, 2 * unit, 6 * unit, 0, 3 * unit], rel=1e-3)
    assert q2 == pytest.approx([2 * unit, 1 * unit, 5 * unit, 2 * unit, 2 * unit], rel=1e-3)


def test_the_trend_chart_marks_each_bar_with_its_category_initial():
    labels = texts(parse(trend_svg(TREND[:1])))

    assert [label for label in labels if label in {"R", "A", "G", "B", "N"}] == list("RAGBN")


def test_the_trend_chart_escapes_its_labels():
    svg = str(trend_svg([("<b>Q1</b>", {"green": 1})], title="<i>Trend</i>"))

    assert "<b>" not in svg and "<i>" not in svg
    assert parse(svg).find(f"{SVG}title").text == "<i>Trend</i>"


def test_the_trend_chart_with_no_actions_says_so():
    root = parse(trend_svg([("Q1", {}), ("Q2", {})]))

    assert texts(root) == ["No actions to show"]


def test_ids_are_made_from_the_chart_id_so_several_charts_share_a_page():
    first = parse(trend_svg(TREND, chart_id="trend-plan-a"))
    second = parse(trend_svg(TREND, chart_id="trend-plan-b"))

    assert first.find(f"{SVG}title").get("id") == "trend-plan-a-title"
    assert second.find(f"{SVG}title").get("id") == "trend-plan-b-title"


# charts_for and the include ----------------------------------------------------------------------


def figures(red=0, amber=0, green=0, blue=0, not_updated=0, complete=0) -> Figures:
    return Figures(
        total=red + amber + green + blue + not_updated,
        complete=complete,
        off_track=red,
        at_risk=amber,
        on_track=green,
        rated_complete=blue,
        not_updated=not_updated,
    )


def make_review(priorities, trend, quarter=3) -> QuarterlyReview:
    """A review with the given priorities ([(title, [(strand title, Figures)])]) and trend; only
    what the charts read is filled in."""
    by_priority = [
        Breakdown(
            title,
            ("priority", p),
            Figures(),
            tuple(Breakdown(label, ("strand", s), f) for s, (label, f) in enumerate(strands)),
        )
        for p, (title, strands) in enumerate(priorities)
    ]
    return QuarterlyReview(
        plan_id=1,
        plan_slug="safer-lewisham-plan-17-18",
        plan_title="Safer Lewisham Plan 17-18",
        financial_year=2017,
        quarter=quarter,
        quarter_label=f"Q{quarter} 2017-18",
        months_label="October to December 2017",
        generated_at=datetime(2026, 11, 25, 9, tzinfo=UTC),
        figures=Figures(),
        by_priority=by_priority,
        by_theme=[],
        by_agency=[],
        rows=[],
        trend=trend,
    )


def demo_like_review():
    return make_review(
        [
            (
                "Violence",
                [
                    ("Violence against women and girls", figures(red=1, amber=2, green=4)),
                    ("All other forms of violence", figures(green=3, not_updated=1)),
                ],
            )
        ],
        [
            (1, figures(green=8, not_updated=3)),
            (2, figures(amber=1, green=9, not_updated=1)),
            (3, figures(red=1, amber=2, green=7, not_updated=1)),
        ],
    )


def test_charts_for_draws_each_strand_of_the_review():
    chart = charts_for(demo_like_review())["charts"]["by_strand"]

    assert chart.caption == "RAG ratings by strand, Q3 2017-18"
    assert chart.table_rows == [
        ("Violence against women and girls", [1, 2, 4, 0, 0], 7),
        ("All other forms of violence", [0, 0, 3, 0, 1], 4),
    ]
    assert "Violence against women and girls" in texts(parse(chart.svg))


def test_charts_for_draws_the_trend_up_to_the_reviews_quarter():
    chart = charts_for(demo_like_review())["charts"]["trend"]

    assert chart.caption == "RAG ratings by quarter, Q1 to Q3 2017-18"
    assert chart.table_rows == [
        ("Q1", [0, 0, 8, 0, 3], 11),
        ("Q2", [0, 1, 9, 0, 1], 11),
        ("Q3", [1, 2, 7, 0, 1], 11),
    ]


def test_charts_for_names_each_strands_priority_when_there_are_several():
    review = make_review(
        [
            ("Violence", [("Serious violence", figures(red=1))]),
            ("Exploitation", [("County lines", figures(green=1))]),
        ],
        [(1, figures(red=1, green=1))],
        quarter=1,
    )

    chart = charts_for(review)["charts"]["by_strand"]

    assert [label for label, *_ in chart.table_rows] == [
        "Violence: Serious violence",
        "Exploitation: County lines",
    ]
    assert charts_for(review)["charts"]["trend"].caption == "RAG ratings by quarter, Q1 2017-18"


def test_the_include_shows_each_chart_with_a_table_of_its_numbers():
    html = render_to_string("reviews/includes/charts.html", charts_for(demo_like_review()))

    assert html.count('role="img"') == 2
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--s">RAG ratings by '
        "strand, Q3 2017-18</caption>" in html
    )
    assert ">RAG ratings by quarter, Q1 to Q3 2017-18</caption>" in html
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>((?:\s*<td[^>]*>'
        r"\d+</td>)+)",
        html,
    )
    numbers = {label: re.findall(r">(\d+)<", cells) for label, cells in rows}
    assert numbers["Violence against women and girls"] == ["1", "2", "4", "0", "0", "7"]
    assert numbers["Q2"] == ["0", "1", "9", "0", "1", "11"]


def test_the_include_escapes_strand_titles_in_the_table_too():
    review = make_review(
        [("Violence", [("<script>x</script>", figures(red=1))])], [(1, figures(red=1))], quarter=1
    )

    html = render_to_string("reviews/includes/charts.html", charts_for(review))

    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_the_include_says_so_when_a_chart_has_no_actions():
    review = make_review([("Violence", [])], [(1, Figures())], quarter=1)

    html = render_to_string("reviews/includes/charts.html", charts_for(review))

    assert html.count("No actions to show.") == 2
    assert "<table" not in html
