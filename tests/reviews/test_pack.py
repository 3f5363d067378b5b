"""The meeting pack (reviews/outputs/pack.py): a quarterly review as a PDF for committee papers.

Reviews are built by hand here (``make_review``), so these tests say exactly what the pack is
given; tests/reviews/test_exports.py also builds packs from the demo data through the view.
"""

import re
from datetime import UTC, date, datetime

from reviews.figures import ActionRow, Breakdown, Figures, QuarterlyReview
from reviews.outputs.pack import build_pack

PARTNERSHIP = "Safer Lewisham Partnership"


def make_row(n: int, **overrides) -> ActionRow:
    """Action n of strand 1 ("Violence against women and girls"), green and on track."""
    values = {
        "action_id": n,
        "reference": f"1.{n}",
        "text": f"Action {n} will be done.",
        "priority": "Violence",
        "strand_id": 1,
        "strand": "Violence against women and girls",
        "theme_id": 1,
        "theme": "Prevention",
        "lead_agency_id": 1,
        "lead_agency": "Lewisham Council",
        "lead_officer": "Jane Smith",
        "timeframe": "March 18",
        "due_date": date(2018, 3, 31),
        "rag": "green",
        "previous_rag": "green",
        "completion": "In progress",
        "completion_note": "",
        "is_complete": False,
        "completed_this_quarter": False,
        "is_late": False,
        "narrative": f"Action {n} is going to plan.",
        "updated_by": "Jane Smith",
        "updated_at": datetime(2017, 12, 12, 10, 30, tzinfo=UTC),
    }
    return ActionRow(**{**values, **overrides})


def _breakdowns(rows, label_of, key_name, id_of):
    groups = {}
    for row in rows:
        groups.setdefault((id_of(row), label_of(row)), []).append(row)
    return [
        Breakdown(label or "None", (key_name, key), Figures.of(members))
        for (key, label), members in groups.items()
    ]


def make_review(rows=None, *, quarter=3, **overrides) -> QuarterlyReview:
    """A review of the given rows, its figures and breakdowns counted from them, as review_for
    would."""
    rows = list(rows if rows is not None else [make_row(n) for n in range(1, 4)])
    strands = _breakdowns(rows, lambda r: r.strand, "strand", lambda r: r.strand_id)
    months = {1: "April to June 2017", 2: "July to September 2017", 3: "October to December 2017"}
    values = {
        "plan_id": 1,
        "plan_slug": "safer-lewisham-plan-17-18",
        "plan_title": "Safer Lewisham Plan 17-18",
        "financial_year": 2017,
        "quarter": quarter,
        "quarter_label": f"Q{quarter} 2017-18",
        "months_label": months.get(quarter, "January to March 2018"),
        "generated_at": datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        "figures": Figures.of(rows),
        "by_priority": [Breakdown("Violence", ("priority", 1), Figures.of(rows), tuple(strands))],
        "by_theme": _breakdowns(rows, lambda r: r.theme, "theme", lambda r: r.theme_id),
        "by_agency": _breakdowns(
            rows, lambda r: r.lead_agency, "agency", lambda r: r.lead_agency_id
        ),
        "rows": rows,
        "trend": [(n, Figures.of(rows)) for n in range(1, quarter + 1)],
    }
    return QuarterlyReview(**{**values, **overrides})


def pdf_text(pdf: bytes) -> str:
    """The text drawn on an uncompressed PDF's pages: each text block's strings joined as
    drawn, its line breaks and the gaps between blocks as spaces. Enough to say what a reader
    would see."""

    def unescape(raw: bytes) -> str:
        raw = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8)]), raw)
        raw = re.sub(rb"\\(.)", rb"\1", raw)
        return raw.decode("cp1252")

    blocks = []
    for block in re.findall(rb"\bBT\b(.*?)\bET\b", pdf, re.S):
        parts = re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj|(T\*)", block)
        blocks.append("".join(" " if newline else unescape(string) for string, newline in parts))
    return re.sub(r"\s+", " ", " ".join(blocks))


