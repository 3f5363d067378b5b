"""Shared fixtures: the people of each role, signed in.

Signing in: the fixtures use `force_login`, which skips authentication. Tests about signing in
post the sign-in form as a person does. `client.login()` is not used: it authenticates without
a request, which django-axes' login throttling (AxesStandaloneBackend) refuses.
"""

import os
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_scopes import scopes_disabled
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from actions.models import Action
from agencies import roles
from demo.loading import (
    DEMO_DATA_FILE,
    DEMO_PARTNERSHIP_FILES,
    DEMO_SHARED_FILE,
    load_demo_data,
    load_indicator_definitions,
    load_oversight,
    read_demo_file,
    restore_completion_statuses,
)
from partnerships.context import current_partnership, roles_and_addresses_of
from partnerships.models import ROLE_GROUPS, Membership, Partnership
from plans.models import AnnualPlan
from tests.copied_rows import CopiedRows
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    ProfileFactory,
    SuperuserFactory,
    UserFactory,
)

# Helpers that check as tests do, with pytest's account of a failed assert.
pytest.register_assert_rewrite("tests.migrating", "tests.workers")

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

# Modules whose tests share state in the process (a module-scoped fixture one test fills and the
# next one reads), so that pytest-xdist's workers must run them in one process, in order.
RUN_TOGETHER = {"tests/browser/test_every_page.py"}  # crawl_log


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent with -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs the suite on one worker per CPU (pytest-xdist), each with its own test
    database. Tests are handed out one by one in the collection's order, as with xdist's "load",
    so that each worker, like a run without workers, has its transactional tests (which empty
    the database) after all its others, as pytest-django orders them; the modules of
    RUN_TOGETHER go to one worker whole. (xdist's own "loadgroup" would do that, but it marks
    the tests by renaming their node ids, which pytest 9 no longer lets a plugin do.)"""
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0]
            return module if module in RUN_TOGETHER else nodeid

    config.option.loadscopereorder = False  # the largest scope first would break that order
    return Scheduling(config, log)


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def page_cache(settings, monkeypatch):
    """The page cache (safer_lewisham/pagecache.py) is on in the tests, as in production, so that
    every test that changes something and reads a page again checks that the page was drawn
    again. Each test starts with it empty. A test counting a page's queries counts its drawing:
    the cache is off while queries are captured (tests/test_page_cache.py tests it)."""
    caches["default"].clear()
    settings.PAGE_CACHE = True
    enter, exit_ = CaptureQueriesContext.__enter__, CaptureQueriesContext.__exit__

    def entering(self):
        self._page_cache = override_settings(PAGE_CACHE=False)
        self._page_cache.enable()
        return enter(self)

    def exiting(self, *args):
        try:
            return exit_(self, *args)
        finally:
            self._page_cache.disable()

    monkeypatch.setattr(CaptureQueriesContext, "__enter__", entering)
    monkeypatch.setattr(CaptureQueriesContext, "__exit__", exiting)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real password hashing is slow on purpose; the tests do not need it to be."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(scope="session", autouse=True)
def uploaded_files_kept_apart(tmp_path_factory):
    """Uploaded files (imports, progress spreadsheets, logos) go to a folder of the test run's
    own, never the checkout's media/; one for the session, as records made once are."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


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
    put_back_what_the_migrations_seed()


def put_back_what_the_migrations_seed():
    """Make again what the migrations seed (content types, permissions, the role groups, the
    completion statuses) where it is missing, and the tests' partnership."""
    ContentType.objects.clear_cache()
    # A flush after a serialized_rollback test skips post_migrate, leaving no content types or
    # permissions either: send it, as migrate does (it also makes the role groups).
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    restore_completion_statuses()
    make_test_partnership()


# The partnership the tests work in ---------------------------------------------------------------
#
# Every test works in one partnership, the demo's (Safer Lewisham, "/p/lewisham/"), unless it
# says otherwise: records its factories make belong to it, the people `in_role` makes have their
# role in it, `reverse()` makes its addresses, and a test's own queries read every partnership's
# rows (a page the test client requests sees only its partnership's, as in production).

