"""Reading a list of people to invite from an uploaded CSV or Excel (.xlsx, .xls) file: one row per
person, with columns for the name, the e-mail address, the organisation and the role (in any
order, headed with those words; title rows above the headings are skipped). Every row comes back
with what is wrong with it, for the preview; nothing is sent from here."""

from dataclasses import dataclass, field

from agencies.models import Agency
from partnerships.models import Role
from spreadsheets.reading import UnreadableFile, read_workbook

from .inviting import Invitee, problems_with

# Big enough for any partnership's people (Lewisham's plan names about 40 organisations).
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
# Where the headings may be: title rows above them are skipped.
HEADING_ROWS_SEARCHED = 10

# The words a heading may use for each column (lower case, spaces and punctuation as typed).
HEADINGS = {
    "name": {"name", "full name", "person", "officer", "officer name", "contact name"},
    "email": {"e-mail", "email", "e-mail address", "email address", "work e-mail", "work email"},
    "organisation": {"organisation", "organization", "agency", "partner", "organisation name"},
    "role": {"role", "their role", "access", "role in the partnership"},
}
REQUIRED = ("name", "email", "role")

# The words a role cell may hold, as people write them.
ROLE_WORDS = {
    "administrator": Role.ADMINISTRATOR,
    "admin": Role.ADMINISTRATOR,
    "plan administrator": Role.ADMINISTRATOR,
    "chair": Role.CHAIR,
    "member": Role.CHAIR,
    "chair or member": Role.CHAIR,
    "board member": Role.CHAIR,
    "officer": Role.OFFICER,
    "lead officer": Role.OFFICER,
}


class NotASpreadsheet(Exception):
    """The file cannot be read as a list of people: the message says why and what to do."""


@dataclass
class Row:
    """One person of the file, as typed, with what it means and what is wrong with it."""

    number: int  # the row's number in the file, as the spreadsheet shows it
    name: str
    email: str
    organisation: str
    role_text: str
    role: str = ""
    agency: Agency | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def invitee(self) -> Invitee:
        return Invitee(name=self.name, email=self.email, role=self.role, agency=self.agency)


def read_people(upload, partnership) -> list[Row]:
    """The rows of an uploaded file, each checked (``Row.problems``), or NotASpreadsheet."""
    content = upload.read()
    try:
        # The same reader as every upload: the size, the kind of file and zip bombs checked.
        workbook = read_workbook(upload.name or "", content, max_bytes=MAX_BYTES)
    except UnreadableFile as error:
        raise NotASpreadsheet(str(error)) from None
    sheet = workbook.sheet(None)
    # A formula's text is never taken as a name or an address: its cell reads as empty.
    table = [["" if cell.formula else cell.shown for cell in row] for row in sheet.rows]
    return check(_people(table), partnership)


def _heading_key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").rstrip(":.").split())


def _headings(table: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The index of the heading row (the first of the first rows to name the required
    columns) and the position of each column it names."""
    for index, cells in enumerate(table[:HEADING_ROWS_SEARCHED]):
        columns = {}
        for position, cell in enumerate(cells):
            key = _heading_key(cell)
            for column, words in HEADINGS.items():
                if key in words and column not in columns:
                    columns[column] = position
        if all(column in columns for column in REQUIRED):
            return index, columns
    raise NotASpreadsheet(
        "The file has no row of headings naming the columns Name, E-mail and Role "
        "(and Organisation for officers): add one above the people"
    )


def _people(table: list[list[str]]) -> list[Row]:
    """The people of a table: one per row under its headings, blank rows left out."""
    index, columns = _headings(table)
    rows = []
    for number, cells in enumerate(table[index + 1 :], start=index + 2):
        values = {
            column: (cells[position].strip() if position < len(cells) else "")
            for column, position in columns.items()
        }
        if not any(values.values()):
            continue  # a blank row
        rows.append(
            Row(
                number=number,
                name=values.get("name", ""),
                email=values.get("email", ""),
                organisation=values.get("organisation", ""),
                role_text=values.get("role", ""),
            )
        )
    if not rows:
        raise NotASpreadsheet("The file has headings but nobody under them")
    if len(rows) > MAX_ROWS:
        raise NotASpreadsheet(
            f"The file lists {len(rows)} people: invite at most {MAX_ROWS} at a time"
        )
    return rows


def _words(text: str) -> str:
    return " ".join(text.strip().lower().rstrip(".").split())


def check(rows: list[Row], partnership) -> list[Row]:
    """Fill in each row's role, organisation and problems, in the partnership in force; a
    second row with the same e-mail address is a problem of its own."""
    partners = list(Agency.objects.filter(is_active=True))
    by_words = {}
    for agency in partners:
        for text in (agency.name, agency.short_name):
            if text:
                by_words.setdefault(_words(text), agency)
    seen = {}
    for row in rows:
        row.problems = []
        row.role = ROLE_WORDS.get(_words(row.role_text), "")
        row.agency = by_words.get(_words(row.organisation)) if row.organisation else None
        if row.role_text and not row.role:
            row.problems.append(
                f"“{row.role_text}” is not a role: write administrator, chair, member or officer"
            )
        elif not row.role_text:
            row.problems.append("Enter their role: administrator, chair, member or officer")
        if row.organisation and row.agency is None:
            row.problems.append(
                f"“{row.organisation}” is not one of {partnership.name}’s partner "
                "organisations: use its name as the list of organisations shows it"
            )
        own = problems_with(partnership, row.invitee)
        # The role problems are said above, in the file's words.
        row.problems += [problem for problem in own if not problem.startswith("Choose their role")]
        if row.organisation and row.agency is None:
            row.problems = [
                problem
                for problem in row.problems
                if problem != "Choose the organisation an officer works for"
            ]
        key = row.email.strip().lower()
        if key:
            if key in seen:
                row.problems.append(f"{row.email} is also on row {seen[key]}: invite them once")
            else:
                seen[key] = row.number
    return rows
