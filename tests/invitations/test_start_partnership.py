"""``manage.py start_partnership``: a new partnership and its first administrator's invitation,
or nothing at all."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from invitations.models import Invitation
from partnerships.models import Partnership, Role
from tests.conftest import in_role
from tests.factories import PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def start(*args):
    out = StringIO()
    call_command("start_partnership", *args, stdout=out)
    return out.getvalue()


def test_it_makes_the_partnership_and_invites_its_administrator():
    output = start(
        "Safer Northbrook Partnership",
        "--short-name=Safer Northbrook",
        "--administrator-email=jo.bloggs@northbrook.example.gov.uk",
        "--administrator-name=Jo Bloggs",
        "--contact-email=community.safety@northbrook.example.gov.uk",
    )

    partnership = Partnership.objects.get(slug="safer-northbrook")
    invitation = Invitation.objects.get(partnership=partnership)
    assert (invitation.role, invitation.email) == (
        Role.ADMINISTRATOR,
        "jo.bloggs@northbrook.example.gov.uk",
    )
    assert "Made Safer Northbrook Partnership" in output
    (message,) = mail.outbox
    assert message.reply_to == ["community.safety@northbrook.example.gov.uk"]
    assert re.search(r"/p/safer-northbrook/invitations/join/\S+/", message.body)


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["Safer Lewisham Partnership", "--slug=new-one"], "name"),
        (["A New Partnership", "--slug=lewisham"], "slug"),
        (["A New Partnership", "--slug=admin"], "used by the service itself"),
        (["A New Partnership", "--contact-email=not-an-address"], "contact_email"),
    ],
)
def test_bad_details_make_nothing(arguments, problem):
    with pytest.raises(CommandError, match=problem):
        start(*arguments, "--administrator-email=a@example.gov.uk", "--administrator-name=A B")

    assert not Invitation.objects.exists()
    assert Partnership.objects.count() == 1
    assert not mail.outbox


def test_a_bad_administrator_address_makes_nothing():
    with pytest.raises(CommandError, match="correct format"):
        start("A New Partnership", "--administrator-email=nobody", "--administrator-name=A B")

    assert not Partnership.objects.filter(name="A New Partnership").exists()


def test_the_administrator_of_another_partnership_may_start_one_more():
    county = PartnershipFactory()
    in_role(UserFactory(username="county", email="county@example.gov.uk"), "administrator", county)

    start(
        "A District Partnership",
        "--administrator-email=county@example.gov.uk",
        "--administrator-name=County Admin",
    )

    assert (
        Invitation.objects.get(partnership__slug="a-district-partnership").role
        == Role.ADMINISTRATOR
    )
