"""The meeting pack: a quarterly review as a PDF fit to attach to committee papers.

``build_pack(review, partnership_name)`` lays out a ``QuarterlyReview`` (reviews/figures.py) with
reportlab's platypus: a title page with contents, the headline figures and charts, the
exceptions (red then amber, each with its narrative), the other lists the chair chases (completed,
late, not updated, movement), the breakdowns, and every action in a landscape table. It reads
nothing from the database: everything comes from the review, so a closed quarter's pack is
frozen with its snapshot.

Choices worth knowing:
- Built-in Helvetica, so no font files are needed. Helvetica only encodes Western European
  (cp1252) characters: other accented letters are printed without their accent ("Ł" as "L"),
  anything else as reportlab's fallback glyph.
- Everything people type is escaped before it goes into a ``Paragraph``, which would otherwise
  read ``<b>`` or ``&`` as its own markup.
- "Page n of m" and the contents' page numbers are drawn as PDF form objects filled in once the
  last page is known, so the document is laid out once, however long the action table.
- Colour is never the only carrier: every RAG cell and chart segment is labelled in words or
  numbers, with a legend.
"""

import unicodedata
from io import BytesIO
from operator import attrgetter
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from govuk import svg
from indicators.charts import format_value
from plans.quarters import Quarter
from plans.ratings import NOT_RATED, RAG, RAG_ORDER, RAG_RATINGS, indicator_rating

from ..figures import Figures, QuarterlyReview

# GOV.UK Design System colours.
TEXT = colors.HexColor(svg.BLACK)
SECONDARY_TEXT = colors.HexColor(svg.DARK_GREY)
BORDER = colors.HexColor(svg.MID_GREY)
LIGHT_GREY = colors.HexColor(svg.LIGHT_GREY)
WHITE = colors.white

# Each RAG rating's colour (None: not updated), and the text on it that keeps 4.5:1 contrast.
RAG_COLOURS = {rag: colors.HexColor(rating.fill) for rag, rating in RAG_RATINGS.items()}
RAG_TEXT_COLOURS = {rag: colors.HexColor(rating.text_colour) for rag, rating in RAG_RATINGS.items()}
# The order segments are stacked in, worst first; "not updated" last.
SEGMENTS = (*RAG_ORDER, None)

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 18 * mm
FOOTER_Y = 10 * mm
BODY_FONT = "Helvetica"
BOLD_FONT = "Helvetica-Bold"

# Letters Unicode cannot take apart into letter + accent, spelled as Helvetica can print them.
_TRANSLITERATIONS = str.maketrans(
    {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T"}
)


# Word's manual line and page breaks become line breaks; other control characters are dropped.
_CONTROLS = str.maketrans(
    {"\x0b": "\n", "\x0c": "\n"} | {chr(c): None for c in range(32) if chr(c) not in "\t\n\x0b\x0c"}
)


def _printable(text: str) -> str:
    """The text with characters Helvetica cannot encode replaced by their nearest letters."""
    text = text.replace("\r\n", "\n").translate(_CONTROLS).translate(_TRANSLITERATIONS)
    out = []
    for char in text:
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            try:
                base.encode("cp1252")
            except UnicodeEncodeError:
                base = char  # left for reportlab's fallback glyph
            out.append(base or char)
        else:
            out.append(char)
    return "".join(out)


def _text(value) -> str:
    """User text made safe for a Paragraph: printable, escaped, line breaks kept."""
    return escape(_printable(str(value or ""))).replace("\n", "<br/>")


def _day(value) -> str:
    """ "31 March 2018"."""
    if value is None:
        return ""
    if hasattr(value, "hour") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "j F Y")


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


# --- styles -----------------------------------------------------------------------------------


def _style(name, **kw) -> ParagraphStyle:
    defaults = {"fontName": BODY_FONT, "fontSize": 10, "leading": 13, "textColor": TEXT}
    return ParagraphStyle(name, **{**defaults, **kw})


