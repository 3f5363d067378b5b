"""The legal pages' text format: plain text that anyone can write in a text box, read into
blocks that a template draws (legal/includes/blocks.html). What was typed is never taken as
HTML: every character of it is shown as written.

- A blank line ends a paragraph; lines next to each other make one paragraph.
- A line starting "## " is a heading; "### " a smaller heading, inside the one above.
- Lines starting "- " are the items of a list, one item a line.
- An e-mail address or a web address starting https:// (or http://) becomes a link.
"""

import re
from dataclasses import dataclass, field

HEADING = "## "
SUBHEADING = "### "
ITEM = "- "
# The links a text may hold: web addresses (a trailing full stop, comma, bracket... ends the
# sentence, not the address) and e-mail addresses. Nothing else: no javascript: or data: link
# can come from what was typed.
LINKABLE = re.compile(
    r"(?P<url>https?://[^\s<>\"]*[^\s<>\".,;:!?)\]'’”])"
    r"|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
)


@dataclass(frozen=True)
class Run:
    """A piece of a line: text, and the address it links to if it is one ("" if not)."""

    text: str
    href: str = ""


@dataclass
class Block:
    """A heading (level 2 or 3), a paragraph, or a list (its items, each a list of runs)."""

    kind: str  # "heading", "paragraph" or "list"
    runs: list[Run] = field(default_factory=list)
    items: list[list[Run]] = field(default_factory=list)
    level: int = 2


def runs_of(text: str) -> list[Run]:
    """The text cut into plain runs and links."""
    runs, position = [], 0
    for found in LINKABLE.finditer(text):
        if found.start() > position:
            runs.append(Run(text[position : found.start()]))
        if found["email"]:
            runs.append(Run(found["email"], "mailto:" + found["email"]))
        else:
            runs.append(Run(found["url"], found["url"]))
        position = found.end()
    if position < len(text):
        runs.append(Run(text[position:]))
    return runs


def blocks_of(text: str) -> list[Block]:
    """The blocks of a text in the format above, in order."""
    blocks: list[Block] = []
    paragraph: list[str] = []  # the lines of the paragraph being read
    current_list: Block | None = None

    def end_paragraph():
        if paragraph:
            blocks.append(Block("paragraph", runs_of(" ".join(paragraph))))
            paragraph.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            end_paragraph()
            current_list = None
            continue
        for marker, level in ((SUBHEADING, 3), (HEADING, 2)):
            if line.startswith(marker) and line[len(marker) :].strip():
                end_paragraph()
                current_list = None
                blocks.append(Block("heading", runs_of(line[len(marker) :].strip()), level=level))
                break
        else:
            if line.startswith(ITEM) and line[len(ITEM) :].strip():
                end_paragraph()
                if current_list is None:
                    current_list = Block("list")
                    blocks.append(current_list)
                current_list.items.append(runs_of(line[len(ITEM) :].strip()))
            else:
                current_list = None
                paragraph.append(line)
    end_paragraph()
    return blocks


def problems_of(text: str) -> list[str]:
    """What in a text would not show as its writer probably meant, in words for them: a line
    that starts with "#" but is not a heading of the format, a heading or list item with no
    words."""
    problems = []
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if line in {"##", "###", "-"}:
            problems.append(
                f"Line {number} starts a heading or list item but has no words after it"
            )
        elif line.startswith("#") and not (
            line.startswith((HEADING, SUBHEADING)) and line.lstrip("#").strip()
        ):
            problems.append(
                f"Line {number} starts with “#” but is not a heading: start a heading with “## ” "
                "(two # and a space), or a smaller one with “### ”"
            )
    return problems
