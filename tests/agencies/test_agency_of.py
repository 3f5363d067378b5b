"""The agency a person works for (agencies.models.agency_id_of): the one answer the actions they
lead, the indicators they record and the update round's e-mails all start from.

A person's profile is read through the partnerships they are of (their memberships): in a
partnership, only its people's agencies are known."""

import pytest
from django.contrib.auth.models import AnonymousUser

from agencies import roles
from agencies.models import agency_id_of, agency_ids_of
from partnerships.context import acting_in, current_partnership
from tests.conftest import in_role
from tests.factories import AgencyFactory, PartnershipFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def officer_of(agency, partnership=None):
    """An officer of the partnership (the tests' own unless given) who works for the agency."""
    return in_role(ProfileFactory(agency=agency).user, roles.OFFICERS, partnership)


def test_it_is_the_agency_of_the_persons_profile():
    agency = AgencyFactory()
    person = officer_of(agency)

    assert agency_id_of(person) == agency.pk


def test_someone_without_a_profile_or_an_agency_has_none():
    assert agency_id_of(in_role(UserFactory(), roles.OFFICERS)) is None
    assert agency_id_of(officer_of(None)) is None


def test_someone_signed_out_has_none():
    assert agency_id_of(AnonymousUser()) is None


def test_in_a_partnership_it_is_known_only_for_the_partnerships_people():
    other = PartnershipFactory()
    agency = AgencyFactory(partner_of=[other])
    person = officer_of(agency, other)
    ours = current_partnership()

    with acting_in(other):
        assert agency_id_of(person) == agency.pk
    with acting_in(ours):
        assert agency_id_of(person) is None


def test_the_agencies_of_many_people_come_in_one_query(django_assert_num_queries):
    agency = AgencyFactory()
    people = [officer_of(agency), officer_of(None), in_role(UserFactory(), roles.OFFICERS)]

    with django_assert_num_queries(1):
        found = agency_ids_of(people)

    assert found == {people[0].pk: agency.pk}
