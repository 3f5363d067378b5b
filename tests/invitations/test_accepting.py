"""The invited person follows the link: chooses a password (a new account) or signs in with the
account they have (another partnership's), and becomes a member. The link works once, for 7
days, and only under its own partnership's address."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from invitations.accepting import InvitationUnusable, accept, account_for
from invitations.inviting import Invitee, invite
from invitations.models import Invitation
from partnerships.context import acting_in
from partnerships.models import Membership, Partnership, Role
from sso.models import SingleSignOnProvider
from tests.conftest import PREFIX, in_role
from tests.factories import AgencyFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def partnership():
    return Partnership.objects.get(slug="lewisham")


def invited(partnership, email="new.person@example.gov.uk", role=Role.OFFICER, agency=None):
    """An invitation sent now, and its link's path."""
    if role == Role.OFFICER and agency is None:
        agency = AgencyFactory(partner_of=[partnership])
    with acting_in(partnership):
        invitation = invite(
            partnership,
            Invitee(name="New Person", email=email, role=role, agency=agency),
            invited_by=None,
        )
    path = re.search(r"https?://[^/]+(/\S+/)", mail.outbox[-1].body)[1]
    return invitation, path


def test_a_new_person_chooses_a_password_and_is_a_member_signed_in(client, partnership):
    invitation, path = invited(partnership)

    page = client.get(path)
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert page.status_code == 200
    assert "Join Safer Lewisham Partnership" in page.text
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new.person@example.gov.uk")
    assert user.username == "new.person@example.gov.uk"
    assert (user.first_name, user.last_name) == ("New", "Person")
    assert user.check_password(PASSWORD)
    assert Membership.objects.get(user=user, partnership=partnership).role == Role.OFFICER
    assert user.profile.agency == invitation.agency
    assert client.get(PREFIX + "/").wsgi_request.user == user


def test_a_password_that_breaks_the_rules_keeps_nothing(client, partnership):
    _, path = invited(partnership)

    response = client.post(path, {"new_password1": "short", "new_password2": "short"})

    assert response.status_code == 400
    assert "New password must be" in response.text or "characters or more" in response.text
    assert not get_user_model().objects.filter(email="new.person@example.gov.uk").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_the_link_works_once(client, partnership):
    _, path = invited(partnership)
    client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.logout()

    response = client.get(path)
    again = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert response.status_code == again.status_code == 410
    assert "already been used" in response.text
    assert get_user_model().objects.filter(email="new.person@example.gov.uk").count() == 1


def test_an_expired_link_says_whom_to_ask(client, partnership):
    invitation, path = invited(partnership)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    response = client.get(path)
    post = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert response.status_code == post.status_code == 410
    assert "has expired" in response.text
    assert not get_user_model().objects.filter(email="new.person@example.gov.uk").exists()


@pytest.mark.parametrize("token", ["nonsense", "x" * 500])
def test_a_made_up_link_is_not_found(client, token):
    assert client.get(reverse("invitations:accept", args=[token])).status_code == 404


def test_a_link_under_another_partnerships_address_is_not_found(client, partnership):
    _, path = invited(partnership)
    other = PartnershipFactory()

    response = client.get(path.replace(PREFIX + "/", other.prefix))

    assert response.status_code == 404


def test_someone_with_an_account_elsewhere_joins_with_it_not_a_second_account(client, partnership):
    eastmere = PartnershipFactory(name="Safer Eastmere Partnership")
    inspector = in_role(
        UserFactory(username="inspector", email="Inspector@met.example.gov.uk"),
        Role.OFFICER,
        eastmere,
    )
    _, path = invited(partnership, email="inspector@met.example.gov.uk", role=Role.CHAIR)

    signed_out = client.get(path)
    client.force_login(inspector)
    page = client.get(path)
    response = client.post(path)

    assert "Sign in to join" in signed_out.text
    assert "/sign-in/?next=" in signed_out.text
    assert page.status_code == 200
    assert response.status_code == 302
    assert (
        get_user_model().objects.filter(email__iexact="inspector@met.example.gov.uk").count() == 1
    )
    assert set(
        Membership.objects.filter(user=inspector).values_list("partnership__slug", "role")
    ) == {(eastmere.slug, Role.OFFICER), ("lewisham", Role.CHAIR)}
    # The password they had is untouched.
    inspector.refresh_from_db()
    assert inspector.check_password("correct-horse-battery")


def test_choosing_a_password_never_takes_over_an_existing_account(client, partnership):
    existing = UserFactory(username="someone", email="new.person@example.gov.uk")
    _, path = invited(partnership, role=Role.CHAIR)

    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    existing.refresh_from_db()
    assert existing.check_password("correct-horse-battery")
    assert not Membership.objects.filter(user=existing).exists()
    assert "Sign in to join" in response.text


def test_signed_in_as_someone_else_the_invitation_is_not_taken(client, partnership):
    _, path = invited(partnership, role=Role.CHAIR)
    client.force_login(in_role(UserFactory(username="other"), Role.OFFICER))

    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert "This invitation is for someone else" in response.text
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_accepting_twice_at_once_is_refused_the_second_time(partnership):
    invitation, _ = invited(partnership, role=Role.CHAIR)
    user = account_for(invitation)
    accept(invitation, user)

    with pytest.raises(InvitationUnusable):
        accept(Invitation.objects.get(pk=invitation.pk), user)
    assert Membership.objects.filter(user=user).count() == 1


def test_a_disabled_account_cannot_join(partnership):
    invitation, _ = invited(partnership, email="gone@example.gov.uk", role=Role.CHAIR)
    gone = UserFactory(username="gone", email="gone@example.gov.uk", is_active=False)

    with pytest.raises(InvitationUnusable, match="disabled"):
        accept(invitation, gone)
    assert not Membership.objects.filter(user=gone).exists()


def test_a_new_administrator_sets_up_two_factor_before_being_signed_in(client, partnership):
    _, path = invited(partnership, email="new.admin@example.gov.uk", role=Role.ADMINISTRATOR)

    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("twofactor:enrol")
    assert not client.get(response.url).wsgi_request.user.is_authenticated
    admin = get_user_model().objects.get(email="new.admin@example.gov.uk")
    assert Membership.objects.get(user=admin).role == Role.ADMINISTRATOR


def test_the_link_offers_single_sign_on_where_the_partnership_has_it(client, partnership):
    _, path = invited(partnership, role=Role.CHAIR)
    without = client.get(path).text
    provider = SingleSignOnProvider.objects.create(
        name="Lewisham Council (Microsoft)",
        issuer="https://login.example.gov.uk/lewisham",
        client_id="csp-tracker",
        client_secret="not-a-secret",
    )
    provider.partnerships.add(partnership)

    with_it = client.get(path).text

    assert "sign in with your organisation’s account" not in without
    assert "sign in with your organisation’s account" in with_it