STYLES = {
    "partnership": _style("partnership", fontName=BOLD_FONT, fontSize=14, leading=18),
    "title": _style("title", fontName=BOLD_FONT, fontSize=30, leading=36, spaceAfter=6 * mm),
    "subtitle": _style("subtitle", fontSize=17, leading=22, spaceAfter=3 * mm),
    "prepared": _style("prepared", fontSize=12, leading=16, textColor=SECONDARY_TEXT),
    "h1": _style("h1", fontName=BOLD_FONT, fontSize=17, leading=21, spaceAfter=4 * mm),
    "h2": _style(
        "h2", fontName=BOLD_FONT, fontSize=12.5, leading=16, spaceBefore=5 * mm, spaceAfter=2 * mm
    ),
    "body": _style("body", spaceAfter=2 * mm),
    "small": _style("small", fontSize=8.5, leading=11, textColor=SECONDARY_TEXT),
    "inset": _style("inset", fontSize=10.5, leading=14),
    "contents": _style("contents", fontSize=11, leading=18),
    "cell": _style("cell", fontSize=8.5, leading=10.5),
    "cell_indent": _style("cell_indent", fontSize=8.5, leading=10.5, leftIndent=10),
    "cell_bold": _style("cell_bold", fontName=BOLD_FONT, fontSize=8.5, leading=10.5),
    "cell_small": _style("cell_small", fontSize=7.5, leading=9.2),
    "cell_small_bold": _style("cell_small_bold", fontName=BOLD_FONT, fontSize=7.5, leading=9.2),
    "cell_right": _style("cell_right", fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
    "head": _style("head", fontName=BOLD_FONT, fontSize=8.5, leading=10.5),
    "head_right": _style(
        "head_right", fontName=BOLD_FONT, fontSize=8.5, leading=10.5, alignment=TA_RIGHT
    ),
    "figure": _style("figure", fontName=BOLD_FONT, fontSize=22, leading=25),
    "figure_label": _style("figure_label", fontSize=9, leading=11, alignment=TA_LEFT),
    "exception_action": _style("exception_action", fontName=BOLD_FONT, fontSize=10, leading=13),
    "exception_meta": _style(
        "exception_meta", fontSize=8.5, leading=11, textColor=SECONDARY_TEXT, spaceBefore=1
    ),
    "exception_narrative": _style("exception_narrative", fontSize=9.5, leading=12.5),
}


def _p(markup: str, style: str = "cell") -> Paragraph:
    return Paragraph(markup, STYLES[style])


def _inset(markup: str) -> Table:
    """GOV.UK inset text: a paragraph set off by a grey bar down its left."""
    table = Table([[_p(markup, "inset")]], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LINEBEFORE", (0, 0), (0, 0), 4, BORDER),
                ("LEFTPADDING", (0, 0), (0, 0), 12),
                ("TOPPADDING", (0, 0), (0, 0), 6),
                ("BOTTOMPADDING", (0, 0), (0, 0), 8),
            ]
        )
    )
    return table


def _heading(text: str) -> list:
    """A sub-heading, starting a new page rather than being left alone at the foot of one."""
    return [CondPageBreak(45 * mm), Paragraph(escape(text), STYLES["h2"])]


# --- page furniture ---------------------------------------------------------------------------


