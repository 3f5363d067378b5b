"""Recording a quarter's progress on many actions from a spreadsheet: the download, the upload's
preview row by row, and the confirmation, which records every row to record or none."""

import pytest
from django.urls import reverse

from actions.models import Action, ProgressUpdate
from actions.progress import Progress, record_progress
from bulkupdates.models import ProgressUpload
from tests.bulkupdates.sheets import (
    as_csv,
    confirm,
    digest,
    download,
    filled,
    rows_of,
    upload,
)
from tests.closing import close_quarter
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    PartnershipFactory,
    ProgressUpdateFactory,
    StrandFactory,
    UserFactory,
    completion_status,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db

QUARTER = 3


@pytest.fixture
def strand(led_action):
    return led_action.strand


@pytest.fixture
def second_action(strand, lead_agency):
    return ActionFactory(strand=strand, lead_agency=lead_agency, reference="1.2")


@pytest.fixture
def police_action(strand):
    """An action of the same plan that another agency leads."""
    return ActionFactory(strand=strand, lead_agency=AgencyFactory(name="Police"))


def someone_saves(action, narrative, quarter=QUARTER):
    """Another officer records progress on the action through the progress form's service."""
    action = Action.objects.get(pk=action.pk)
    update = ProgressUpdate.objects.filter(action=action, quarter=quarter).first()
    record_progress(
        action,
        Progress(
            quarter=quarter,
            rag_rating="red",
            narrative=narrative,
            completion_status=completion_status("in-progress"),
            completion_note="",
        ),
        author=UserFactory(username="colleague", first_name="Sam", last_name="Colleague"),
        action_version=action.version,
        update_version=update.version if update else None,
    )


# Downloading ------------------------------------------------------------------------------------


def test_the_download_lists_the_officers_actions_with_their_versions(
    officer_client, led_action, second_action, police_action
):
    ProgressUpdateFactory(action=led_action, quarter=2, rag_rating="amber", narrative="Slipping.")
    this_quarter = ProgressUpdateFactory(
        action=second_action,
        quarter=QUARTER,
        rag_rating="green",
        narrative="On course.",
        internal=True,
    )

    rows = rows_of(download(officer_client, led_action.plan, QUARTER))

    assert [row["Action number"] for row in rows] == [led_action.pk, second_action.pk]
    first, second = rows
    # No update for the quarter yet: the latest earlier one's, to edit.
    assert first["Previous RAG rating"] == "Amber (Q2 2017-18)"
    assert first["RAG rating"] == "Amber (at risk)"
    assert first["Progress narrative"] == "Slipping."
    assert first["Update version"] is None
    assert first["Action version"] == led_action.version
    assert first["Completion"] == "Not started"
    assert first["Keep narrative internal"] == "No"
    # This quarter's update, to amend.
    assert second["RAG rating"] == "Green (on track)"
    assert second["Progress narrative"] == "On course."
    assert second["Keep narrative internal"] == "Yes"
    assert second["Update version"] == this_quarter.version
    assert {row["Plan number"] for row in rows} == {led_action.plan.pk}
    assert {row["Quarter"] for row in rows} == {QUARTER}


def test_the_download_neutralises_text_that_would_be_a_formula(officer_client, led_action):
    ProgressUpdateFactory(action=led_action, quarter=QUARTER, narrative='=HYPERLINK("x")')
    from io import BytesIO

    from openpyxl import load_workbook

    content = download(officer_client, led_action.plan, QUARTER)
    sheet = load_workbook(BytesIO(content))["Progress"]
    cell = sheet.cell(row=2, column=12)

    assert cell.value == '=HYPERLINK("x")'
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_the_page_offers_the_plans_open_quarters(officer_client, led_action):
    response = officer_client.get(reverse("bulkupdates:start"))

    assert response.status_code == 200
    assert "Download the spreadsheet for Q4 2017-18" in text_of(response)
    assert (
        reverse("bulkupdates:download", args=[led_action.plan.slug, 1]) in response.content.decode()
    )


def test_a_closed_quarter_cannot_be_downloaded(officer_client, led_action, member):
    close_quarter(led_action.plan, 2, by=member)

    response = officer_client.get(reverse("bulkupdates:download", args=[led_action.plan.slug, 2]))

    assert response.status_code == 400
    assert "closed" in text_of(response)


def test_an_officer_with_no_actions_in_the_plan_is_told(client, other_officer, led_action):
    client.force_login(other_officer)

    response = client.get(reverse("bulkupdates:download", args=[led_action.plan.slug, 3]))

    assert response.status_code == 403
    assert "You have no actions to update in this plan" in text_of(response)


