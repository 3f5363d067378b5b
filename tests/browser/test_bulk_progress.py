"""Issue point 7's journey in real Chromium: an officer downloads their actions as a spreadsheet,
fills two rows in offline while a colleague saves one of those actions, uploads it, sees the
one conflict with both texts side by side, confirms, and the other row is recorded."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from actions.models import Action, ProgressUpdate
from actions.progress import Progress, record_progress
from tests.browser.test_every_page import _check_html
from tests.bulkupdates.sheets import HEADINGS, filled
from tests.factories import completion_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_officer_updates_progress_from_a_spreadsheet(
    page, live_server, demo_data, sign_in, axe_check, tmp_path
):
    saved_pages = []

    def check(label):
        assert axe_check(page) == [], label
        name = f"bulk-{len(saved_pages):02d}.html"
        (tmp_path / name).write_text(page.content(), encoding="utf-8")
        saved_pages.append((name, label))

    sign_in(page, "officer")
    expect(page).to_have_url(re.compile(r"/p/lewisham/actions/mine/$"))
    page.get_by_role("link", name="Update progress from a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update progress from a spreadsheet")
    check("the page to download and upload")

    with page.expect_download() as downloading:
        page.get_by_role(
            "link", name=re.compile(r"Download the spreadsheet for Q4 2017-18")
        ).click()
    content = Path(downloading.value.path()).read_bytes()
    sheet = load_workbook(BytesIO(content))["Progress"]
    ids = [
        row[HEADINGS.index("Action number")] for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert len(ids) > 2
    stale, fresh = ids[0], ids[1]
    content = filled(
        content,
        {
            stale: {"RAG rating": "Amber", "Progress narrative": "Mine: the venue fell through."},
            fresh: {"RAG rating": "Green", "Progress narrative": "Mine: all three sessions held."},
        },
    )

    # Meanwhile a colleague records progress on the first of them.
    action = Action.objects.get(pk=stale)
    current = ProgressUpdate.objects.filter(action=action, quarter=4).first()
    record_progress(
        action,
        Progress(
            quarter=4,
            rag_rating="red",
            narrative="Theirs: cancelled by the venue.",
            completion_status=completion_status("in-progress"),
            completion_note="",
        ),
        author=action.lead_officer,
        action_version=action.version,
        update_version=current.version if current else None,
    )

    page.set_input_files(
        "input[type=file]",
        files=[{"name": "my-progress.xlsx", "mimeType": XLSX, "buffer": content}],
    )
    page.get_by_role("button", name="Check the spreadsheet").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your progress updates")
    expect(page.get_by_text("1 to record", exact=True)).to_be_visible()
    conflicts = page.locator("#conflicts ~ .govuk-summary-card")
    expect(conflicts).to_have_count(1)
    expect(conflicts).to_contain_text("Mine: the venue fell through.")
    expect(conflicts).to_contain_text("Theirs: cancelled by the venue.")
    expect(conflicts.get_by_role("heading", name="Yours")).to_be_visible()
    expect(conflicts.get_by_role("heading", name="Saved now")).to_be_visible()
    check("the preview with one conflict")

    page.get_by_role("button", name="Record 1 progress update").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("1 progress update recorded")
    expect(page.get_by_text("Theirs: cancelled by the venue.")).to_be_visible()
    check("what was recorded, with the conflict again")
    assert ProgressUpdate.objects.get(action_id=fresh, quarter=4).narrative == (
        "Mine: all three sessions held."
    )
    assert ProgressUpdate.objects.get(action_id=stale, quarter=4).narrative == (
        "Theirs: cancelled by the venue."
    )
    _check_html(tmp_path, saved_pages)