class _PackCanvas(Canvas):
    """A canvas that fills in the forms for numbers known only at the end: the page count
    ("Page n of m") and the page each section starts on (the contents)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.late_numbers: dict[str, str] = {}

    def save(self):
        if len(self._code):
            self.showPage()
        self.late_numbers["page-total"] = str(self.getPageNumber() - 1)
        for name, text in self.late_numbers.items():
            # The page total is drawn from its origin rightwards (after "Page n of "), a
            # contents line's page number leftwards from its origin (right-aligned).
            self.beginForm(name, lowerx=-100, lowery=-5, upperx=100, uppery=20)
            if name == "page-total":
                self.setFont(BODY_FONT, 9)
                self.setFillColor(SECONDARY_TEXT)
                self.drawString(0, 0, text)
            else:
                self.setFont(BODY_FONT, 11)
                self.setFillColor(TEXT)
                self.drawRightString(0, 0, text)
            self.endForm()
        super().save()


class _LateNumber(Flowable):
    """A line of the contents: the section's title and, right-aligned, the page it starts on
    (filled in when the document is finished)."""

    def __init__(self, title: str, form_name: str):
        super().__init__()
        self.title = title
        self.form_name = form_name

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, STYLES["contents"].leading

    def draw(self):
        canvas = self.canv
        canvas.setFont(BODY_FONT, 11)
        canvas.setFillColor(TEXT)
        canvas.drawString(0, 4, self.title)
        canvas.setStrokeColor(BORDER)
        canvas.setLineWidth(0.5)
        canvas.setDash(1, 2)
        title_end = stringWidth(self.title, BODY_FONT, 11) + 4
        canvas.line(title_end, 4, self.width - 20, 4)
        canvas.setDash()
        canvas.saveState()
        canvas.translate(self.width, 4)
        canvas.doForm(self.form_name)
        canvas.restoreState()


class _Section(Paragraph):
    """A section heading: it starts a contents line, a PDF bookmark and an outline entry."""

    def __init__(self, title: str, key: str):
        super().__init__(escape(title), STYLES["h1"])
        self.title = title
        self.key = key


class _PackTemplate(BaseDocTemplate):
    def __init__(self, *args, footer: str, progress: "_Progress | None" = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.footer = footer
        self.progress = progress
        portrait_frame = Frame(
            MARGIN, MARGIN, PORTRAIT[0] - 2 * MARGIN, PORTRAIT[1] - 2 * MARGIN, id="portrait"
        )
        landscape_margin = 14 * mm
        landscape_frame = Frame(
            landscape_margin,
            MARGIN,
            LANDSCAPE[0] - 2 * landscape_margin,
            LANDSCAPE[1] - MARGIN - landscape_margin,
            id="landscape",
        )
        self.addPageTemplates(
            [
                PageTemplate("portrait", [portrait_frame], onPage=self._furniture, pagesize=A4),
                PageTemplate(
                    "landscape", [landscape_frame], onPage=self._furniture, pagesize=LANDSCAPE
                ),
            ]
        )

    def _furniture(self, canvas, doc):
        """The footer: the plan and quarter on the left, "Page n of m" on the right."""
        width = canvas._pagesize[0]
        canvas.saveState()
        canvas.setStrokeColor(BORDER)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, FOOTER_Y + 11, width - MARGIN, FOOTER_Y + 11)
        canvas.setFont(BODY_FONT, 9)
        canvas.setFillColor(SECONDARY_TEXT)
        canvas.drawString(MARGIN, FOOTER_Y, self.footer)
        # "Page 3 of " then the total, placed so the whole reads right-aligned for up to
        # three-digit totals.
        page_of = f"Page {doc.page} of "
        total_width = stringWidth("000", BODY_FONT, 9)
        x = width - MARGIN - total_width - stringWidth(page_of, BODY_FONT, 9)
        canvas.drawString(x, FOOTER_Y, page_of)
        canvas.translate(x + stringWidth(page_of, BODY_FONT, 9), FOOTER_Y)
        canvas.doForm("page-total")
        canvas.restoreState()

    def afterFlowable(self, flowable):
        if isinstance(flowable, _Section):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(flowable.title, flowable.key, level=0)
            self.canv.late_numbers.setdefault(f"contents-{flowable.key}", str(self.page))
        elif self.progress is not None and isinstance(flowable, Table):
            self.progress.drawn(flowable)


# --- building blocks --------------------------------------------------------------------------


def _table(data, widths, *, header_rows=1, extra_style=(), rules=True) -> Table:
    """A GOV.UK-looking table: bold header on grey, thin rules between rows (unless the caller
    draws its own)."""
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if rules:
        style.append(("LINEBELOW", (0, 0), (-1, -1), 0.4, BORDER))
    if header_rows:
        style += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), LIGHT_GREY),
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 1, TEXT),
        ]
    table = Table(data, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    table.setStyle(TableStyle(style + list(extra_style)))
    return table


def _rag_label(rag: str | None, style: str = "cell_small_bold") -> Paragraph:
    """The RAG's name, in the text colour that reads on the RAG's colour."""
    colour = RAG_TEXT_COLOURS[rag].hexval()[2:]
    return _p(f'<font color="#{colour}">{RAG_RATINGS[rag].name}</font>', style)


def _rag_tag(rag: str | None) -> Paragraph:
    """The RAG's name on a block of its colour, like a GOV.UK tag: the colour is kept to the
    tag rather than the whole cell, which prints better."""
    style = ParagraphStyle(
        f"tag-{rag}",
        parent=STYLES["cell_small_bold"],
        textColor=RAG_TEXT_COLOURS[rag],
        backColor=RAG_COLOURS[rag],
        borderPadding=(2, 2, 2, 2),
    )
    return Paragraph(RAG_RATINGS[rag].name, style)


def _lead(row) -> str:
    parts = [_text(row.lead_agency) or "No lead agency"]
    if row.lead_officer:
        parts.append(_text(row.lead_officer))
    return "<br/>".join(parts)


def _due(row, *, wording: bool = True) -> str:
    """The due date, with the timeframe as written beneath it; the wording alone when it gives
    no date ("Ongoing throughout the life of the Plan")."""
    due = _day(row.due_date) if row.due_date else ""
    written = _text(row.timeframe)
    if due and written and wording:
        return f"{due}<br/><font color='#505a5f'>“{written}”</font>"
    return due or written or "No timeframe"


def _chunks(text: str, limit: int) -> list[str]:
    """The text cut into pieces of at most ``limit`` characters, at line breaks or spaces
    where it can be: a table row cannot be taller than a page, so a very long narrative is
    laid out over several rows."""
    text = str(text or "")
    pieces = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        if cut <= limit // 2:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text]


def _completion(row) -> str:
    text = _text(row.completion)
    if row.completion_note:
        text += f"<br/><font color='#505a5f'>{_text(row.completion_note)}</font>"
    return text


def _segments(figures: Figures) -> list[tuple[str | None, int]]:
    return [(rag, getattr(figures, RAG_RATINGS[rag].figure)) for rag in SEGMENTS]


def _legend(width: float) -> Drawing:
    drawing = Drawing(width, 14)
    x = 0
    for rag in SEGMENTS:
        drawing.add(Rect(x, 2, 9, 9, fillColor=RAG_COLOURS[rag], strokeColor=None))
        label = RAG_RATINGS[rag].label
        drawing.add(String(x + 12, 3, label, fontName=BODY_FONT, fontSize=8.5, fillColor=TEXT))
        x += 12 + stringWidth(label, BODY_FONT, 8.5) + 12
    return drawing


def _stacked_bars(bars: list[tuple[str, Figures]], width: float) -> Drawing:
    """One 100% stacked bar per (label, figures), the label above it and each segment's count
    written on it (or just below, when the segment is too narrow to hold it)."""
    bar_height, label_height, gap = 15, 12, 10
    row_height = label_height + bar_height + gap
    height = row_height * len(bars)
    drawing = Drawing(width, height)
    for index, (label, figures) in enumerate(bars):
        top = height - index * row_height
        drawing.add(
            String(
                0,
                top - 9,
                _printable(f"{label} ({_count(figures.total, 'action')})"),
                fontName=BOLD_FONT,
                fontSize=8.5,
                fillColor=TEXT,
            )
        )
        bar_y = top - label_height - bar_height
        if not figures.total:
            drawing.add(Rect(0, bar_y, width, bar_height, fillColor=None, strokeColor=BORDER))
            continue
        x = 0
        for rag, count in _segments(figures):
            if not count:
                continue
            segment = width * count / figures.total
            drawing.add(
                Rect(x, bar_y, segment, bar_height, fillColor=RAG_COLOURS[rag], strokeColor=WHITE)
            )
            text = str(count)
            text_width = stringWidth(text, BOLD_FONT, 8.5)
            if text_width + 4 <= segment:
                drawing.add(
                    String(
                        x + segment / 2,
                        bar_y + 4.5,
                        text,
                        fontName=BOLD_FONT,
                        fontSize=8.5,
                        fillColor=RAG_TEXT_COLOURS[rag],
                        textAnchor="middle",
                    )
                )
            else:
                drawing.add(
                    String(
                        x + segment / 2,
                        bar_y - 8,
                        text,
                        fontName=BOLD_FONT,
                        fontSize=7,
                        fillColor=TEXT,
                        textAnchor="middle",
                    )
                )
            x += segment
    return drawing


# A breakdown's columns: heading, width, value, and the RAG a heading is coloured as.
FIGURE_COLUMNS = (
    ("Actions", 14 * mm, lambda f: f.total, False),
    ("Complete", 16 * mm, lambda f: f.complete, False),
    ("% complete", 16 * mm, lambda f: f"{f.percent_complete}%", False),
    *(
        (RAG_RATINGS[rag].name, 12 * mm, attrgetter(RAG_RATINGS[rag].figure), rag)
        for rag in RAG_ORDER
    ),
    ("Not updated", 16 * mm, lambda f: f.not_updated, None),
    ("Late", 11 * mm, lambda f: f.late, False),
)


def _heading_cell(text: str, rag=False) -> Paragraph:
    """A right-aligned column heading; a RAG column's in the RAG's text colour (its cell is
    painted in the RAG colour by ``_rag_heading_styles``)."""
    if rag is False:
        return _p(escape(text), "head_right")
    colour = RAG_TEXT_COLOURS[rag].hexval()[2:]
    return _p(f'<font color="#{colour}">{escape(text)}</font>', "head_right")


def _rag_heading_styles(rags) -> list:
    """Paint the heading cell of each column whose RAG is given (False for none)."""
    return [
        ("BACKGROUND", (column, 0), (column, 0), RAG_COLOURS[rag])
        for column, rag in enumerate(rags)
        if rag is not False
    ]


def _figures_table(first_heading: str, groups, width: float) -> Table:
    """A breakdown: one row per group (a group's children indented under it), the figures in
    columns, the RAG columns headed in their colours."""
    widths = [width - sum(w for _h, w, _v, _r in FIGURE_COLUMNS)]
    widths += [w for _h, w, _v, _r in FIGURE_COLUMNS]
    data = [[_p(escape(first_heading), "head")]]
    data[0] += [_heading_cell(heading, rag) for heading, _w, _v, rag in FIGURE_COLUMNS]
    style = _rag_heading_styles([False] + [rag for _h, _w, _v, rag in FIGURE_COLUMNS])

    def add(breakdown, level):
        if level:
            label_style = "cell_indent"
        else:
            label_style = "cell_bold" if breakdown.children else "cell"
        row = [_p(_text(breakdown.label), label_style)]
        row += [
            _p(str(value(breakdown.figures)), "cell_right") for _h, _w, value, _r in FIGURE_COLUMNS
        ]
        data.append(row)
        for child in breakdown.children:
            add(child, level + 1)

    for group in groups:
        add(group, 0)
    return _table(data, widths, extra_style=style)


def completion_sentence(figures) -> str:
    """How far the actions have got, as councils report to scrutiny (the quarterly page says the
    same: reviews/includes/completion.html)."""
    return (
        f"{_count(figures.total, 'action')}: {figures.complete} complete, "
        f"{figures.in_progress} in progress, {figures.not_started} not started. "
        f"Of the {figures.not_complete} not complete: {figures.open_green} green, "
        f"{figures.open_amber} amber, {figures.open_red} red."
    )


def _headline(review: QuarterlyReview, width: float) -> list:
    figures = review.figures
    cards = [
        (figures.total, "actions in the plan", None, False),
        (f"{figures.complete} ({figures.percent_complete}%)", "complete", None, False),
        (figures.late, "late (past due, not complete)", None, False),
        (figures.not_updated, "not updated this quarter", None, True),
    ]
    for rag in RAG_ORDER:  # "off track (red)"
        rating = RAG_RATINGS[rag]
        cards.append((getattr(figures, rating.figure), f"{rating.meaning} ({rag})", rag, True))
    # Four cards a row, with narrow empty columns between them as gutters.
    gutter = 4 * mm
    card = (width - 3 * gutter) / 4
    data, style = [["", "", "", "", "", "", ""], ["", "", "", "", "", "", ""]], []
    for index, (number, label, rag, coloured) in enumerate(cards):
        row, column = index // 4, index % 4 * 2
        data[row][column] = [_p(str(number), "figure"), _p(escape(label), "figure_label")]
        line_colour = RAG_COLOURS[rag] if coloured else TEXT
        style.append(("LINEABOVE", (column, row), (column, row), 5, line_colour))
    style += [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
    ]
    cards_table = Table(data, colWidths=[card, gutter] * 3 + [card], hAlign="LEFT")
    cards_table.setStyle(TableStyle(style))

    flowables = [cards_table, _p(escape(completion_sentence(figures)), "body")]
    if review.quarter > 1:
        previous = f"Q{review.quarter - 1}"
        flowables.append(
            _p(
                f"Since {previous}: {_count(len(review.improved), 'action')} improved, "
                f"{_count(len(review.worsened), 'action')} worsened; "
                f"{_count(len(review.completed_this_quarter), 'action')} completed this quarter.",
                "body",
            )
        )
    else:
        flowables.append(
            _p(
                f"{_count(len(review.completed_this_quarter), 'action')} completed this quarter.",
                "body",
            )
        )
    flowables.append(
        _p(
            "Figures use each action's update for this quarter. An action with no update this "
            "quarter counts as not updated, never as green.",
            "small",
        )
    )
    return flowables


def _charts(review: QuarterlyReview, width: float) -> list:
    strands = [
        (strand.label, strand.figures)
        for priority in review.by_priority
        for strand in (priority.children or (priority,))
    ]
    trend_rows = [
        (Quarter(review.financial_year, number).label, figures) for number, figures in review.trend
    ]
    flowables = [
        KeepTogether(
            [
                *_heading("RAG ratings by strand"),
                _legend(width),
                Spacer(1, 3 * mm),
                _stacked_bars(strands, width),
                _p("The figures for each strand are set out under Breakdowns.", "small"),
            ]
        )
    ]
    if trend_rows:
        headings = [(RAG_RATINGS[rag].name, rag) for rag in SEGMENTS]
        headings += [("Complete", False), ("Late", False)]
        data = [[_p("Quarter", "head")] + [_heading_cell(h, rag) for h, rag in headings]]
        for label, figures in trend_rows:
            data.append(
                [_p(escape(label), "cell")]
                + [_p(str(v), "cell_right") for v in _trend_values(figures)]
            )
        style = _rag_heading_styles([False] + [rag for _h, rag in headings])
        column_width = 18 * mm
        trend_table = _table(
            data,
            [width - column_width * len(headings)] + [column_width] * len(headings),
            extra_style=style,
        )
        flowables.append(
            KeepTogether(
                [
                    *_heading("RAG ratings quarter by quarter"),
                    _legend(width),
                    Spacer(1, 3 * mm),
                    _stacked_bars(trend_rows, width),
                    Spacer(1, 2 * mm),
                    trend_table,
                ]
            )
        )
    return flowables


def _trend_values(figures: Figures):
    """The trend table's columns: each RAG rating, not updated, complete and late."""
    rated = (getattr(figures, RAG_RATINGS[rag].figure) for rag in SEGMENTS)
    return (*rated, figures.complete, figures.late)


def _exception(row, review: QuarterlyReview, width: float) -> Table:
    """One red or amber action: its RAG in a coloured band down the left, then the action, who
    leads it, when it is due, last quarter's rating, and this quarter's narrative."""
    reference = f"{_text(row.reference)}&nbsp;&nbsp;" if row.reference else ""
    meta = [f"Lead: {_lead(row).replace('<br/>', ', ')}", f"Due: {_due(row, wording=False)}"]
    if review.quarter > 1:
        meta.append(f"In Q{review.quarter - 1}: {RAG_RATINGS[row.previous_rag].name}")
    if row.is_late:
        meta.append("<b>Late</b>")
    band = 16 * mm
    data = [
        [_rag_label(row.rag, "cell_bold"), _p(f"{reference}{_text(row.text)}", "exception_action")],
        ["", _p(" &nbsp;·&nbsp; ".join(meta), "exception_meta")],
    ]
    if row.narrative:
        data += [
            ["", _p(_text(chunk), "exception_narrative")] for chunk in _chunks(row.narrative, 3000)
        ]
    else:
        data.append(["", _p("<i>No narrative given.</i>", "exception_narrative")])
    # No spanned cell: the band is painted down every row, so a card longer than a page can
    # still be split between rows.
    table = Table(data, colWidths=[band, width - band], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (0, -1), RAG_COLOURS[row.rag]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 4),
                ("LEFTPADDING", (1, 0), (1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, 0), 5),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
                ("BOX", (0, 0), (-1, -1), 0.5, BORDER),
            ]
        )
    )
    return table


