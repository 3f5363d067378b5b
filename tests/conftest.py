"""Shared fixtures: the people of each role, signed in."""

import pytest
from django.contrib.auth.models import Group

from agencies import roles
from tests.factories import SuperuserFactory, UserFactory


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