def test_members_may_not_use_it(member_client):
    assert member_client.get(reverse("bulkupdates:start")).status_code == 403


# Uploading and recording ------------------------------------------------------------------------


def test_an_unchanged_spreadsheet_records_nothing(officer_client, led_action, second_action):
    ProgressUpdateFactory(action=led_action, quarter=QUARTER)

    response = upload(officer_client, download(officer_client, led_action.plan, QUARTER))

    assert response.status_code == 200
    page = text_of(response)
    assert "0 to record" in page
    assert "2 unchanged" in page
    assert "There is nothing to record." in page
    assert 'name="digest"' not in response.content.decode()


def test_changed_rows_are_recorded_with_where_they_came_from(
    officer, officer_client, led_action, second_action
):
    content = download(officer_client, led_action.plan, QUARTER)
    content = filled(
        content,
        {
            led_action.pk: {"RAG rating": "Amber.", "Progress narrative": "Two posts vacant."},
            second_action.pk: {
                "RAG rating": "On track",
                "Completion": "In progress",
                "Completion note": "within YOS",
                "Keep narrative internal": "Yes",
            },
        },
    )

    preview = upload(officer_client, content, name="my progress.xlsx")
    page = text_of(preview)
    assert "2 to record" in page
    assert "Two posts vacant." in page
    response = confirm(officer_client, preview, follow=True)

    assert "2 progress updates recorded" in text_of(response)
    first = ProgressUpdate.objects.get(action=led_action, quarter=QUARTER)
    assert (first.rag_rating, first.narrative, first.author) == (
        "amber",
        "Two posts vacant.",
        officer,
    )
    second = ProgressUpdate.objects.get(action=second_action, quarter=QUARTER)
    assert (second.rag_rating, second.internal) == ("green", True)
    second_action.refresh_from_db()
    assert second_action.completion_status.slug == "in-progress"
    assert second_action.completion_note == "within YOS"
    assert first.history.latest().history_change_reason == "Uploaded in my progress.xlsx"
    assert led_action.history.latest().history_change_reason == "Uploaded in my progress.xlsx"
    assert ProgressUpload.objects.get().status == ProgressUpload.Status.APPLIED


def test_a_stale_row_is_shown_as_a_conflict_and_the_others_are_recorded(
    officer_client, led_action, second_action
):
    content = filled(
        download(officer_client, led_action.plan, QUARTER),
        {
            led_action.pk: {"RAG rating": "Green", "Progress narrative": "My text for one."},
            second_action.pk: {"RAG rating": "Green", "Progress narrative": "My text for two."},
        },
    )
    someone_saves(led_action, "Their text, saved meanwhile.")

    preview = upload(officer_client, content)
    page = text_of(preview)
    assert "1 to record" in page
    assert "1 changed by someone else since you downloaded the spreadsheet" in page
    assert "Yours" in page and "Saved now" in page
    assert "My text for one." in page and "Their text, saved meanwhile." in page
    assert "Sam Colleague saved this action after you downloaded the spreadsheet" in page
    response = confirm(officer_client, preview, follow=True)

    page = text_of(response)
    assert "1 progress update recorded" in page
    assert "My text for one." in page and "Their text, saved meanwhile." in page
    assert ProgressUpdate.objects.get(action=led_action, quarter=QUARTER).narrative == (
        "Their text, saved meanwhile."
    )
    assert ProgressUpdate.objects.get(action=second_action, quarter=QUARTER).narrative == (
        "My text for two."
    )


def test_a_confirmation_after_the_actions_changed_records_nothing(
    officer_client, led_action, second_action
):
    content = filled(
        download(officer_client, led_action.plan, QUARTER),
        {
            led_action.pk: {"RAG rating": "Green", "Progress narrative": "Mine."},
            second_action.pk: {"RAG rating": "Green", "Progress narrative": "Mine too."},
        },
    )
    preview = upload(officer_client, content)
    assert "2 to record" in text_of(preview)
    someone_saves(second_action, "Saved between the preview and the confirmation.")

    response = confirm(officer_client, preview)

    assert response.status_code == 409
    page = text_of(response)
    assert "Nothing has been recorded" in page
    assert "1 to record" in page and "1 changed by someone else" in page
    assert not ProgressUpdate.objects.filter(action=led_action).exists()
    assert ProgressUpload.objects.get().status == ProgressUpload.Status.PREVIEWED
    # Confirming the new preview records the row still to record.
    response = confirm(officer_client, response, follow=True)
    assert "1 progress update recorded" in text_of(response)
    assert ProgressUpdate.objects.get(action=led_action).narrative == "Mine."