def _exceptions(review: QuarterlyReview, width: float) -> list:
    flowables = [
        _p(
            "Every action rated red (off track) or amber (at risk) this quarter, with what its "
            "lead reported.",
            "body",
        )
    ]
    exceptions = review.exceptions
    if not exceptions:
        flowables.append(_inset("No action is rated red or amber this quarter."))
        return flowables
    for rag in (RAG.RED, RAG.AMBER):
        rows = [row for row in exceptions if row.rag == rag]
        if not rows:
            continue
        heading = Paragraph(
            f"{RAG_RATINGS[rag].label}: {_count(len(rows), 'action')}", STYLES["h2"]
        )
        cards = [_exception(row, review, width) for row in rows]
        # The heading goes with the first card; each card is kept whole where it fits a page.
        flowables.append(KeepTogether([heading, cards[0]]))
        for card in cards[1:]:
            flowables += [Spacer(1, 3 * mm), KeepTogether(card)]
    return flowables


def _short_list(heading: str, rows, width: float, *, empty: str, extra=None) -> list:
    """A short table of actions: reference, action, lead, and one more column if given."""
    flowables = _heading(f"{heading} ({len(rows)})")
    if not rows:
        return [*flowables, _p(escape(empty), "body")]
    extra_heading, extra_value = extra or (None, None)
    widths = [14 * mm, None, 45 * mm] + ([30 * mm] if extra else [])
    widths[1] = width - sum(w for w in widths if w)
    data = [[_p("Ref", "head"), _p("Action", "head"), _p("Lead", "head")]]
    if extra:
        data[0].append(_p(escape(extra_heading), "head"))
    for row in rows:
        cells = [_p(_text(row.reference)), _p(_text(row.text)), _p(_lead(row))]
        if extra:
            cells.append(_p(extra_value(row)))
        data.append(cells)
    return [*flowables, _table(data, widths)]


