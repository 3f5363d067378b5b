"""The progress spreadsheet's columns, which the download writes and the upload reads: one list,
so that the two cannot disagree.

Three kinds: what the officer reads (shaded, not read back), what they fill in, and hidden
columns that carry which action, plan and quarter each row is about, the versions of the action
and of the quarter's update as downloaded (the version check of actions/concurrency.py), and a
fingerprint of the values as downloaded (so that a row nobody changed is not recorded again).
"""

import hashlib
import json
from dataclasses import dataclass

from actions.progress_words import plain
from spreadsheets.reading import clean_text

READ = "read"
FILL = "fill"
HIDDEN = "hidden"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: str
    width: int = 12


COLUMNS = [
    Column("reference", "Reference", READ, 11),
    Column("priority", "Priority", READ, 18),
    Column("strand", "Strand", READ, 24),
    Column("action", "Action", READ, 50),
    Column("lead", "Lead", READ, 24),
    Column("timeframe", "Timeframe", READ, 16),
    Column("previous_rag", "Previous RAG rating", READ, 18),
    Column("previous_narrative", "Previous narrative", READ, 40),
    Column("rag_rating", "RAG rating", FILL, 18),
    Column("completion", "Completion", FILL, 18),
    Column("completion_note", "Completion note", FILL, 24),
    Column("narrative", "Progress narrative", FILL, 60),
    Column("internal", "Keep narrative internal", FILL, 14),
    Column("action_id", "Action number", HIDDEN),
    Column("action_version", "Action version", HIDDEN),
    Column("update_version", "Update version", HIDDEN),
    Column("plan_id", "Plan number", HIDDEN),
    Column("quarter", "Quarter", HIDDEN),
    Column("fingerprint", "Fingerprint", HIDDEN, 22),
]
BY_KEY = {column.key: column for column in COLUMNS}
# The columns an upload must have: what it records and what it is checked with.
NEEDED = [column for column in COLUMNS if column.kind != READ]

YES, NO = "Yes", "No"
YES_WORDS = {"yes", "y", "true", "internal", "1"}
NO_WORDS = {"no", "n", "false", "public", "0", ""}


def heading_key(text) -> str:
    """A heading as compared: "Progress narrative", "progress  narrative." are the same."""
    return plain(text)


KEYS_BY_HEADING = {heading_key(column.heading): column.key for column in COLUMNS}


def same_text(text) -> str:
    """Text as the upload reads it back (spreadsheets.reading.clean_text), so that a narrative
    nobody changed compares equal to the one downloaded."""
    return clean_text(str(text or ""))


def fingerprint(
    action_id: int,
    quarter: int,
    rag: str | None,
    completion_id: int | None,
    completion_note: str,
    narrative: str,
    internal: bool,
) -> str:
    """A short digest of a row's values, written at download and recomputed at upload: the
    same values give the same fingerprint."""
    values = [
        action_id,
        quarter,
        rag or "",
        completion_id,
        same_text(completion_note),
        same_text(narrative),
        bool(internal),
    ]
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()[:20]