def test_a_second_confirmation_records_nothing_more(officer_client, led_action):
    content = filled(
        download(officer_client, led_action.plan, QUARTER),
        {led_action.pk: {"RAG rating": "Green", "Progress narrative": "Once."}},
    )
    preview = upload(officer_client, content)
    confirm(officer_client, preview)

    response = confirm(officer_client, preview, follow=True)

    assert "already been recorded" in text_of(response)
    assert ProgressUpdate.objects.get(action=led_action).version == 1


def refusal(client, content):
    response = upload(client, content)
    assert response.status_code == 200
    assert 'name="digest"' not in response.content.decode()
    return text_of(response)


def test_someone_elses_action_is_refused(officer_client, led_action, police_action):
    content = filled(
        download(officer_client, led_action.plan, QUARTER),
        {led_action.pk: {"Action number": police_action.pk, "RAG rating": "Green"}},
    )

    assert "Not one of your actions" in refusal(officer_client, content)
    assert not ProgressUpdate.objects.exists()


def test_another_partnerships_action_is_refused_as_a_missing_one_is(officer_client, led_action):
    from partnerships.context import acting_in

    elsewhere = PartnershipFactory()
    with acting_in(elsewhere):
        foreign = ActionFactory(
            strand=StrandFactory(priority__plan__slug="elsewhere"),
            lead_agency=AgencyFactory(partner_of=[elsewhere]),
        )
    content = download(officer_client, led_action.plan, QUARTER)

    foreign_page = refusal(
        officer_client,
        filled(content, {led_action.pk: {"Action number": foreign.pk, "RAG rating": "Green"}}),
    )
    missing_page = refusal(
        officer_client,
        filled(content, {led_action.pk: {"Action number": 987654, "RAG rating": "Green"}}),
    )

    reason = (
        f"Not an action of {led_action.plan.title}: the row’s hidden action number has been "
        "changed, or the row was copied from another spreadsheet."
    )
    assert reason in foreign_page
    assert reason in missing_page
    assert foreign.text not in foreign_page


def test_a_closed_quarter_is_refused(officer_client, led_action, member):
    content = filled(
        download(officer_client, led_action.plan, 2),
        {led_action.pk: {"RAG rating": "Green"}},
    )
    close_quarter(led_action.plan, 2, by=member)

    page = refusal(officer_client, content)

    assert "Q2 2017-18 was closed" in page or "closed" in page
    assert not ProgressUpdate.objects.exists()


def test_amber_without_a_narrative_is_refused_in_the_forms_words(officer_client, led_action):
    content = filled(
        download(officer_client, led_action.plan, QUARTER),
        {led_action.pk: {"RAG rating": "Amber", "Progress narrative": None}},
    )

    assert "Enter a narrative explaining why this action is amber" in refusal(
        officer_client, content
    )


def test_words_the_service_does_not_know_are_refused(officer_client, led_action, second_action):
    content = filled(
        download(officer_client, led_action.plan, QUARTER),
        {
            led_action.pk: {"RAG rating": "Purple"},
            second_action.pk: {"RAG rating": "Green", "Completion": "Nearly"},
        },
    )

    page = refusal(officer_client, content)

    assert "RAG rating “Purple” is not one the service knows" in page
    assert "Completion “Nearly” is not one of the partnership’s" in page


def test_a_formula_is_refused(officer_client, led_action):
    content = filled(
        download(officer_client, led_action.plan, QUARTER),
        {led_action.pk: {"RAG rating": "Green", "Progress narrative": "=CONCAT(A1,B1)"}},
    )

    assert "“Progress narrative” holds a formula" in refusal(officer_client, content)


def test_a_file_that_is_not_a_spreadsheet_is_refused_and_not_kept(officer_client, led_action):
    response = upload(officer_client, b"%PDF-1.4 not a spreadsheet", name="progress.xlsx")

    assert response.status_code == 400
    assert "This file is not an Excel workbook (it looks like a PDF)" in text_of(response)
    assert not ProgressUpload.objects.exists()


def test_a_spreadsheet_that_is_not_a_progress_spreadsheet_is_refused(officer_client, led_action):
    response = upload(officer_client, b"Name,E-mail\nSam,sam@example.org\n", name="people.csv")

    assert response.status_code == 400
    assert "The file has no “RAG rating” column" in text_of(response)
    assert not ProgressUpload.objects.exists()