def _chase_lists(review: QuarterlyReview, width: float) -> list:
    def rag_change(row):
        return f"{RAG_RATINGS[row.previous_rag].name} to {RAG_RATINGS[row.rag].name}"

    flowables = [
        *_short_list(
            "Completed this quarter",
            review.completed_this_quarter,
            width,
            empty="No action was completed this quarter.",
            extra=("Completion", _completion),
        ),
        *_short_list(
            "Late",
            review.late,
            width,
            empty="No action is late.",
            extra=("Due", _due),
        ),
        *_short_list(
            "Not updated this quarter",
            review.not_updated,
            width,
            empty="Every action has an update for this quarter.",
        ),
    ]
    if review.quarter > 1:
        flowables += [
            *_short_list(
                f"Improved since Q{review.quarter - 1}",
                review.improved,
                width,
                empty="No action's rating improved.",
                extra=("RAG", rag_change),
            ),
            *_short_list(
                f"Worsened since Q{review.quarter - 1}",
                review.worsened,
                width,
                empty="No action's rating worsened.",
                extra=("RAG", rag_change),
            ),
        ]
    return flowables


ACTION_COLUMNS = (
    ("Ref", 11 * mm),
    ("Action", 56 * mm),
    ("Strand", 24 * mm),
    ("Theme", 22 * mm),
    ("Lead", 28 * mm),
    ("Due", 22 * mm),
    ("RAG", 16 * mm),
    ("Completion", 18 * mm),
    ("Latest update", None),  # the rest of the width
)


