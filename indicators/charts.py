"""An indicator's series as a server-drawn SVG bar chart: the baseline, then a bar per quarter,
each labelled with its value and rating in words, with the quarter's target marked across it.

Drawn with govuk/svg.py's building blocks, to the same rules as the review's RAG charts: an
``<svg role="img">`` with a title and a description that says every value in words, every label
escaped, colour never the only carrier (each bar carries its value and its rating's name or
initial), and the page shows the same numbers as a table beside it. The ratings' names and
colours are plans/ratings.py's.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString

from govuk import svg as draw
from govuk.svg import SECONDARY_TEXT_COLOUR, TEXT_COLOUR
from plans.ratings import indicator_rating

from .models import Indicator


def format_value(value, unit: str = Indicator.Unit.NUMBER) -> str:
    """A value as people write it: "1,250", "12.5", "64%", "3.25 per 1,000"; "" for None."""
    if value is None:
        return ""
    value = Decimal(value)
    text = (
        f"{value:,.2f}".rstrip("0").rstrip(".") if value != value.to_integral() else f"{value:,.0f}"
    )
    if unit == Indicator.Unit.PERCENTAGE:
        return f"{text}%"
    if unit == Indicator.Unit.RATE_PER_1000:
        return f"{text} per 1,000"
    return text


@dataclass(frozen=True)
class Point:
    """One bar of the chart: the baseline or a quarter."""

    label: str  # "Baseline", "Q1"
    value: Decimal | None
    target: Decimal | None = None
    rating: str = ""  # the rating shown (an override if there is one); "" when not rated
    missing: str = "no value"  # what to say when there is no value: "not reported", "not due"
    is_baseline: bool = False

    def in_words(self, unit: str) -> str:
        if self.value is None:
            said = f"{self.label}: {self.missing}"
        else:
            said = f"{self.label}: {format_value(self.value, unit)}"
            if not self.is_baseline:
                said += (
                    f" against a target of {format_value(self.target, unit)}, "
                    f"{indicator_rating(self.rating).in_words}"
                    if self.target is not None
                    else ", no target"
                )
        if self.value is None and self.target is not None:
            said += f" (target {format_value(self.target, unit)})"
        return said + "."


SLOT = 96
COMPACT_SLOT = 52
PLOT_HEIGHT = 150
COMPACT_PLOT_HEIGHT = 60


def series_svg(
    points: list[Point], *, unit: str, title: str, chart_id: str, compact: bool = False
) -> SafeString:
    """The series as bars on one scale from zero, each with its value above it and, under it,
    its label and its rating (in full, or its initial when ``compact``). A quarter's target is
    a dashed line across its bar's slot."""
    slot = COMPACT_SLOT if compact else SLOT
    plot_height = COMPACT_PLOT_HEIGHT if compact else PLOT_HEIGHT
    size = 11 if compact else 13
    bar_width = slot * 0.55
    width = max(len(points), 1) * slot
    largest = max(
        [p.value for p in points if p.value is not None]
        + [p.target for p in points if p.target is not None]
        + [Decimal(0)]
    )
    top = 18
    baseline = top + plot_height
    scale = plot_height / float(largest) if largest else 0
    body = []
    for index, point in enumerate(points):
        left = index * slot
        centre = left + slot / 2
        parts = []
        if point.value is not None:
            height = float(point.value) * scale
            parts.append(
                draw.rect(
                    centre - bar_width / 2,
                    baseline - height,
                    bar_width,
                    height,
                    indicator_rating(point.rating).fill,
                    css_class="app-chart__bar",
                    # Unrated (no target): grey, outlined so that it stands out on white.
                    stroke=TEXT_COLOUR if not point.rating else None,
                )
            )
            parts.append(
                draw.text(
                    centre,
                    baseline - height - 4,
                    draw.truncate(format_value(point.value, unit), size, slot),
                    size=size,
                    anchor="middle",
                    bold=True,
                )
            )
        else:
            parts.append(
                draw.text(
                    centre,
                    baseline - 6,
                    "–" if compact else draw.truncate(point.missing.capitalize(), 11, slot),
                    size=11,
                    anchor="middle",
                    fill=SECONDARY_TEXT_COLOUR,
                )
            )
        if point.target is not None and not point.is_baseline:
            y = baseline - float(point.target) * scale
            parts.append(
                draw.element(
                    "line",
                    {
                        "x1": float(left + 4),
                        "y1": float(y),
                        "x2": float(left + slot - 4),
                        "y2": float(y),
                        "stroke": TEXT_COLOUR,
                        "stroke_width": 2,
                        "stroke_dasharray": "5 3",
                        "class": "app-chart__target",
                    },
                )
            )
        parts.append(
            draw.text(centre, baseline + size + 4, point.label, size=size, anchor="middle")
        )
        if not point.is_baseline and point.value is not None:
            word = indicator_rating(point.rating).name
            parts.append(
                draw.text(
                    centre,
                    baseline + 2 * size + 8,
                    word[0] if compact and point.rating else ("–" if compact else word),
                    size=11,
                    anchor="middle",
                    fill=SECONDARY_TEXT_COLOUR,
                )
            )
        body.append(draw.element("g", {"class": "app-chart__group"}, *parts))
    body.append(draw.line(0, baseline, width, baseline, TEXT_COLOUR))
    key = (
        "Bars are coloured by rating (G green, A amber, R red); the dashed line is the target."
        if compact
        else "Bars are coloured by rating; the dashed line across a quarter is its target."
    )
    description = key + " " + " ".join(point.in_words(unit) for point in points)
    height = baseline + (2 * size + 14)
    return draw.svg(chart_id, title, description, width, height, body)
