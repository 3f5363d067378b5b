"""Downloading, filling in and uploading the progress spreadsheet as an officer does, in tests."""

import csv
import re
from io import BytesIO, StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from bulkupdates.columns import COLUMNS

HEADINGS = [column.heading for column in COLUMNS]


def download(client, plan, quarter):
    response = client.get(reverse("bulkupdates:download", args=[plan.slug, quarter]))
    assert response.status_code == 200, response.content[:500]
    return response.content


def rows_of(content) -> list[dict]:
    """The Progress sheet's rows, by heading."""
    sheet = load_workbook(BytesIO(content))["Progress"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADINGS
    return [dict(zip(HEADINGS, row, strict=False)) for row in values[1:]]


def filled(content, changes: dict) -> bytes:
    """The workbook with cells changed: {action id: {heading: value}}."""
    workbook = load_workbook(BytesIO(content))
    sheet = workbook["Progress"]
    id_column = HEADINGS.index("Action number") + 1
    for row in range(2, sheet.max_row + 1):
        action_id = sheet.cell(row=row, column=id_column).value
        for heading, value in changes.get(action_id, {}).items():
            sheet.cell(row=row, column=HEADINGS.index(heading) + 1).value = value
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def as_csv(content) -> bytes:
    """The Progress sheet saved as CSV, as Excel's "Save as CSV UTF-8" does."""
    sheet = load_workbook(BytesIO(content))["Progress"]
    text = StringIO()
    writer = csv.writer(text)
    for row in sheet.iter_rows(values_only=True):
        writer.writerow(["" if value is None else value for value in row])
    return text.getvalue().encode("utf-8-sig")


def upload(client, content, name="progress.xlsx"):
    return client.post(
        reverse("bulkupdates:start"), {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def digest(response) -> str:
    match = re.search(r'name="digest" value="([0-9a-f]+)"', response.content.decode())
    assert match, "no confirm button"
    return match.group(1)


def confirm(client, response, **kwargs):
    """Press the preview's confirm button."""
    url = response.redirect_chain[-1][0] if getattr(response, "redirect_chain", None) else None
    url = url or response.request["PATH_INFO"]
    return client.post(url, {"digest": digest(response)}, **kwargs)