def _action_table(review: QuarterlyReview, width: float, progress=None) -> Table:
    """Every action, one or more rows each: text too long for one row (which cannot be taller
    than a page) carries on in the rows below. ``progress`` (a ``_Progress``) is told of each
    action's first cell, to count the action when the part of the table holding it is drawn."""
    widths = [w for _h, w in ACTION_COLUMNS]
    widths[-1] = width - sum(w for w in widths if w)
    data = [[_p(heading, "cell_small_bold") for heading, _w in ACTION_COLUMNS]]
    style = []
    for row in review.rows:
        update_chunks = [_text(chunk) for chunk in _chunks(row.narrative, 1200)]
        if row.rag is None:
            update_chunks[-1] = update_chunks[-1] or "<i>No update this quarter.</i>"
        elif row.updated_by:
            signed = _text(row.updated_by)
            if row.updated_at:
                signed += f", {_day(row.updated_at)}"
            update_chunks[-1] += f"<br/><font color='#505a5f'>{signed}</font>"
        columns = [
            [_text(row.reference)],
            [_text(chunk) for chunk in _chunks(row.text, 1200)],
            [_text(row.strand)],
            [_text(row.theme)],
            [_lead(row)],
            [_due(row) + ("<br/><b>Late</b>" if row.is_late else "")],
            None,  # the RAG label, below
            [_completion(row)],
            update_chunks,
        ]
        for line in range(max(len(column) for column in columns if column)):
            cells = [
                _p(column[line], "cell_small") if line < len(column) else ""
                for column in columns
                if column is not None
            ]
            cells.insert(6, _rag_tag(row.rag) if line == 0 else "")
            if line == 0 and progress is not None:
                progress.counts(cells[0])
            data.append(cells)
        last = len(data) - 1
        style.append(("LINEBELOW", (0, last), (-1, last), 0.4, BORDER))
    return _table(data, widths, extra_style=style, rules=False)


