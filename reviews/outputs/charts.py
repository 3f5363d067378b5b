"""Charts of RAG ratings, drawn on the server as SVG: no JavaScript, no external resources.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says in words
everything the chart shows, and its page follows it with a table of the same numbers
(``includes/chart_figure.html``). Colour is never the only carrier of meaning: every bar or
segment carries its count, the categories always come in the same order, and the legend names
them in words.

The drawing functions are pure: plain data in, markup out, drawn with govuk/svg.py's building
blocks, which escape every label (strand titles are typed by people), so the SVG is also
well-formed XML. The colours and names of the ratings are plans/ratings.py's.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from govuk import svg as draw
from govuk.svg import SECONDARY_TEXT_COLOUR, TEXT_COLOUR, WHITE, text_width
from plans.ratings import NOT_UPDATED, RAG_ORDER, RAG_RATINGS

from ..figures import Figures

# The categories in the order they are drawn (worst first, as the meeting reads them), each
# keyed as the charts' counts are: "red" ... "blue", then "not_updated". Each rating's text
# colour keeps a contrast of at least 4.5:1 on its fill (plans/ratings.py).
RAG_SERIES = (*((rag, RAG_RATINGS[rag]) for rag in RAG_ORDER), ("not_updated", NOT_UPDATED))
RAG_KEYS = tuple(key for key, _ in RAG_SERIES)


def rag_counts(figures: Figures) -> dict[str, int]:
    """A Figures' RAG counts, keyed as the charts draw them. They add up to the total: an action
    either has a rating this quarter or counts as not updated."""
    return {key: getattr(figures, rating.figure) for key, rating in RAG_SERIES}


def _count(n: int) -> str:
    """ "1,234": thousands separated, as the figures elsewhere."""
    return f"{n:,}"


def _actions(n: int) -> str:
    return f"{_count(n)} action" if n == 1 else f"{_count(n)} actions"


def _in_words(counts: dict[str, int]) -> str:
    """ "11 actions: 2 red (off track), 1 amber (at risk), ... 3 not updated"."""
    total = sum(counts.get(key, 0) for key in RAG_KEYS)
    if not total:
        return "no actions"
    parts = [f"{_count(counts.get(key, 0))} {rating.label.lower()}" for key, rating in RAG_SERIES]
    return f"{_actions(total)}: " + ", ".join(parts)


def _legend(width: float, top: float) -> tuple[list[str], float]:
    """The key to the colours, flowed onto as many lines as the width needs; returns the
    elements and the y just below them."""
    swatch, gap, line_height, size = 16, 20, 24, 14
    parts, x, y = [], 0.0, top
    for key, rating in RAG_SERIES:
        item_width = swatch + 6 + text_width(rating.label, size)
        if x and x + item_width > width:
            x, y = 0.0, y + line_height
        parts.append(
            draw.element(
                "g",
                {"class": "app-chart__key", "data_series": key},
                draw.rect(x, y, swatch, swatch, rating.fill, stroke=TEXT_COLOUR),
                draw.text(x + swatch + 6, y + 13, rating.label, size=size),
            )
        )
        x += item_width + gap
    return parts, y + line_height + 8


# RAG by strand -------------------------------------------------------------------------------

STRAND_CHART_WIDTH = 640
BAR_AREA = 520  # the longest bar; the rest of the width holds its total
BAR_HEIGHT = 28


def rag_by_strand_svg(
    rows: list[tuple[str, dict[str, int]]],
    *,
    title: str = "RAG ratings by strand",
    chart_id: str = "rag-by-strand",
) -> SafeString:
    """A horizontal stacked bar per strand: red, amber, green, blue and not updated, each
    segment as long as its count (on one scale for every strand, so bars compare) and carrying
    its count: inside the segment when it fits, else just below it with the category in words.
    ``rows`` are (strand title, {"red": n, "amber": n, ...}) in the order to draw them."""
    width = STRAND_CHART_WIDTH
    rows = [(label, {key: counts.get(key, 0) for key in RAG_KEYS}) for label, counts in rows]
    totals = [sum(counts.values()) for _, counts in rows]
    largest = max(totals, default=0)
    if not largest:
        return _empty_svg(chart_id, title, width)

    body, y = _legend(width, 0)
    scale = BAR_AREA / largest
    for (label, counts), total in zip(rows, totals, strict=True):
        body.append(draw.text(0, y + 14, draw.truncate(label, 14, width), bold=True))
        bar_top = y + 22
        if not total:
            body.append(draw.text(0, bar_top + 18, "No actions", fill=SECONDARY_TEXT_COLOUR))
            y = bar_top + BAR_HEIGHT + 16
            continue
        segments, below, x = [], [], 0.0
        for key, rating in RAG_SERIES:
            count = counts[key]
            if not count:
                continue
            length = count * scale
            segments.append(
                draw.rect(x, bar_top, length, BAR_HEIGHT, rating.fill, css_class="app-chart__bar")
            )
            text = _count(count)
            if text_width(text, 13) + 6 <= length:
                segments.append(
                    draw.text(
                        x + length / 2,
                        bar_top + 19,
                        text,
                        size=13,
                        anchor="middle",
                        fill=rating.text_colour,
                        bold=True,
                    )
                )
            else:
                below.append((x + length / 2, f"{text} {rating.in_words}"))
            x += length
        # A white rule between segments and a dark outline round the bar, so that segments of
        # similar colours (and the bar's end) can be told apart without seeing colour.
        dividers = [
            draw.line(edge, bar_top, edge, bar_top + BAR_HEIGHT, WHITE, width=2)
            for edge in _segment_edges(counts, scale)
        ]
        body.append(
            draw.element(
                "g",
                {"class": "app-chart__row"},
                *segments,
                *dividers,
                draw.rect(0, bar_top, total * scale, BAR_HEIGHT, "none", stroke=TEXT_COLOUR),
                draw.text(total * scale + 8, bar_top + 19, _actions(total), size=13),
            )
        )
        y = bar_top + BAR_HEIGHT
        if below:
            body.extend(_labels_below(below, y, width))
            y += 26
        y += 16
    description = " ".join(f"{label}: {_in_words(counts)}." for (label, counts) in rows)
    return draw.svg(chart_id, title, description, width, y, body)


def _segment_edges(counts: dict[str, int], scale: float) -> list[float]:
    edges, x = [], 0.0
    for key in RAG_KEYS:
        if counts[key]:
            if x:
                edges.append(x)
            x += counts[key] * scale
    return edges


def _labels_below(labels: list[tuple[float, str]], bar_bottom: float, width: float):
    """Counts of segments too narrow to hold them, set in a line under the bar, each as near
    its segment as the one before allows, with a short rule pointing up to the segment."""
    parts, right = [], 0.0
    for centre, text in labels:
        text_w = text_width(text, 12)
        left = min(max(centre - text_w / 2, right), width - text_w)
        parts.append(draw.line(centre, bar_bottom, left + text_w / 2, bar_bottom + 9, TEXT_COLOUR))
        parts.append(draw.text(left + text_w / 2, bar_bottom + 22, text, size=12, anchor="middle"))
        right = left + text_w + 8
    return parts


def _empty_svg(chart_id: str, title: str, width: float) -> SafeString:
    return draw.empty_svg(chart_id, title, width, "No actions to show")


# The trend across quarters -------------------------------------------------------------------

TREND_SLOT = 170  # the width given to each quarter's group of bars
TREND_BAR = 26
TREND_GAP = 6
TREND_PLOT_HEIGHT = 160
TREND_MIN_WIDTH = 440


def trend_svg(
    points: list[tuple[str, dict[str, int]]],
    *,
    title: str = "RAG ratings by quarter",
    chart_id: str = "rag-trend",
) -> SafeString:
    """A group of bars per quarter (red, amber, green, blue, not updated, always in that order),
    each as tall as its count on one scale for the whole chart and labelled with it, and under
    each bar its category's initial, so the groups read without colour. ``points`` are
    (quarter label, {"red": n, ...}) from the first quarter on."""
    points = [(label, {key: counts.get(key, 0) for key in RAG_KEYS}) for label, counts in points]
    width = max(TREND_MIN_WIDTH, len(points) * TREND_SLOT)
    largest = max((max(counts.values()) for _, counts in points), default=0)
    if not points or not any(sum(counts.values()) for _, counts in points):
        return _empty_svg(chart_id, title, width)

    body, top = _legend(width, 0)
    plot_top = top + 18  # room for the tallest bar's label
    baseline = plot_top + TREND_PLOT_HEIGHT
    scale = TREND_PLOT_HEIGHT / largest
    group_width = len(RAG_SERIES) * TREND_BAR + (len(RAG_SERIES) - 1) * TREND_GAP
    for index, (label, counts) in enumerate(points):
        left = index * TREND_SLOT + (TREND_SLOT - group_width) / 2
        bars = []
        for position, (key, rating) in enumerate(RAG_SERIES):
            x = left + position * (TREND_BAR + TREND_GAP)
            height = counts[key] * scale
            centre = x + TREND_BAR / 2
            bars.append(
                draw.rect(
                    x, baseline - height, TREND_BAR, height, rating.fill, css_class="app-chart__bar"
                )
            )
            bars.append(
                draw.text(
                    centre,
                    baseline - height - 5,
                    _count(counts[key]),
                    size=12,
                    anchor="middle",
                    bold=True,
                )
            )
            bars.append(
                draw.text(
                    centre,
                    baseline + 15,
                    rating.initial,
                    size=11,
                    anchor="middle",
                    fill=SECONDARY_TEXT_COLOUR,
                )
            )
        body.append(
            draw.element(
                "g",
                {"class": "app-chart__group"},
                *bars,
                draw.text(
                    left + group_width / 2,
                    baseline + 34,
                    draw.truncate(label, 14, TREND_SLOT),
                    anchor="middle",
                    bold=True,
                ),
            )
        )
    body.append(draw.line(0, baseline, len(points) * TREND_SLOT, baseline, TEXT_COLOUR))
    description = (
        "Initials under the bars: "
        + ", ".join(f"{rating.initial} {rating.in_words}" for _, rating in RAG_SERIES)
        + ". "
        + " ".join(f"{label}: {_in_words(counts)}." for label, counts in points)
    )
    return draw.svg(chart_id, title, description, width, baseline + 44, body)


# What the templates show ---------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A chart and the table of the numbers it draws."""

    id: str
    caption: str  # names the chart: its SVG title and its table's caption
    row_header: str  # what each row is: "Strand", "Quarter"
    rows: list[tuple[str, dict[str, int]]]
    svg: SafeString

    series = tuple(rating.label for _, rating in RAG_SERIES)

    @property
    def table_rows(self) -> list[tuple[str, list[int], int]]:
        """(label, counts in series order, total) for each row."""
        return [
            (label, [counts.get(key, 0) for key in RAG_KEYS], sum(counts.values()))
            for label, counts in self.rows
        ]

    @property
    def is_empty(self) -> bool:
        return not any(sum(counts.values()) for _, counts in self.rows)


