"""Someone invited to a partnership signs in with their organisation's account: the verified
address of the invitation is enough (the invitation is accepted, as its link would be); an
invitation to a partnership the provider does not serve is not."""

import pytest
from django.contrib.auth import get_user_model

from invitations.inviting import Invitee, invite
from invitations.models import Invitation
from partnerships.context import acting_in
from partnerships.models import Membership, Role
from tests.factories import AgencyFactory, PartnershipFactory

from .conftest import lewisham, provider_record

pytestmark = pytest.mark.django_db


def invitation_to(partnership, email):
    with acting_in(partnership):
        return invite(
            partnership,
            Invitee(
                name="Olu Officer",
                email=email,
                role=Role.OFFICER,
                agency=AgencyFactory(partner_of=[partnership]),
            ),
            invited_by=None,
        )


def test_an_invited_person_without_an_account_signs_in_and_joins(
    oidc_provider, client, sign_in_with
):
    invitation_to(lewisham(), "officer@lewisham.gov.uk")
    record = provider_record(oidc_provider.issuer)

    response = sign_in_with(record, "officer")

    assert response.status_code == 302
    person = get_user_model().objects.get(email__iexact="officer@lewisham.gov.uk")
    assert client.session["_auth_user_id"] == str(person.pk)
    assert Membership.objects.get(user=person).partnership == lewisham()
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED


def test_an_invitation_to_a_partnership_the_provider_does_not_serve_is_not_used(
    oidc_provider, client, sign_in_with
):
    invitation_to(PartnershipFactory(), "officer@lewisham.gov.uk")
    record = provider_record(oidc_provider.issuer)
    people = get_user_model().objects.count()

    response = sign_in_with(record, "officer")

    assert response.status_code == 403
    assert get_user_model().objects.count() == people
    assert Invitation.objects.get().status == Invitation.Status.PENDING
