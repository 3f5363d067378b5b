"""The agency a person works for (agencies.models.agency_id_of): the one answer the actions they
lead, the indicators they record and the update round's e-mails all start from."""

import pytest
from django.contrib.auth.models import AnonymousUser

from agencies.models import agency_id_of, agency_ids_of
from tests.factories import AgencyFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_is_the_agency_of_the_persons_profile():
    agency = AgencyFactory()
    person = ProfileFactory(agency=agency).user

    assert agency_id_of(person) == agency.pk


def test_someone_without_a_profile_or_an_agency_has_none():
    assert agency_id_of(UserFactory()) is None
    assert agency_id_of(ProfileFactory(agency=None).user) is None


def test_someone_signed_out_has_none():
    assert agency_id_of(AnonymousUser()) is None


def test_the_agencies_of_many_people_come_in_one_query(django_assert_num_queries):
    agency = AgencyFactory()
    people = [ProfileFactory(agency=agency).user, ProfileFactory(agency=None).user, UserFactory()]

    with django_assert_num_queries(1):
        found = agency_ids_of(people)

    assert found == {people[0].pk: agency.pk}
