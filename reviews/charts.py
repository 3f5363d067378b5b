"""Charts of RAG ratings, drawn on the server as SVG: no JavaScript, no external resources.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says in words
everything the chart shows, and its page follows it with a table of the same numbers
(``includes/chart_figure.html``). Colour is never the only carrier of meaning: every bar or
segment carries its count, the categories always come in the same order, and the legend names
them in words.

The drawing functions are pure: plain data in, markup out. Every label is escaped (strand titles
are typed by people), so the SVG is also well-formed XML.
"""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .rollup import Figures

# The categories in the order they are drawn (worst first, as the meeting reads them):
# (key, legend and table label, word used in running text, fill, text colour on the fill).
# GOV.UK Frontend colours; each text colour has a contrast ratio of at least 4.5:1 on its fill.
RAG_SERIES = (
    ("red", "Red (off track)", "red", "#d4351c", "#ffffff"),
    ("amber", "Amber (at risk)", "amber", "#f47738", "#0b0c0c"),
    ("green", "Green (on track)", "green", "#00703c", "#ffffff"),
    ("blue", "Blue (complete)", "blue", "#1d70b8", "#ffffff"),
    ("not_updated", "Not updated", "not updated", "#b1b4b6", "#0b0c0c"),
)
RAG_KEYS = tuple(key for key, *_ in RAG_SERIES)

TEXT_COLOUR = "#0b0c0c"
SECONDARY_TEXT_COLOUR = "#505a5f"

# Text widths are estimated (the server does not know the reader's font): generous averages for
# a sans-serif face, in user units per character at each size used.
CHAR_WIDTH = {11: 6.2, 12: 6.8, 13: 7.4, 14: 7.8}


def rag_counts(figures: Figures) -> dict[str, int]:
    """A Figures' RAG counts, keyed as the charts draw them. They add up to the total: an action
    either has a rating this quarter or counts as not updated."""
    return {
        "red": figures.off_track,
        "amber": figures.at_risk,
        "green": figures.on_track,
        "blue": figures.blue,
        "not_updated": figures.not_updated,
    }


def text_width(text: str, size: int) -> float:
    return len(text) * CHAR_WIDTH[size]


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
    parts = [f"{_count(counts.get(key, 0))} {label.lower()}" for key, label, *_ in RAG_SERIES]
    return f"{_actions(total)}: " + ", ".join(parts)


def _truncate(text: str, size: int, width: float) -> str:
    """The text, cut short with an ellipsis if it would be wider than the width."""
    if text_width(text, size) <= width:
        return text
    keep = max(int(width / CHAR_WIDTH[size]) - 1, 1)
    return text[:keep].rstrip() + "…"