TEST_PARTNERSHIP = read_demo_file(DEMO_DATA_FILE)["partnership"]
TEST_PARTNERSHIP_SLUG = TEST_PARTNERSHIP["slug"]
PREFIX = f"/p/{TEST_PARTNERSHIP_SLUG}"
# Its id, the same whenever it is made again (after a transactional test empties the database),
# so that tests without the database know it; far above the ids a database hands out.
TEST_PARTNERSHIP_ID = 900_001


def make_test_partnership():
    """The tests' partnership, made as the demo data makes it (so that loading the demo
    changes nothing of it)."""
    with scopes_disabled():
        return Partnership.objects.get_or_create(
            pk=TEST_PARTNERSHIP_ID,
            defaults={"slug": TEST_PARTNERSHIP_SLUG, **TEST_PARTNERSHIP},
        )[0]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the tests' partnership in it."""
    with django_db_blocker.unblock():
        make_test_partnership()


@contextmanager
def working_in_the_test_partnership():
    """Work in the tests' partnership (see above), reading every row."""
    partnership = Partnership(pk=TEST_PARTNERSHIP_ID, **TEST_PARTNERSHIP)
    with roles_and_addresses_of(partnership, PREFIX + "/"), scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def in_the_test_partnership():
    with working_in_the_test_partnership():
        yield


# The demo data ---------------------------------------------------------------------------------

DEMO_PLAN = "safer-lewisham-plan-17-18"


def demo_copied(django_db_blocker, load) -> CopiedRows:
    """The rows `load` writes, written once (then rolled back) and kept to copy into each test
    that asks (tests/copied_rows.py)."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
        working_in_the_test_partnership(),
    ):
        with transaction.atomic():
            # After a transactional test the database has been emptied: the demo refers to the
            # role groups and completion statuses, so put them back (for the copy only) first.
            put_back_what_the_migrations_seed()
            rows = CopiedRows.of(load)
            transaction.set_rollback(True)
        ContentType.objects.clear_cache()
    return rows


@pytest.fixture(scope="session")
def demo_rows(django_db_setup, django_db_blocker):
    """The Safer Lewisham demo's rows, loaded once per test session and copied."""

    def load_the_demo():
        load_indicator_definitions(read_demo_file(DEMO_SHARED_FILE))
        load_demo_data(read_demo_file(DEMO_DATA_FILE), create_users=True)

    return demo_copied(django_db_blocker, load_the_demo)


@pytest.fixture(scope="session")
def whole_demo_rows(django_db_setup, django_db_blocker):
    """The whole demo's rows, as `make run` loads it: Safer Lewisham, the invented Safer
    Eastmere and the oversight body covering both, with every demo login; loaded once per test
    session and copied."""

    def load_the_whole_demo():
        shared = read_demo_file(DEMO_SHARED_FILE)
        summary = load_indicator_definitions(shared)
        for path in DEMO_PARTNERSHIP_FILES:
            load_demo_data(read_demo_file(path), create_users=True)
        load_oversight(shared, create_users=True, summary=summary)

    return demo_copied(django_db_blocker, load_the_whole_demo)


@pytest.fixture
def whole_demo(db, whole_demo_rows):
    """The whole demo (see whole_demo_rows) in the test's database."""
    whole_demo_rows.insert()


@pytest.fixture
def demo_data(db, demo_rows):
    """The Safer Lewisham demo data with its demo logins, as `seed_demo` loads it with DEBUG on
    (`make run`): plans, agencies, actions with a year of progress, indicators, and the users
    admin, chair, officer and police."""
    demo_rows.insert()


@pytest.fixture
def demo_plan(demo_data):
    """The demo's 2017-18 plan, the one with three quarters of progress."""
    return AnnualPlan.objects.get(slug=DEMO_PLAN)


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
    return make_member()


