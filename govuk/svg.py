"""Charts drawn on the server as SVG, to GOV.UK's colours: no JavaScript, no external resources.

The building blocks every chart of the service is drawn with (the review's RAG charts, an
indicator's series): plain data in, markup out. ``element`` escapes every attribute value and
``text`` every text, so whatever a person typed (a strand's title) can only ever come out as
text, and the SVG is also well-formed XML; ``svg`` wraps a chart as an ``<svg role="img">``
named by its title and a description that says in words everything it shows, and marks the
result safe for templates. The markup is built as plain strings for speed: the dashboard draws
a chart per plan.
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe

# The GOV.UK Design System's colours, as the charts, the meeting pack and the spreadsheets use
# them (plans/ratings.py gives each rating its own).
BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
MID_GREY = "#b1b4b6"
LIGHT_GREY = "#f3f2f1"
WHITE = "#ffffff"
RED = "#d4351c"
ORANGE = "#f47738"
GREEN = "#00703c"
BLUE = "#1d70b8"

TEXT_COLOUR = BLACK
SECONDARY_TEXT_COLOUR = DARK_GREY

# Text widths are estimated (the server does not know the reader's font): generous averages for
# a sans-serif face, in user units per character at each size used.
CHAR_WIDTH = {11: 6.2, 12: 6.8, 13: 7.4, 14: 7.8}


def text_width(text: str, size: int) -> float:
    return len(text) * CHAR_WIDTH[size]


def truncate(text: str, size: int, width: float) -> str:
    """The text, cut short with an ellipsis if it would be wider than the width."""
    if text_width(text, size) <= width:
        return text
    keep = max(int(width / CHAR_WIDTH[size]) - 1, 1)
    return text[:keep].rstrip() + "…"


def number(value: float) -> str:
    """A coordinate as SVG wants it: no more decimals than needed."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _attribute(value) -> str:
    if isinstance(value, float):
        return number(value)
    return escape(str(value), quote=True)


def element(name: str, attributes: dict, *children: str) -> str:
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


def text(x, y, words, *, size=14, anchor="start", fill=TEXT_COLOUR, bold=False) -> str:
    attributes = {
        "x": float(x),
        "y": float(y),
        "font_size": size,
        "text_anchor": anchor,
        "fill": fill,
        "font_weight": "bold" if bold else None,
    }
    return element("text", attributes, escape(words, quote=False))


def rect(x, y, width, height, fill, *, css_class=None, stroke=None) -> str:
    return element(
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


def line(x1, y1, x2, y2, colour, width=1) -> str:
    return element(
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


def svg(chart_id: str, title: str, description: str, width: float, height: float, body):
    """The chart as an image named by its title and description (aria-labelledby)."""
    markup = element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "app-chart__svg",
            "role": "img",
            "viewBox": f"0 0 {number(width)} {number(height)}",
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


def empty_svg(chart_id: str, title: str, width: float, message: str) -> SafeString:
    """A chart with nothing to draw: the message in its place."""
    return svg(
        chart_id,
        title,
        f"{message}.",
        width,
        40,
        [text(0, 24, message, fill=SECONDARY_TEXT_COLOUR)],
    )
