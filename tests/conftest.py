"""Shared fixtures: the people of each role, signed in.

Signing in: the fixtures use `force_login`, which skips authentication. Tests about signing in
post the sign-in form as a person does. `client.login()` is not used: it authenticates without
a request, which django-axes' login throttling (AxesStandaloneBackend) refuses.
"""

import os

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from agencies import roles
from demo.loading import restore_completion_statuses
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    ProfileFactory,
    SuperuserFactory,
    UserFactory,
)

# Property-based tests (hypothesis): a modest number of examples keeps the suite fast; tests that
# use the database have no deadline (a slow database is not a failure of the property).
# HYPOTHESIS_PROFILE=thorough runs many more, for a search by hand.
hypothesis_settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "thorough", parent=hypothesis_settings.get_profile("default"), max_examples=2000
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real password hashing is slow on purpose; the tests do not need it to be."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def seeded_by_migrations(request):
    """For tests with committed transactions: put back what the migrations seed (the completion
    statuses and the role groups) and forget cached content types.

    Such tests end by emptying the database (flush), which makes content types and permissions
    again (not always: see below) but not the migrations' data. serialized_rollback is meant to
    restore it, but once the
    browser tests' Playwright event loop is running, Django hands later tests a different
    connection object without the serialized copy, so the rows are made again here, the way the
    migrations make them.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    ContentType.objects.clear_cache()
    # A flush after a serialized_rollback test skips post_migrate, leaving no content types or
    # permissions either: send it, as migrate does (it also makes the role groups).
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    restore_completion_statuses()


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
