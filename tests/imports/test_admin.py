"""The import in admin: upload, preview, confirm; who may; and the record of imports."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Action
from agencies import roles
from imports.models import PlanImport
from partnerships.models import ROLE_GROUPS, Role
from priorities.models import Priority, Strand
from tests.conftest import in_role
from tests.factories import UserFactory
from tests.imports.files import row, xlsx
from tests.pages import text_of

UPLOAD = "admin:imports_planimport_upload"


@pytest.fixture
def admin(client, administrator):
    client.force_login(administrator)
    return client


def upload(client, plan, content, filename="plan.xlsx", add_structure=False):
    data = {"plan": plan.pk, "file": _file(content, filename)}
    if add_structure:
        data["add_structure"] = "on"
    return client.post(reverse(UPLOAD), data)


def _file(content, filename):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(filename, content)


def preview_url(record):
    return reverse("admin:imports_planimport_preview", args=[record.pk])


def confirm(client, record, response):
    return client.post(preview_url(record), {"digest": response.context["preview"].digest})


def test_the_upload_form_preselects_the_plan_and_adds_structure_to_an_empty_plan(admin, plan):
    from tests.factories import AnnualPlanFactory

    empty = AnnualPlanFactory(status="draft")

    with_structure = admin.get(reverse(UPLOAD) + f"?plan={plan.pk}")
    without = admin.get(reverse(UPLOAD) + f"?plan={empty.pk}")

    assert with_structure.status_code == 200
    assert with_structure.context["form"].initial == {"plan": plan, "add_structure": False}
    assert without.context["form"].initial == {"plan": empty, "add_structure": True}
    assert "Download the import template" in text_of(with_structure)


def test_upload_then_preview_then_confirm_imports_the_actions(admin, plan, administrator):
    content = xlsx(
        [row(reference="1.1", action="Open day."), row(reference="1.2", action="Drama.")]
    )

    response = upload(admin, plan, content)

    record = PlanImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == preview_url(record)
    assert record.status == PlanImport.Status.PREVIEWED
    assert record.read_file() == content
    assert Action.objects.count() == 0  # nothing yet

    preview = admin.get(preview_url(record))
    page = text_of(preview)
    assert "2 new actions" in page
    assert "Confirm import" in page

    confirmed = confirm(admin, record, preview)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("admin:plans_annualplan_change", args=[plan.pk])
    assert list(Action.objects.values_list("reference", flat=True).order_by("order")) == [
        "1.1",
        "1.2",
    ]
    record.refresh_from_db()
    assert record.status == PlanImport.Status.IMPORTED
    assert record.summary["actions_created"] == 2
    history = Action.objects.get(reference="1.1").history.first()
    assert history.history_change_reason == "Imported from plan.xlsx"
    assert history.history_user == administrator
    plan_page = admin.get(confirmed["Location"])
    assert "Imported “plan.xlsx” into “Safer Example Plan 18-19”: 2 actions created" in text_of(
        plan_page
    )


def test_a_preview_with_problems_lists_them_and_offers_no_confirmation(admin, plan):
    content = xlsx([row(reference="1.1"), row(reference="1.2", strand="Modern slavery")])

    response = admin.get(upload(admin, plan, content)["Location"])

    page = text_of(response)
    assert "1 problem, on 1 row: nothing can be imported yet" in page
    assert "Row 3, Strand" in page
    assert "the priority “Violence” has no strand “Modern slavery”" in page
    assert "fix the spreadsheet and upload it again" in page
    assert "Confirm import" not in page


def test_confirming_a_preview_with_problems_writes_nothing(admin, plan):
    content = xlsx([row(reference="1.1"), row(reference="1.2", strand="Modern slavery")])
    upload(admin, plan, content)
    record = PlanImport.objects.get()

    response = admin.post(preview_url(record), {"digest": "anything"})

    assert response.status_code == 200
    assert "Nothing was imported" in text_of(response)
    assert Action.objects.count() == 0
    record.refresh_from_db()
    assert record.status == PlanImport.Status.PREVIEWED


def test_the_preview_shows_warnings_changes_and_columns_not_imported(admin, plan, agencies):
    from tests.factories import ActionFactory

    ActionFactory(
        strand=Strand.objects.get(),
        reference="1.1",
        text="Open day.",
        theme=None,
        lead_agency=agencies["council"],
    )
    headings = ["Reference", "Priority", "Strand", "Action", "Lead agency", "Budget"]
    content = xlsx(
        [
            [
                "1.1",
                "Violence",
                "Violence against women and girls",
                "Open day.",
                "Met Police",
                "£500",
            ],
            [
                "1.2",
                "Violence",
                "Violence against women and girls",
                "New.",
                "Lewisham Councill",
                "",
            ],
        ],
        headings,
    )

    page = text_of(admin.get(upload(admin, plan, content)["Location"]))

    assert "1 changed action" in page
    assert "Lead agency Lewisham Council Met Police" in page
    assert "matched “Lewisham Councill” to “Lewisham Council”" in page
    assert "Columns not imported: Budget." in page


def test_confirming_after_the_plan_changed_shows_the_new_preview_and_writes_nothing(admin, plan):
    from tests.factories import ActionFactory

    content = xlsx([row(reference="1.1", action="Open day.")])
    preview = admin.get(upload(admin, plan, content)["Location"])
    record = PlanImport.objects.get()
    # Meanwhile someone adds action 1.1 in admin: the import would now change it instead.
    ActionFactory(strand=Strand.objects.get(), reference="1.1", text="Something else.")

    response = confirm(admin, record, preview)

    assert response.status_code == 200
    page = text_of(response)
    assert "the plan has changed since the preview was shown" in page
    assert "1 changed action" in page
    assert list(Action.objects.values_list("text", flat=True)) == ["Something else."]
    assert "Confirm import" in page

    again = admin.post(preview_url(record), {"digest": response.context["preview"].digest})

    assert again.status_code == 302
    assert list(Action.objects.values_list("text", flat=True)) == ["Open day."]


def test_a_file_that_cannot_be_read_is_refused_on_the_form_and_nothing_is_stored(admin, plan):
    response = upload(admin, plan, b"%PDF-1.7 not a workbook")

    assert response.status_code == 400
    assert "it looks like a PDF" in text_of(response)
    assert PlanImport.objects.count() == 0


def test_a_file_too_large_is_refused_on_the_form(admin, plan, settings):
    settings.IMPORT_MAX_BYTES = 1024

    response = upload(admin, plan, xlsx([row()]))

    assert response.status_code == 400
    assert "the largest file that can be uploaded is 1 KB" in text_of(response)
    assert PlanImport.objects.count() == 0


def test_a_closed_plan_is_refused_on_the_form(admin, plan):
    type(plan).objects.filter(pk=plan.pk).update(status="closed")

    response = upload(admin, plan, xlsx([row()]))

    assert response.status_code == 400
    assert "is closed: nothing can be imported into it" in text_of(response)
    assert PlanImport.objects.count() == 0


def test_a_signed_off_plan_accepts_an_upload(admin, plan):
    type(plan).objects.filter(pk=plan.pk).update(status="signed_off")

    response = upload(admin, plan, xlsx([row()]))

    assert response.status_code == 302
    assert "Confirm import" in text_of(admin.get(response["Location"]))


def test_add_structure_creates_what_the_plan_lacks(admin, plan):
    content = xlsx([row(priority="Hate crime", strand="Online hate", action="Report it.")])

    preview = admin.get(upload(admin, plan, content, add_structure=True)["Location"])
    assert "Hate crime" in text_of(preview)
    confirm(admin, PlanImport.objects.get(), preview)

    assert Priority.objects.filter(plan=plan, title="Hate crime").exists()
    assert Action.objects.get().strand.title == "Online hate"


def test_an_imported_record_cannot_be_confirmed_again(admin, plan):
    preview = admin.get(upload(admin, plan, xlsx([row()]))["Location"])
    record = PlanImport.objects.get()
    confirm(admin, record, preview)

    response = confirm(admin, record, preview)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:imports_planimport_change", args=[record.pk])
    assert Action.objects.count() == 1


def test_the_template_downloads_as_a_workbook_with_the_headings(admin):
    response = admin.get(reverse("admin:imports_planimport_template"))

    assert response.status_code == 200
    assert 'filename="action-plan-import-template.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Actions", "How to fill it in"]
    assert [cell.value for cell in workbook["Actions"][1]] == [
        "Reference",
        "Priority",
        "Strand",
        "Theme",
        "Action",
        "Sub-items",
        "Outcome or measure",
        "Lead agency",
        "Lead officer",
        "Partners",
        "Timeframe",
        "RAG rating",
        "Completed",
        "Completion note",
        "Progress",
    ]
    guide = " ".join(
        str(value)
        for row in workbook["How to fill it in"].iter_rows(values_only=True)
        for value in row
        if value
    )
    assert "A tick (✓), “Yes”, “Complete”" in guide
    assert "Sub-items" in guide


def test_the_template_imports_once_filled_in(plan):
    from imports.applying import import_file
    from imports.template import build_template

    workbook = load_workbook(io.BytesIO(build_template()))
    workbook["Actions"].append(
        ["1.1", "Violence", "Violence against women and girls", "Prevention", "Open day."]
    )
    out = io.BytesIO()
    workbook.save(out)

    assert import_file(plan, "template.xlsx", out.getvalue(), add_structure=False).imported
    assert Action.objects.get().reference == "1.1"


def test_the_plans_admin_page_links_to_the_import_for_those_who_may(admin, plan):
    page = admin.get(reverse("admin:plans_annualplan_change", args=[plan.pk]))
    plans = admin.get(reverse("admin:plans_annualplan_changelist"))

    assert f"{reverse(UPLOAD)}?plan={plan.pk}" in page.content.decode()
    assert "Import actions from a spreadsheet" in text_of(page)
    assert "Download the import template" in text_of(plans)


def administrator_without_the_import_permission():
    """A staff administrator of the partnership whose role has been denied the import (its
    permission taken off the Administrators group): admin is open to them, the import is not."""
    Group.objects.get(name=ROLE_GROUPS[Role.ADMINISTRATOR]).permissions.remove(
        Permission.objects.get(codename="import_plan")
    )
    return in_role(UserFactory(is_staff=True), roles.ADMINISTRATORS)


def test_staff_without_the_permission_see_no_link_and_are_refused(client, plan):
    client.force_login(administrator_without_the_import_permission())
    content = xlsx([row()])

    page = client.get(reverse("admin:plans_annualplan_change", args=[plan.pk]))
    assert page.status_code == 200
    assert "Import actions from a spreadsheet" not in text_of(page)
    assert client.get(reverse(UPLOAD)).status_code == 403
    assert client.get(reverse("admin:imports_planimport_template")).status_code == 403
    assert upload(client, plan, content).status_code == 403
    assert PlanImport.objects.count() == 0


def test_staff_without_a_role_in_the_partnership_do_not_find_the_import(client, plan):
    """Even with the permissions of their own (not of a role in the partnership)."""
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_annualplan", "change_annualplan", "import_plan"]
        )
    )
    client.force_login(staff)

    assert client.get(reverse(UPLOAD)).status_code == 404
    assert client.get(reverse("admin:imports_planimport_template")).status_code == 404
    assert upload(client, plan, xlsx([row()])).status_code == 404
    assert PlanImport.objects.count() == 0


@pytest.mark.parametrize("person", ["officer", "member"])
def test_people_who_are_not_staff_are_sent_to_the_admin_sign_in(request, client, plan, person):
    client.force_login(request.getfixturevalue(person))

    for url in (reverse(UPLOAD), reverse("admin:imports_planimport_template")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert upload(client, plan, xlsx([row()])).status_code == 302
    assert PlanImport.objects.count() == 0


def test_someone_without_the_permission_cannot_confirm_an_upload(admin, client, plan):
    admin.get(upload(admin, plan, xlsx([row()]))["Location"])
    record = PlanImport.objects.get()
    client.force_login(administrator_without_the_import_permission())

    assert client.post(preview_url(record), {"digest": "x"}).status_code == 403
    assert client.get(preview_url(record)).status_code == 403
    client.force_login(UserFactory(is_staff=True))  # of no role in the partnership
    assert client.post(preview_url(record), {"digest": "x"}).status_code == 404
    assert client.get(preview_url(record)).status_code == 404
    assert Action.objects.count() == 0


def test_the_record_of_imports_is_read_only_and_never_shows_the_file(admin, plan):
    preview = admin.get(upload(admin, plan, xlsx([row()]))["Location"])
    record = PlanImport.objects.get()
    confirm(admin, record, preview)

    listing = admin.get(reverse("admin:imports_planimport_changelist"))
    detail = admin.get(reverse("admin:imports_planimport_change", args=[record.pk]))
    added = admin.get(reverse("admin:imports_planimport_add"))

    assert listing.status_code == 200
    assert "plan.xlsx" in text_of(listing)
    assert "1 action created" in text_of(listing)
    assert detail.status_code == 200
    assert "Content" not in text_of(detail)
    assert 'name="filename"' not in detail.content.decode()
    assert added.status_code == 403