# --- performance indicators -------------------------------------------------------------------


def _indicator_tag(row) -> Paragraph:
    """The indicator's rating as a coloured tag in words; grey and saying why when there is
    none."""
    if row.value is None:
        rating, text = NOT_RATED, "Not reported" if row.due else "Not due"
    else:
        rating = indicator_rating(row.rating)
        text = rating.name
    style = ParagraphStyle(
        f"indicator-tag-{rating.value}",
        parent=STYLES["cell_small_bold"],
        textColor=colors.HexColor(rating.text_colour),
        backColor=colors.HexColor(rating.fill),
        borderPadding=(2, 2, 2, 2),
    )
    return Paragraph(text, style)


def _indicators(review: QuarterlyReview, width: float) -> list:
    """The headline counts of the plan's indicators by rating, then each indicator's value
    against its target this quarter, and its values quarter by quarter since the baseline."""
    figures = review.indicator_figures
    if not review.indicators:
        return [_inset("The plan has no performance indicators.")]
    counts = [
        (figures.green, "green (on or better than target)"),
        (figures.amber, "amber (within tolerance)"),
        (figures.red, "red (beyond tolerance)"),
        (figures.no_target, "reported with no target"),
        (figures.not_reported, "due and not reported"),
        (figures.not_due, "not due this quarter"),
    ]
    flowables = [
        _p(
            f"{_count(figures.total, 'indicator')}: "
            + ", ".join(f"{count} {label}" for count, label in counts if count or "(" in label)
            + ".",
            "body",
        ),
        _p(
            "Each value is rated against its target for the quarter: green when on or better "
            "than the target, amber when worse but within the indicator's tolerance, red beyond "
            "it. An annual indicator is not due before Q4.",
            "small",
        ),
        Spacer(1, 3 * mm),
    ]
    widths = [None, 20 * mm, 18 * mm, 18 * mm, 20 * mm, 48 * mm]
    widths[0] = width - sum(w for w in widths if w)
    data = [
        [
            _p("Indicator", "head"),
            _p("Baseline", "head_right"),
            _p(f"Q{review.quarter} target", "head_right"),
            _p(f"Q{review.quarter} value", "head_right"),
            _p("Rating", "head"),
            _p("Quarter by quarter", "head"),
        ]
    ]
    for row in review.indicators:
        about = _text(row.name)
        detail = []
        if row.direction == "lower":
            detail.append("Lower is better")
        if row.source_agency:
            detail.append(f"Source: {_text(row.source_agency)}")
        if detail:
            about += f"<br/><font color='#505a5f'>{'. '.join(detail)}</font>"
        if row.overridden:
            computed = indicator_rating(row.computed_rating).name
            about += (
                f"<br/><font color='#505a5f'>Rating overridden (computed: {computed}): "
                f"{_text(row.override_reason)}</font>"
            )
        baseline = _text(format_value(row.baseline_value, row.unit)) or "No baseline"
        if row.baseline_period:
            baseline += f"<br/><font color='#505a5f'>{_text(row.baseline_period)}</font>"
        trend = [
            f"Q{point.quarter}: "
            + (
                _text(format_value(point.value, row.unit))
                + f" ({indicator_rating(point.rating).name})"
                if point.value is not None
                else ("not reported" if point.due else "not due")
            )
            for point in row.trend
        ]
        data.append(
            [
                _p(about),
                _p(baseline, "cell_right"),
                _p(_text(format_value(row.target, row.unit)) or "No target", "cell_right"),
                _p(_text(format_value(row.value, row.unit)) or "–", "cell_right"),
                _indicator_tag(row),
                _p("<br/>".join(trend), "cell_small"),
            ]
        )
    flowables.append(_table(data, widths))
    return flowables