def strand_chart(rows, *, caption: str, chart_id: str) -> Chart:
    return Chart(
        id=chart_id,
        caption=caption,
        row_header="Strand",
        rows=rows,
        svg=rag_by_strand_svg(rows, title=caption, chart_id=chart_id),
    )


def trend_chart(points, *, caption: str, chart_id: str) -> Chart:
    return Chart(
        id=chart_id,
        caption=caption,
        row_header="Quarter",
        rows=points,
        svg=trend_svg(points, title=caption, chart_id=chart_id),
    )


def charts_for(review) -> dict:
    """The context of ``reviews/includes/charts.html`` for a QuarterlyReview: its strands' RAG
    ratings, and the plan's RAG ratings in each quarter so far."""
    priorities = review.by_priority
    several = len(priorities) > 1
    strand_rows = [
        (
            f"{priority.label}: {strand.label}" if several else strand.label,
            rag_counts(strand.figures),
        )
        for priority in priorities
        for strand in priority.children
    ]
    trend_points = [(f"Q{number}", rag_counts(figures)) for number, figures in review.trend]
    first = f"Q{review.trend[0][0]}" if review.trend else f"Q{review.quarter}"
    span = (
        review.quarter_label
        if first == f"Q{review.quarter}"
        else f"{first} to {review.quarter_label}"
    )
    return {
        "charts": {
            "by_strand": strand_chart(
                strand_rows,
                caption=f"RAG ratings by strand, {review.quarter_label}",
                chart_id=f"chart-strands-q{review.quarter}",
            ),
            "trend": trend_chart(
                trend_points,
                caption=f"RAG ratings by quarter, {span}",
                chart_id=f"chart-trend-q{review.quarter}",
            ),
        }
    }