def _number(value: float) -> str:
    """A coordinate as SVG wants it: no more decimals than needed."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


# The markup is built as plain strings for speed (the dashboard draws a chart per plan), through
# two functions only: `_element` escapes every attribute value and `_text` every text, so
# whatever a person typed (a strand's title) can only ever come out as text. `_svg` marks the
# result safe for templates.


def _attribute(value) -> str:
    if isinstance(value, float):
        return _number(value)
    return escape(str(value), quote=True)


def _element(name: str, attributes: dict, *children: str) -> str:
    """<name attributes>children</name>, or <name attributes/> with no children. Children must
    be markup built by these functions; attribute names are ours, their values are escaped
    (None leaves an attribute out; "_" in a name is written "-")."""
    written = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{_attribute(value)}"'
        for key, value in attributes.items()
        if value is not None
    )
    if not children:
        return f"<{name}{written}/>"
    return f"<{name}{written}>{''.join(children)}</{name}>"


def _text(x, y, text, *, size=14, anchor="start", fill=TEXT_COLOUR, bold=False) -> str:
    attributes = {
        "x": float(x),
        "y": float(y),
        "font_size": size,
        "text_anchor": anchor,
        "fill": fill,
        "font_weight": "bold" if bold else None,
    }
    return _element("text", attributes, escape(text, quote=False))


def _rect(x, y, width, height, fill, *, css_class=None, stroke=None) -> str:
    return _element(
        "rect",
        {
            "x": float(x),
            "y": float(y),
            "width": float(width),
            "height": float(height),
            "fill": fill,
            "class": css_class,
            "stroke": stroke,
            "stroke_width": 1 if stroke else None,
        },
    )


def _line(x1, y1, x2, y2, colour, width=1) -> str:
    return _element(
        "line",
        {
            "x1": float(x1),
            "y1": float(y1),
            "x2": float(x2),
            "y2": float(y2),
            "stroke": colour,
            "stroke_width": width,
        },
    )


def _svg(chart_id: str, title: str, description: str, width: float, height: float, body):
    markup = _element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "app-chart__svg",
            "role": "img",
            "viewBox": f"0 0 {_number(width)} {_number(height)}",
            "width": float(width),
            "height": float(height),
            "aria_labelledby": f"{chart_id}-title {chart_id}-desc",
        },
        f'<title id="{_attribute(chart_id)}-title">{escape(title, quote=False)}</title>',
        f'<desc id="{_attribute(chart_id)}-desc">{escape(description, quote=False)}</desc>',
        *body,
    )
    # Safe: every attribute value and text in it went through escape() above.
    return mark_safe(markup)  # noqa: S308 (escaped, see above)


def _legend(width: float, top: float) -> tuple[list[str], float]:
    """The key to the colours, flowed onto as many lines as the width needs; returns the
    elements and the y just below them."""
    swatch, gap, line_height, size = 16, 20, 24, 14
    parts, x, y = [], 0.0, top
    for key, label, _, fill, _ in RAG_SERIES:
        item_width = swatch + 6 + text_width(label, size)
        if x and x + item_width > width:
            x, y = 0.0, y + line_height
        parts.append(
            _element(
                "g",
                {"class": "app-chart__key", "data_series": key},
                _rect(x, y, swatch, swatch, fill, stroke=TEXT_COLOUR),
                _text(x + swatch + 6, y + 13, label, size=size),
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
        body.append(_text(0, y + 14, _truncate(label, 14, width), bold=True))
        bar_top = y + 22
        if not total:
            body.append(_text(0, bar_top + 18, "No actions", fill=SECONDARY_TEXT_COLOUR))
            y = bar_top + BAR_HEIGHT + 16
            continue
        segments, below, x = [], [], 0.0
        for key, _label, word, fill, on_fill in RAG_SERIES:
            count = counts[key]
            if not count:
                continue
            length = count * scale
            segments.append(_rect(x, bar_top, length, BAR_HEIGHT, fill, css_class="app-chart__bar"))
            text = _count(count)
            if text_width(text, 13) + 6 <= length:
                segments.append(
                    _text(
                        x + length / 2,
                        bar_top + 19,
                        text,
                        size=13,
                        anchor="middle",
                        fill=on_fill,
                        bold=True,
                    )
                )
            else:
                below.append((x + length / 2, f"{text} {word}"))
            x += length
        # A white rule between segments and a dark outline round the bar, so that segments of
        # similar colours (and the bar's end) can be told apart without seeing colour.
        dividers = [
            _line(edge, bar_top, edge, bar_top + BAR_HEIGHT, "#ffffff", width=2)
            for edge in _segment_edges(counts, scale)
        ]
        body.append(
            _element(
                "g",
                {"class": "app-chart__row"},
                *segments,
                *dividers,
                _rect(0, bar_top, total * scale, BAR_HEIGHT, "none", stroke=TEXT_COLOUR),
                _text(total * scale + 8, bar_top + 19, _actions(total), size=13),
            )
        )
        y = bar_top + BAR_HEIGHT
        if below:
            body.extend(_labels_below(below, y, width))
            y += 26
        y += 16
    description = " ".join(f"{label}: {_in_words(counts)}." for (label, counts) in rows)
    return _svg(chart_id, title, description, width, y, body)


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
        parts.append(_line(centre, bar_bottom, left + text_w / 2, bar_bottom + 9, TEXT_COLOUR))
        parts.append(_text(left + text_w / 2, bar_bottom + 22, text, size=12, anchor="middle"))
        right = left + text_w + 8
    return parts


def _empty_svg(chart_id: str, title: str, width: float) -> SafeString:
    return _svg(
        chart_id,
        title,
        "No actions to show.",
        width,
        40,
        [_text(0, 24, "No actions to show", fill=SECONDARY_TEXT_COLOUR)],
    )


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
        for position, (key, _label, _word, fill, _on_fill) in enumerate(RAG_SERIES):
            x = left + position * (TREND_BAR + TREND_GAP)
            height = counts[key] * scale
            centre = x + TREND_BAR / 2
            bars.append(
                _rect(x, baseline - height, TREND_BAR, height, fill, css_class="app-chart__bar")
            )
            bars.append(
                _text(
                    centre,
                    baseline - height - 5,
                    _count(counts[key]),
                    size=12,
                    anchor="middle",
                    bold=True,
                )
            )
            bars.append(
                _text(
                    centre,
                    baseline + 15,
                    _initial(key),
                    size=11,
                    anchor="middle",
                    fill=SECONDARY_TEXT_COLOUR,
                )
            )
        body.append(
            _element(
                "g",
                {"class": "app-chart__group"},
                *bars,
                _text(
                    left + group_width / 2,
                    baseline + 34,
                    _truncate(label, 14, TREND_SLOT),
                    anchor="middle",
                    bold=True,
                ),
            )
        )
    body.append(_line(0, baseline, len(points) * TREND_SLOT, baseline, TEXT_COLOUR))
    description = (
        "Initials under the bars: R red, A amber, G green, B blue, N not updated. "
        + " ".join(f"{label}: {_in_words(counts)}." for label, counts in points)
    )
    return _svg(chart_id, title, description, width, baseline + 44, body)


def _initial(key: str) -> str:
    return {"not_updated": "N"}.get(key, key[0].upper())


# What the templates show ---------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A chart and the table of the numbers it draws."""

    id: str
    caption: str  # names the chart: its SVG title and its table's caption
    row_header: str  # what each row is: "Strand", "Quarter"
    rows: list[tuple[str, dict[str, int]]]
    svg: SafeString

    series = tuple(label for _, label, *_ in RAG_SERIES)

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