def _title_page(review: QuarterlyReview, partnership_name: str, sections) -> list:
    if review.is_closed:
        prepared = f"As closed on {_day(review.closed_at)}"
        if review.closed_by:
            prepared += f" by {_text(review.closed_by)}"
        status = (
            "This quarter was closed after the partnership's meeting: the figures are as they "
            "stood then."
        )
    else:
        prepared = f"Prepared {_day(review.generated_at)}"
        status = (
            "This quarter is not yet closed: the figures are as they stood when this pack was "
            "prepared, and may change as officers record progress."
        )
    flowables = [
        Spacer(1, 30 * mm),
        _p(_text(partnership_name), "partnership"),
        Spacer(1, 8 * mm),
        _p(_text(review.plan_title), "title"),
        _p(
            f"Quarterly review: {escape(review.quarter_label)} ({escape(review.months_label)})",
            "subtitle",
        ),
        _p(prepared, "prepared"),
        Spacer(1, 4 * mm),
        _inset(status),
        Spacer(1, 18 * mm),
        *_heading("Contents"),
    ]
    flowables += [_LateNumber(title, f"contents-{key}") for title, key in sections]
    return flowables


SECTIONS = (
    ("Headline figures", "headline"),
    ("Performance indicators", "indicators"),
    ("Exceptions: red and amber actions", "exceptions"),
    ("Completed, late and not updated", "lists"),
    ("Breakdowns", "breakdowns"),
    ("All actions and their latest updates", "actions"),
)


class _Progress:
    """How many of the review's actions the action table has drawn so far, told to the
    caller's ``report(done, total)`` as each page's part of the table is laid out. Drawing that
    table is most of a large pack's work, and what a person waiting for it can follow."""

    def __init__(self, report, total: int):
        self.report = report
        self.total = total
        self.done = 0
        self.first_cells: set[int] = set()

    def counts(self, cell) -> None:
        """``cell`` is an action's first cell in the action table."""
        self.first_cells.add(id(cell))

    def _counted(self, cell) -> bool:
        # reportlab keeps a cell's flowable in a tuple of the cell's flowables.
        if isinstance(cell, list | tuple):
            return any(id(flowable) in self.first_cells for flowable in cell)
        return id(cell) in self.first_cells

    def drawn(self, table: Table) -> None:
        """A table (a page's part of the action table, or another) has been laid out."""
        drawn = sum(1 for row in table._cellvalues if row and self._counted(row[0]))
        if drawn:
            self.done += drawn
            self.report(self.done, self.total)


def build_pack(
    review: QuarterlyReview, partnership_name: str, *, compress: bool = True, progress=None
) -> bytes:
    """The meeting pack for a quarterly review, as PDF bytes. ``compress=False`` leaves the
    page streams readable (for tests that look for text in them). ``progress(done, total)``, if
    given, is called with how many of the review's actions have been drawn: (0, total) first,
    then after each page of the action table, ending at (total, total); a background job shows
    it to the person waiting (reviews/tasks.py). The PDF is the same with or without it."""
    counted = _Progress(progress, len(review.rows)) if progress is not None else None
    if counted is not None:
        progress(0, counted.total)
    portrait_width = PORTRAIT[0] - 2 * MARGIN - 12  # less the frame's padding
    buffer = BytesIO()
    footer = _printable(f"{review.plan_title}: quarterly review {review.quarter_label}")
    doc = _PackTemplate(
        buffer,
        pagesize=A4,
        footer=footer,
        title=_printable(f"{review.plan_title}: quarterly review {review.quarter_label}"),
        author=_printable(partnership_name),
        subject=f"Meeting pack for {review.quarter_label} ({review.months_label})",
        creator=_printable(partnership_name),
        lang="en-GB",
        displayDocTitle=True,
        pageCompression=1 if compress else 0,
        progress=counted,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )
    sections = dict((key, title) for title, key in SECTIONS)
    breakdowns = [
        *_heading("By priority and strand"),
        _figures_table("Priority and strand", review.by_priority, portrait_width),
        *_heading("By theme"),
        _figures_table("Theme", review.by_theme, portrait_width),
        *_heading("By lead agency"),
        _figures_table("Lead agency", review.by_agency, portrait_width),
    ]
    story = [
        *_title_page(review, partnership_name, SECTIONS),
        PageBreak(),
        _Section(sections["headline"], "headline"),
        *_headline(review, portrait_width),
        *_charts(review, portrait_width),
        PageBreak(),
        _Section(sections["indicators"], "indicators"),
        *_indicators(review, portrait_width),
        PageBreak(),
        _Section(sections["exceptions"], "exceptions"),
        *_exceptions(review, portrait_width),
        PageBreak(),
        _Section(sections["lists"], "lists"),
        *_chase_lists(review, portrait_width),
        PageBreak(),
        _Section(sections["breakdowns"], "breakdowns"),
        *breakdowns,
        NextPageTemplate("landscape"),
        PageBreak(),
        _Section(sections["actions"], "actions"),
        _p(
            f"Every action in the plan, in plan order, with its update for "
            f"{escape(review.quarter_label)}.",
            "body",
        ),
        _action_table(review, LANDSCAPE[0] - 28 * mm - 12, counted),
    ]
    doc.build(story, canvasmaker=_PackCanvas)
    return buffer.getvalue()