def text_of(review, partnership=PARTNERSHIP) -> str:
    return pdf_text(build_pack(review, partnership, compress=False))


SECTIONS = [
    "Headline figures",
    "Performance indicators",
    "Exceptions: red and amber actions",
    "Completed, late and not updated",
    "Breakdowns",
    "All actions and their latest updates",
]


def section(text: str, heading: str) -> str:
    """One section of the pack's text: from its heading to the next (each heading's last
    occurrence, the first being its line in the contents)."""
    start = text.rindex(heading)
    following = SECTIONS[SECTIONS.index(heading) + 1 :]
    return text[start : text.rindex(following[0]) if following else None]


def test_it_is_a_pdf():
    pdf = build_pack(make_review(), PARTNERSHIP)

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")


def test_its_title_page_names_the_partnership_plan_quarter_and_date():
    text = text_of(make_review())

    assert "Safer Lewisham Partnership" in text
    assert "Safer Lewisham Plan 17-18" in text
    assert "Quarterly review: Q3 2017-18 (October to December 2017)" in text
    assert "Prepared 25 November 2026" in text
    assert "not yet closed" in text


def test_a_closed_quarters_pack_says_when_and_by_whom_it_was_closed():
    review = make_review(closed_at=datetime(2018, 1, 16, 18, 0, tzinfo=UTC), closed_by="Ann Chair")

    text = text_of(review)

    assert "As closed on 16 January 2018 by Ann Chair" in text
    assert "Prepared" not in text


def test_it_holds_each_exception_with_its_reference_lead_and_narrative():
    rows = [
        make_row(1),
        make_row(2, rag="red", narrative="Funding for the refuge was withdrawn."),
        make_row(3, rag="amber", narrative="Recruitment is behind by a month.", lead_officer=""),
    ]

    text = text_of(make_review(rows))

    exceptions = section(text, "Exceptions: red and amber actions")
    assert "Red (off track): 1 action" in exceptions
    assert "1.2 Action 2 will be done." in exceptions
    assert "Funding for the refuge was withdrawn." in exceptions
    assert "Amber (at risk): 1 action" in exceptions
    assert "1.3 Action 3 will be done." in exceptions
    assert "Recruitment is behind by a month." in exceptions
    assert "Lead: Lewisham Council" in exceptions
    assert "Due: 31 March 2018" in exceptions


def test_exceptions_come_red_first_then_amber():
    rows = [make_row(1, rag="amber"), make_row(2, rag="red")]

    text = text_of(make_review(rows))

    exceptions = section(text, "Exceptions: red and amber actions")
    assert exceptions.index("1.2 Action 2") < exceptions.index("1.1 Action 1")


def test_an_exception_shows_the_rag_it_had_the_quarter_before():
    text = text_of(make_review([make_row(1, rag="red", previous_rag="green")]))

    assert "In Q2: Green" in text


def test_it_says_so_when_nothing_is_red_or_amber():
    text = text_of(make_review([make_row(1), make_row(2)]))

    assert "No action is rated red or amber this quarter." in text


def test_its_headline_figures_are_the_reviews():
    rows = [
        make_row(1, rag="red"),
        make_row(2, rag=None, narrative=""),
        make_row(3, rag="blue", is_complete=True),
        make_row(4),
    ]

    text = text_of(make_review(rows))

    headline = section(text, "Headline figures")
    assert "4 actions in the plan" in headline
    assert "1 (25%) complete" in headline
    assert "1 not updated this quarter" in headline
    assert "1 off track (red)" in headline


def test_the_action_table_holds_every_action_with_its_latest_update():
    rows = [make_row(n, narrative=f"Update number {n}.") for n in range(1, 8)]
    rows.append(make_row(8, rag=None, narrative=""))

    text = text_of(make_review(rows))

    table = section(text, "All actions and their latest updates")
    for n in range(1, 8):
        assert f"1.{n} Action {n} will be done." in table
        assert f"Update number {n}." in table
    assert "No update this quarter." in table