def test_a_csv_copy_of_the_spreadsheet_is_read_as_well(officer_client, led_action):
    content = filled(
        download(officer_client, led_action.plan, QUARTER),
        {led_action.pk: {"RAG rating": "Red", "Progress narrative": "-Staff shortages."}},
    )

    preview = upload(officer_client, as_csv(content), name="progress.csv")
    assert "1 to record" in text_of(preview)
    confirm(officer_client, preview)

    update = ProgressUpdate.objects.get(action=led_action)
    assert (update.rag_rating, update.narrative) == ("red", "-Staff shortages.")


def test_an_unchanged_csv_copy_records_nothing(officer_client, led_action):
    ProgressUpdateFactory(action=led_action, quarter=QUARTER, narrative="Line one.\nLine two.")

    response = upload(
        officer_client,
        as_csv(download(officer_client, led_action.plan, QUARTER)),
        name="progress.csv",
    )

    assert "1 unchanged" in text_of(response)


def test_an_administrator_records_any_action(client, administrator, led_action, police_action):
    client.force_login(administrator)
    content = filled(
        download(client, led_action.plan, QUARTER),
        {police_action.pk: {"RAG rating": "Blue", "Completion": "Complete"}},
    )

    preview = upload(client, content)
    confirm(client, preview)

    assert ProgressUpdate.objects.get(action=police_action).rag_rating == "blue"


def test_an_upload_is_seen_only_by_its_uploader(officer_client, client, administrator, led_action):
    upload(officer_client, download(officer_client, led_action.plan, QUARTER))
    record = ProgressUpload.objects.get()
    client.force_login(administrator)

    assert client.get(reverse("bulkupdates:upload", args=[record.pk])).status_code == 404


def test_the_preview_takes_the_same_queries_whatever_the_number_of_rows(
    officer_client, led_action, strand, lead_agency, django_assert_max_num_queries
):
    def previewed(count):
        ActionFactory.create_batch(count, strand=strand, lead_agency=lead_agency)
        actions = Action.objects.filter(lead_agency=lead_agency)
        content = filled(
            download(officer_client, led_action.plan, QUARTER),
            {
                action.pk: {"RAG rating": "Green", "Progress narrative": "Fine."}
                for action in actions
            },
        )
        upload(officer_client, content)
        return reverse("bulkupdates:upload", args=[ProgressUpload.objects.latest("pk").pk])

    small, large = previewed(2), previewed(20)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        officer_client.get(small)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = officer_client.get(large)
    assert "23 to record" in text_of(response)


def test_the_page_shows_a_refused_upload_s_message(officer_client):
    response = officer_client.post(reverse("bulkupdates:start"), {})

    assert response.status_code == 400
    assert "Choose the spreadsheet to upload" in text_of(response)


def test_the_digest_is_checked(officer_client, led_action):
    content = filled(
        download(officer_client, led_action.plan, QUARTER),
        {led_action.pk: {"RAG rating": "Green", "Progress narrative": "Mine."}},
    )
    preview = upload(officer_client, content)
    assert digest(preview)

    response = officer_client.post(preview.redirect_chain[-1][0], {"digest": "forged"})

    assert response.status_code == 409
    assert not ProgressUpdate.objects.exists()


def test_a_file_too_large_is_refused_before_it_is_read(officer_client, settings):
    settings.IMPORT_MAX_BYTES = 1024

    response = upload(officer_client, b"x" * 2048, name="progress.csv")

    assert response.status_code == 400
    assert "the largest file that can be uploaded is 1 KB" in text_of(response)
    assert not ProgressUpload.objects.exists()


def test_a_quarter_closed_before_the_confirmation_records_nothing(
    officer_client, led_action, member
):
    content = filled(
        download(officer_client, led_action.plan, 2),
        {led_action.pk: {"RAG rating": "Green", "Progress narrative": "Mine."}},
    )
    preview = upload(officer_client, content)
    close_quarter(led_action.plan, 2, by=member)

    response = confirm(officer_client, preview)

    assert response.status_code == 409
    assert "Nothing has been recorded" in text_of(response)
    assert not ProgressUpdate.objects.exists()


def test_the_same_action_twice_is_refused_the_second_time(
    officer_client, led_action, second_action
):
    content = filled(
        download(officer_client, led_action.plan, QUARTER),
        {
            led_action.pk: {"RAG rating": "Green", "Progress narrative": "First."},
            second_action.pk: {"Action number": led_action.pk, "RAG rating": "Red"},
        },
    )

    page = text_of(upload(officer_client, content))

    assert "1 to record" in page
    assert "This action is on row 2 already." in page


def test_my_updates_links_to_it(officer_client):
    response = officer_client.get(reverse("actions:mine"))

    assert reverse("bulkupdates:start") in response.content.decode()
