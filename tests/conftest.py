"""Shared fixtures: the people of each role, signed in."""

import pytest
from django.contrib.auth.models import Group

from agencies import roles
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    ProfileFactory,
    SuperuserFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real password hashing is slow on purpose; the tests do not need it to be."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser(db):
    return SuperuserFactory(username="admin-user")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def member(db):
    """A partnership member (the chair's role): reads everything, changes nothing."""
    user = UserFactory(username="member")
    user.groups.add(Group.objects.get(name=roles.CHAIR_AND_MEMBERS))
    return user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def in_role(user, role):
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def lead_agency(db):
    """The agency that leads the `led_action`."""
    return AgencyFactory(name="Lewisham Council", slug="lewisham-council")


@pytest.fixture
def officer(db, lead_agency):
    """An officer of the lead agency: may record progress on the actions their agency leads."""
    user = in_role(UserFactory(username="officer"), roles.OFFICERS)
    ProfileFactory(user=user, agency=lead_agency)
    return user


@pytest.fixture
def other_officer(db):
    """An officer of another agency: reads everything, may not update the lead agency's actions."""
    user = in_role(UserFactory(username="other-officer"), roles.OFFICERS)
    ProfileFactory(user=user, agency=AgencyFactory(name="Metropolitan Police", slug="met"))
    return user


@pytest.fixture
def administrator(db):
    """A member of the Administrators group with staff status (not a superuser)."""
    return in_role(UserFactory(username="administrator", is_staff=True), roles.ADMINISTRATORS)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def led_action(db, lead_agency):
    """An action of an active 2017-18 plan, led by `lead_agency`, due "March 18"."""
    return ActionFactory(lead_agency=lead_agency)
