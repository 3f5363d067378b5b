"""The columns an imported spreadsheet may have: their headings, the other ways people head them,
and what to write in them. The reader (reading.py), the template (template.py) and the
documentation (docs/importing.md) all follow this one list."""

import re
from dataclasses import dataclass

# What a "Completed" cell may hold to mean complete, or not (yet), besides a completion status's
# name. Compared after trimming and ignoring case.
COMPLETE_WORDS = frozenset(
    {"✓", "√", "✔", "☑", "✅", "yes", "y", "done", "complete", "completed", "true"}
)
NOT_COMPLETE_WORDS = frozenset({"", "no", "n", "✗", "✘", "false"})


@dataclass(frozen=True)
class Column:
    key: str  # the name the code uses
    heading: str  # as the template heads it
    aliases: tuple[str, ...]  # other headings that mean the same column
    required: bool
    help: str  # what to write, for the template's "How to fill it in" sheet

    @property
    def names(self) -> set[str]:
        return {heading_key(name) for name in (self.heading, *self.aliases)}


COLUMNS = (
    Column(
        "reference",
        "Reference",
        ("Ref", "Ref no", "Action reference", "Action ref"),
        False,
        "A short reference people quote in meetings, e.g. “1.4”; unique within its strand. An "
        "action already in the plan is found by its strand and reference (or, without one, by "
        "its strand and text) and updated.",
    ),
    Column(
        "priority",
        "Priority",
        (),
        True,
        "The priority the action belongs to, e.g. “Violence”, written as the plan names it.",
    ),
    Column(
        "strand",
        "Strand",
        (),
        True,
        "The strand of that priority, e.g. “Violence against women and girls”.",
    ),
    Column(
        "theme",
        "Theme",
        (),
        False,
        "How the action is grouped within its strand, e.g. “Prevention”. Leave blank for none.",
    ),
    Column(
        "action",
        "Action",
        ("Action text", "Actions"),
        True,
        "What will be done, as the plan words it.",
    ),
    Column(
        "sub_items",
        "Sub-items",
        ("Sub items", "Subitems"),
        False,
        "The action's lettered list, one item per line: “a) text”, “(a) text”, “a. text” or "
        "“1) text”. A line without a label continues the item above it; if no line has a "
        "label, the lines are lettered a, b, c… in order.",
    ),
    Column(
        "lead_agency",
        "Lead agency",
        ("Lead", "Lead organisation"),
        False,
        "The agency that leads the action: its name or short name as admin lists it under "
        "Agencies, e.g. “Met Police”. A spelling close to one agency's name is accepted with a "
        "warning.",
    ),
    Column(
        "lead_officer",
        "Lead officer",
        ("Officer", "Responsible officer"),
        False,
        "The person who leads it: their full name, username or e-mail address. Someone the "
        "service does not know is left out, with a warning.",
    ),
    Column(
        "partners",
        "Partners",
        ("Partner agencies", "Partner"),
        False,
        "The partner agencies, separated by semicolons or one per line (or by commas when there "
        "is no semicolon), e.g. “NPS; London CRC”.",
    ),
    Column(
        "timeframe",
        "Timeframe",
        ("Time frame", "Timescale", "Timescales"),
        False,
        "When it will be done, in words, e.g. “March 18”, “Sept 17 March 18”, “Review "
        "quarterly”. Kept as written; a date typed as a date becomes words such as “31 March "
        "2018”.",
    ),
    Column(
        "completed",
        "Completed",
        ("Completion", "Complete", "Done", "Completion status"),
        False,
        "A tick (✓ √ ✔ ☑ ✅), “Yes”, “Y”, “Done”, “Complete” or TRUE for complete; blank, “No”, "
        "“N”, ✗ or FALSE for not complete; or the name of a completion status, e.g. “In "
        "progress” or “Complete with caveats”.",
    ),
    Column(
        "completion_note",
        "Completion note",
        ("Note on completion",),
        False,
        "Qualifies the completion, e.g. “within YOS and CER”.",
    ),
)

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED = tuple(column for column in COLUMNS if column.required)


def heading_key(text) -> str:
    """A heading as compared: ignoring case, spaces and punctuation ("Sub-items" = "sub items")."""
    return re.sub(r"[\W_]+", "", str(text or "").casefold())


_KEYS = {name: column for column in COLUMNS for name in column.names}


def column_for(heading) -> Column | None:
    """The column a heading names, or None for one the import does not read."""
    return _KEYS.get(heading_key(heading))
