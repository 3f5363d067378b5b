"""An administrator invites people: one by one, from a spreadsheet (previewed first), sends an
invitation again, withdraws it; the e-mail in the partnership's name."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from invitations.models import Invitation
from partnerships.models import Membership, Role
from tests.conftest import in_role
from tests.factories import AgencyFactory, PartnershipFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client):
    user = in_role(UserFactory(username="plan-admin"), Role.ADMINISTRATOR)
    client.force_login(user)
    return user


@pytest.fixture
def council():
    return AgencyFactory(name="Lewisham Council", short_name="LBL", slug="lbl")


def invite_form(**changes):
    return {"name": "Sam Patel", "email": "sam.patel@example.gov.uk", "role": "officer"} | changes


def test_an_administrator_invites_an_officer_and_the_e_mail_is_in_the_partnerships_name(
    client, administrator, council
):
    response = client.post(reverse("invitations:invite"), invite_form(agency=council.pk))

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.name, invitation.role, invitation.agency) == (
        "Sam Patel",
        Role.OFFICER,
        council,
    )
    assert invitation.invited_by == administrator
    (message,) = mail.outbox
    assert message.to == ["sam.patel@example.gov.uk"]
    assert message.from_email.startswith("Safer Lewisham Partnership <")
    assert "Safer Lewisham Partnership" in message.subject
    link = re.search(r"http\S+/p/lewisham/invitations/join/(\S+)/", message.body)
    assert link, message.body
    # Only the link's hash is kept.
    assert link[1] not in invitation.token_hash
    assert invitation.expires_at.strftime("%-d %B %Y") in message.body


def test_an_officer_needs_an_organisation_and_the_typed_values_are_kept(client, administrator):
    response = client.post(reverse("invitations:invite"), invite_form())

    assert response.status_code == 400
    assert "Choose the organisation an officer works for" in response.text
    assert 'value="sam.patel@example.gov.uk"' in response.text
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_a_member_is_not_invited_again(client, administrator):
    in_role(UserFactory(username="sam", email="Sam.Patel@example.gov.uk"), Role.CHAIR)

    response = client.post(reverse("invitations:invite"), invite_form(role="chair"))

    assert response.status_code == 400
    assert "is already a member of Safer Lewisham Partnership" in response.text
    assert not Invitation.objects.exists()


def test_someone_already_invited_is_sent_the_invitation_again_instead(
    client, administrator, council
):
    client.post(reverse("invitations:invite"), invite_form(role="chair"))

    response = client.post(reverse("invitations:invite"), invite_form(role="chair"))

    assert response.status_code == 400
    assert "has already been invited" in response.text
    assert Invitation.objects.count() == 1


def test_another_partnerships_administrator_is_not_invited(client, administrator):
    elsewhere = PartnershipFactory()
    in_role(
        UserFactory(username="their-admin", email="boss@example.gov.uk"), "administrator", elsewhere
    )

    response = client.post(
        reverse("invitations:invite"), invite_form(email="boss@example.gov.uk", role="chair")
    )

    assert response.status_code == 400
    assert "administrator of another partnership" in response.text
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_a_site_administrator_is_not_invited_by_a_partnership(client, administrator):
    SuperuserFactory(username="root", email="root@example.gov.uk")

    response = client.post(
        reverse("invitations:invite"), invite_form(email="root@example.gov.uk", role="chair")
    )

    assert response.status_code == 400
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", [Role.CHAIR, Role.OFFICER])
def test_nobody_but_administrators_invites(client, role):
    client.force_login(in_role(UserFactory(), role))

    assert client.get(reverse("invitations:list")).status_code == 403
    assert client.post(reverse("invitations:invite"), invite_form(role="chair")).status_code == 403
    assert not Invitation.objects.exists()


def test_sending_again_makes_a_new_link_and_the_old_one_stops_working(client, administrator):
    client.post(reverse("invitations:invite"), invite_form(role="chair"))
    invitation = Invitation.objects.get()
    first_link = re.search(r"(/p/lewisham/invitations/join/\S+/)", mail.outbox[0].body)[1]

    response = client.post(reverse("invitations:resend", args=[invitation.pk]))

    assert response.status_code == 302
    second_link = re.search(r"(/p/lewisham/invitations/join/\S+/)", mail.outbox[1].body)[1]
    assert first_link != second_link
    client.logout()
    assert client.get(first_link).status_code == 404
    assert client.get(second_link).status_code == 200
    invitation.refresh_from_db()
    assert invitation.times_sent == 2


def test_a_withdrawn_invitation_cannot_be_used(client, administrator):
    client.post(reverse("invitations:invite"), invite_form(role="chair"))
    invitation = Invitation.objects.get()
    link = re.search(r"(/p/lewisham/invitations/join/\S+/)", mail.outbox[0].body)[1]

    client.post(reverse("invitations:withdraw", args=[invitation.pk]))
    client.logout()
    response = client.get(link)

    assert response.status_code == 410
    assert "withdrawn" in response.text
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED


def test_the_list_shows_pending_and_expired_invitations(client, administrator):
    client.post(reverse("invitations:invite"), invite_form(role="chair"))
    client.post(
        reverse("invitations:invite"), invite_form(email="old@example.gov.uk", role="chair")
    )
    Invitation.objects.filter(email="old@example.gov.uk").update(
        expires_at=Invitation.objects.get(email="old@example.gov.uk").sent_at
    )

    response = client.get(reverse("invitations:list"))

    assert response.status_code == 200
    text = re.sub(r"\s+", " ", response.text)
    assert "Pending (1)" in text
    assert "Expired (1)" in text
    assert "old@example.gov.uk" in text


def test_another_partnerships_invitations_are_not_listed_nor_changed(client, administrator):
    elsewhere = PartnershipFactory()
    theirs = Invitation(partnership=elsewhere, email="x@example.org", name="X", role=Role.CHAIR)
    theirs.set_new_link()
    theirs.save()

    assert "x@example.org" not in client.get(reverse("invitations:list")).text
    assert client.post(reverse("invitations:withdraw", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("invitations:resend", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Invitation.Status.PENDING


# From a spreadsheet ------------------------------------------------------------------------


def upload(client, name, content, content_type="text/csv"):
    return client.post(
        reverse("invitations:upload"),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


CSV = (
    "Partnership people,,,\n"
    "Name,E-mail,Organisation,Role\n"
    "Ann Officer,ann@example.gov.uk,LBL,Officer\n"
    "Bob Chair,bob@example.gov.uk,,chair\n"
    ",,,\n"
    "Cat Nobody,not-an-address,Nowhere Trust,boss\n"
    "Ann Again,ANN@example.gov.uk,Lewisham Council,officer\n"
)


def test_a_spreadsheet_is_previewed_with_every_problem_by_row_before_anything_is_sent(
    client, administrator, council
):
    response = upload(client, "people.csv", CSV.encode())
    assert response.status_code == 302
    preview = client.get(reverse("invitations:preview"))

    text = re.sub(r"\s+", " ", preview.text)
    assert "2 rows cannot be sent" in text
    assert "Row 6: “boss” is not a role" in text
    assert "“Nowhere Trust” is not one of Safer Lewisham Partnership’s partner" in text
    assert "Enter an e-mail address in the correct format" in text
    assert "ANN@example.gov.uk is also on row 3" in text
    assert "Send 2 invitations" in text
    assert not mail.outbox
    assert not Invitation.objects.exists()


def test_sending_the_preview_invites_only_the_rows_without_problems_once(
    client, administrator, council
):
    upload(client, "people.csv", CSV.encode())
    batch = re.search(
        r'name="batch" value="([^"]+)"', client.get(reverse("invitations:preview")).text
    )[1]

    response = client.post(reverse("invitations:preview"), {"batch": batch})
    again = client.post(reverse("invitations:preview"), {"batch": batch})

    assert response.status_code == again.status_code == 302
    assert sorted(Invitation.objects.values_list("email", "role")) == [
        ("ann@example.gov.uk", Role.OFFICER),
        ("bob@example.gov.uk", Role.CHAIR),
    ]
    assert Invitation.objects.get(email="ann@example.gov.uk").agency == council
    assert len(mail.outbox) == 2


def test_an_xlsx_file_is_read_too(client, administrator, council):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email address", "Agency", "Role"])
    sheet.append(["Dee Admin", "dee@example.gov.uk", None, "Administrator"])
    content = io.BytesIO()
    workbook.save(content)

    upload(client, "people.xlsx", content.getvalue(), "application/vnd.ms-excel")
    text = client.get(reverse("invitations:preview")).text

    assert "dee@example.gov.uk" in text
    assert "Send 1 invitation" in text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.pdf", b"%PDF-1.4 nothing here", "is not a spreadsheet this service reads"),
        ("people.xlsx", b"PK\x03\x04 not really a zip", "This file is not an Excel workbook"),
        ("people.csv", b"\x00\x01\x02binary", "This file is not a CSV file"),
        ("people.csv", b"Who,Where\nAnn,Here\n", "no row of headings naming the columns"),
        ("people.csv", b"Name,E-mail,Role\n,,\n", "headings but nobody under them"),
        ("people.csv", b"", "The selected file is empty"),
    ],
)
def test_a_file_that_is_not_a_list_of_people_is_refused_and_nothing_changes(
    client, administrator, name, content, message
):
    response = upload(client, name, content)

    assert response.status_code == 400
    assert message in response.text
    assert "invitations-upload" not in client.session
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_nothing_to_preview_goes_back_to_the_upload(client, administrator):
    response = client.get(reverse("invitations:preview"))

    assert response.status_code == 302
    assert response.url == reverse("invitations:upload")


def test_memberships_are_not_made_by_inviting(client, administrator):
    client.post(reverse("invitations:invite"), invite_form(role="chair"))

    assert not Membership.objects.filter(user__email="sam.patel@example.gov.uk").exists()