def test_user_text_with_markup_characters_is_printed_as_typed():
    rows = [
        make_row(
            1,
            rag="red",
            text="Train staff <b>now</b> & review (quarterly)",
            narrative="Costs < £5,000 & rising; see <a href='x'>link</a>",
        )
    ]

    text = text_of(make_review(rows))

    assert "Train staff <b>now</b> & review (quarterly)" in text
    assert "Costs < £5,000 & rising; see <a href='x'>link</a>" in text


def test_letters_helvetica_cannot_print_lose_only_their_accents():
    text = text_of(make_review([make_row(1, lead_officer="Łukasz Wiśniewski")]))

    assert "Lukasz Wisniewski" in text


def test_line_breaks_pasted_from_word_are_line_breaks_and_other_controls_are_dropped():
    text = text_of(make_review([make_row(1, narrative="One.\x0bTwo.\r\nThree.\x07")]))

    assert "One. Two. Three." in text
    assert "\x07" not in text


def test_a_narrative_longer_than_a_page_carries_on_over_pages():
    long_words = " ".join(f"word{n}" for n in range(3000))
    no_spaces = "x" * 8000
    rows = [make_row(1, rag="red", narrative=long_words), make_row(2, narrative=no_spaces)]

    text = text_of(make_review(rows))

    assert "word0 " in text
    assert "word2999" in text


def test_a_plan_with_no_actions_still_has_a_pack():
    pdf = build_pack(make_review([]), PARTNERSHIP)

    assert pdf.startswith(b"%PDF-")


def test_a_first_quarters_pack_has_no_previous_quarter():
    text = text_of(make_review([make_row(1, rag="red", previous_rag=None)], quarter=1))

    assert "Quarterly review: Q1 2017-18 (April to June 2017)" in text
    assert "Q0" not in text
    assert "Since Q" not in text


def test_every_page_is_numbered_n_of_the_total():
    pdf = build_pack(make_review([make_row(n) for n in range(1, 60)]), PARTNERSHIP, compress=False)

    pages = len(re.findall(rb"/Type /Page\b", pdf))
    text = pdf_text(pdf)
    assert pages > 6
    for n in range(1, pages + 1):
        assert f"Page {n} of" in text
    # The total is drawn once, in a form every footer shows.
    assert f"({pages}) Tj".encode() in pdf


def test_the_contents_give_the_page_each_section_starts_on():
    pdf = build_pack(make_review(), PARTNERSHIP, compress=False)

    text = pdf_text(pdf)
    contents = text[text.index("Contents") : text.rindex("Headline figures")]
    for heading in SECTIONS:
        assert heading in contents
    # Each section's page number is a form named for it, drawn in the contents.
    assert len(re.findall(rb"/FormXob\.\w*contents", pdf)) >= len(SECTIONS)
    assert b"/Outlines" in pdf  # and bookmarks to them


def test_the_action_table_is_on_landscape_pages():
    pdf = build_pack(make_review(), PARTNERSHIP, compress=False)

    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in pdf  # landscape
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # portrait


def test_the_document_has_a_title_author_and_language():
    pdf = build_pack(make_review(), PARTNERSHIP, compress=False)

    assert b"/Title (Safer Lewisham Plan 17-18: quarterly review Q3 2017-18)" in pdf
    assert b"/Author (Safer Lewisham Partnership)" in pdf
    assert b"/Lang (en-GB)" in pdf
    assert b"/DisplayDocTitle true" in pdf


def test_the_charts_carry_their_numbers_not_only_colours():
    rows = [make_row(n, rag=rag) for n, rag in enumerate(["red", "red", "amber", "green"], 1)]

    text = text_of(make_review(rows))

    charts = text[text.index("RAG ratings by strand") :]
    assert "Red (off track) Amber (at risk) Green (on track) Blue (complete) Not updated" in charts
    assert "Violence against women and girls (4 actions) 2 1 1" in charts
