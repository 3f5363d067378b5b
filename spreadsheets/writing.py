"""Writing text into the service's own spreadsheets so that no spreadsheet runs it: text that
starts like a formula ("=", "+", "-", "@", a tab or a carriage return) is stored as text with
Excel's quote prefix, which spreadsheets/reading.py reads back as the text it holds (OWASP's
advice on formula injection)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def put_text(cell, text: str):
    """``text`` in an openpyxl cell, always as text, never a formula nor an error (#N/A)."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell
