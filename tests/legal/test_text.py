"""The legal pages' text format (legal/text.py): what a typed text becomes, and the problems an
administrator is told about."""

from legal.text import Run, blocks_of, problems_of


def test_lines_next_to_each_other_make_one_paragraph_and_a_blank_line_ends_it():
    blocks = blocks_of("First line\nsame paragraph.\n\nSecond paragraph.")

    assert [(b.kind, b.runs) for b in blocks] == [
        ("paragraph", [Run("First line same paragraph.")]),
        ("paragraph", [Run("Second paragraph.")]),
    ]


def test_two_and_three_hashes_make_headings_of_two_levels():
    blocks = blocks_of("## Who we are\n### Contact\nText")

    assert [(b.kind, b.level, b.runs) for b in blocks] == [
        ("heading", 2, [Run("Who we are")]),
        ("heading", 3, [Run("Contact")]),
        ("paragraph", 2, [Run("Text")]),
    ]


def test_lines_starting_with_a_dash_are_one_list():
    blocks = blocks_of("We hold:\n- your name\n- your e-mail address\nAfter the list.")

    assert [b.kind for b in blocks] == ["paragraph", "list", "paragraph"]
    assert blocks[1].items == [[Run("your name")], [Run("your e-mail address")]]


def test_a_blank_line_between_items_starts_another_list():
    blocks = blocks_of("- one\n\n- two")

    assert [len(b.items) for b in blocks] == [1, 1]


def test_email_and_web_addresses_become_links_without_the_full_stop_after_them():
    (block,) = blocks_of("E-mail csp@example.gov.uk or see https://ico.org.uk/make-a-complaint/.")

    assert block.runs == [
        Run("E-mail "),
        Run("csp@example.gov.uk", "mailto:csp@example.gov.uk"),
        Run(" or see "),
        Run("https://ico.org.uk/make-a-complaint/", "https://ico.org.uk/make-a-complaint/"),
        Run("."),
    ]


def test_no_other_kind_of_address_becomes_a_link():
    (block,) = blocks_of("javascript:alert(1) and <a href='data:text/html,x'>x</a>")

    assert all(run.href == "" for run in block.runs)


def test_windows_line_ends_read_as_line_ends():
    blocks = blocks_of("## Heading\r\n\r\nText")

    assert [b.kind for b in blocks] == ["heading", "paragraph"]


def test_a_hash_line_that_is_not_a_heading_is_a_problem_naming_its_line():
    problems = problems_of("Fine\n# Title\n#Title\n#### Title\n## Good heading")

    assert len(problems) == 3
    assert problems[0].startswith("Line 2 starts with “#” but is not a heading")
    assert problems[1].startswith("Line 3 ")
    assert problems[2].startswith("Line 4 ")


def test_a_heading_or_item_with_no_words_is_a_problem():
    assert problems_of("##\n-\n###") == [
        f"Line {n} starts a heading or list item but has no words after it" for n in (1, 2, 3)
    ]


def test_a_text_in_the_format_has_no_problems():
    assert problems_of("## Heading\n\n### Smaller\n\n- item\n\nText with #hashtag and - dash") == []
