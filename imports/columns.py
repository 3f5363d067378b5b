"""The columns an imported spreadsheet may have: their headings, the other ways people head them,
and what to write in them. The reader (reading.py), the template (template.py) and the
documentation (docs/importing.md) all follow this one list."""

import re
from dataclasses import dataclass

# The words a "Completed" or "RAG" cell may hold are actions/progress_words.py's, shared with
# the bulk progress upload.


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
        (
            "Ref",
            "Ref no",
            "Ref.",
            "No.",
            "No",
            "Number",
            "Action reference",
            "Action ref",
            "Action no",
            "Action number",
            "#",
            "ID",
        ),
        False,
        "A short reference people quote in meetings, e.g. “1.4”; unique within its strand. An "
        "action already in the plan is found by its strand and reference (or, without one, by "
        "its strand and text) and updated.",
    ),
    Column(
        "priority",
        "Priority",
        ("Priorities", "Priority area", "Strategic priority", "Priority theme"),
        False,
        "The priority the action belongs to, e.g. “Violence”, written as the plan names it. "
        "Without this column the preview proposes one: from the rows that head each group of "
        "actions, the sheet's name, or a name you give.",
    ),
    Column(
        "strand",
        "Strand",
        ("Strands", "Workstream", "Work stream", "Sub-priority", "Objective", "Objectives"),
        False,
        "The strand of that priority, e.g. “Violence against women and girls”. Without this "
        "column the preview proposes one, as for the priority.",
    ),
    Column(
        "theme",
        "Theme",
        ("Themes",),
        False,
        "How the action is grouped within its strand, e.g. “Prevention”. Leave blank for none.",
    ),
    Column(
        "action",
        "Action",
        (
            "Action text",
            "Actions",
            "Activity",
            "Activities",
            "What will be done",
            "What we will do",
            "What will we do",
            "Task",
            "Tasks",
            "Description",
            "Key actions",
            "Aims",
            "Aim",
            "Intervention",
            "Deliverable",
            "Deliverables",
        ),
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
        "outcome",
        "Outcome or measure",
        (
            "Outcome",
            "Outcomes",
            "Measure",
            "Measures",
            "Success measure",
            "Success measures",
            "Measure of success",
            "Measures of success",
            "Performance measure",
            "KPI",
            "KPIs",
            "Expected outcome",
            "Expected outcomes",
            "Impact",
            "Target",
            "Targets",
            "How will we know",
            "How we will know",
        ),
        False,
        "How the partnership will know the action worked, as the plan words it.",
    ),
    Column(
        "lead_agency",
        "Lead agency",
        (
            "Lead",
            "Lead organisation",
            "Lead partner",
            "Lead agencies",
            "Lead partners",
            "Owner",
            "Responsible agency",
            "Responsible organisation",
            "Who",
            "Lead body",
            "Responsibility",
        ),
        False,
        "The organisation that leads the action: its name, short name, initials or a name the "
        "partnership confirmed in an earlier import, e.g. “Met Police”. A joint lead (“LBB / "
        "Met”) makes the first the lead and the others partners, with a warning.",
    ),
    Column(
        "lead_officer",
        "Lead officer",
        ("Officer", "Responsible officer", "Lead person", "Named lead", "Contact", "Lead contact"),
        False,
        "The person who leads it: their full name, username or e-mail address. Someone the "
        "service does not know is left out, with a warning.",
    ),
    Column(
        "partners",
        "Partners",
        (
            "Partner agencies",
            "Partner",
            "Supporting partners",
            "Key partners",
            "Support",
            "Supported by",
            "Other partners",
            "Partners involved",
        ),
        False,
        "The partner organisations, separated by semicolons, slashes or one per line (or by "
        "commas when there is no semicolon), e.g. “NPS; London CRC”.",
    ),
    Column(
        "timeframe",
        "Timeframe",
        (
            "Time frame",
            "Timescale",
            "Timescales",
            "Target date",
            "End date",
            "By when",
            "Deadline",
            "Due date",
            "Due",
            "When",
            "Date",
            "Completion date",
            "Target completion",
            "Target completion date",
            "Time scale",
            "Timing",
            "Delivery date",
        ),
        False,
        "When it will be done, in words, e.g. “March 18”, “Within six months”, “November "
        "annually”, “Q2 2023/24”, “TBC”. Kept as written; a date cell keeps the text the "
        "spreadsheet shows, e.g. “Apr-25”.",
    ),
    Column(
        "rag",
        "RAG rating",
        (
            "RAG",
            "RAG status",
            "RAG rating",
            "Rating",
            "BRAG",
            "RAG score",
            "Progress RAG",
            "Current RAG",
        ),
        False,
        "The action's progress rating for the quarter the preview names: Red, Amber, Green or "
        "Blue (complete), or “Off track”, “At risk”, “On track”, “Complete”. It becomes the "
        "action's progress update for that quarter.",
    ),
    Column(
        "completed",
        "Completed",
        (
            "Completion",
            "Complete",
            "Done",
            "Completion status",
            "Status",
            "Progress status",
            "Current status",
            "Action status",
        ),
        False,
        "A tick (✓), “Yes”, “Complete”, “Completed”, “Complete (and ongoing)”, “In progress”, "
        "“Not started”, or the name of a completion status, e.g. “Complete with caveats”.",
    ),
    Column(
        "completion_note",
        "Completion note",
        ("Note on completion",),
        False,
        "Qualifies the completion, e.g. “within YOS and CER”.",
    ),
    Column(
        "progress",
        "Progress",
        (
            "Progress update",
            "Update",
            "Updates",
            "Latest update",
            "Comments",
            "Comment",
            "Commentary",
            "Progress narrative",
            "Narrative",
            "Progress to date",
            "Notes",
            "Progress comments",
            "Update on progress",
            "Current position",
        ),
        False,
        "What has happened this quarter, in words. It becomes the narrative of the action's "
        "progress update for the quarter the preview names (required for red and amber).",
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