def make_member():
    return in_role(UserFactory(username="member"), roles.CHAIR_AND_MEMBERS)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def in_role(user, role, partnership=None):
    """The person, with a role (a group's name in agencies.roles, or a Role) in the tests'
    partnership or the one given."""
    roles_by_group = {group: role for role, group in ROLE_GROUPS.items()}
    Membership.objects.update_or_create(
        user=user,
        partnership=partnership or current_partnership(),
        defaults={"role": roles_by_group.get(role, role)},
    )
    return user


@pytest.fixture
def lead_agency(db):
    """The agency that leads the `led_action`."""
    return make_lead_agency()


def make_lead_agency():
    return AgencyFactory(name="Lewisham Council", slug="lewisham-council")


@pytest.fixture
def officer(db, lead_agency):
    """An officer of the lead agency: may record progress on the actions their agency leads."""
    return make_officer(lead_agency)


def make_officer(agency):
    user = in_role(UserFactory(username="officer"), roles.OFFICERS)
    ProfileFactory(user=user, agency=agency)
    return user


@pytest.fixture
def other_officer(db):
    """An officer of another agency: reads everything, may not update the lead agency's actions."""
    return make_other_officer()


def make_other_officer():
    user = in_role(UserFactory(username="other-officer"), roles.OFFICERS)
    ProfileFactory(user=user, agency=AgencyFactory(name="Metropolitan Police", slug="met"))
    return user


@pytest.fixture
def administrator(db):
    """A member of the Administrators group with staff status (not a superuser)."""
    return make_administrator()


def make_administrator():
    return in_role(UserFactory(username="administrator", is_staff=True), roles.ADMINISTRATORS)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def led_action(db, lead_agency):
    """An action of an active 2017-18 plan, led by `lead_agency`, due "March 18"."""
    return ActionFactory(lead_agency=lead_agency)


# The objects of the site's pages (tests/test_access.py, tests/test_csrf.py) ---------------------


@dataclass
class Site:
    """The objects the pages are about: a plan with an action led by the officer's agency, and
    a password reset link of someone who is not signing in (signing in would void the link)."""

    action: Action
    users: dict  # by role: "officer", "other_officer", "member", "administrator"
    forgetful: object
    uidb64: str
    token: str

    @property
    def plan(self):
        return self.action.plan


@pytest.fixture(scope="session")
def site_rows(django_db_setup, django_db_blocker):
    """The rows of `site`, made once per test session and copied (tests/copied_rows.py)."""

    def make_the_site():
        lead_agency = make_lead_agency()
        users = {
            "officer": make_officer(lead_agency),
            "other_officer": make_other_officer(),
            "member": make_member(),
            "administrator": make_administrator(),
        }
        forgetful = UserFactory(username="forgetful", email="forgetful@example.org")
        return {
            "action": ActionFactory(lead_agency=lead_agency).pk,
            "users": {role: user.pk for role, user in users.items()},
            "forgetful": forgetful.pk,
            "uidb64": urlsafe_base64_encode(force_bytes(forgetful.pk)),
            "token": default_token_generator.make_token(forgetful),
        }

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
        working_in_the_test_partnership(),
    ):
        return CopiedRows.of(make_the_site)


@pytest.fixture
def site(db, site_rows):
    """An action of an active plan led by Lewisham Council, the people of each role (as the
    fixtures `officer`, `other_officer`, `member` and `administrator` make them) and a password
    reset link: what the role × page table of tests/test_access.py is about."""
    site_rows.insert()
    made = site_rows.made
    users = get_user_model().objects.in_bulk(made["users"].values())
    return Site(
        action=Action.objects.get(pk=made["action"]),
        users={role: users[pk] for role, pk in made["users"].items()},
        forgetful=get_user_model().objects.get(pk=made["forgetful"]),
        uidb64=made["uidb64"],
        token=made["token"],
    )
