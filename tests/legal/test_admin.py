"""The legal pages in Plan administration: a partnership's administrators write their own text,
starting from the default, and go back to the default; they never see another partnership's;
site administrators see every partnership's at the site's admin."""

import re
from html import unescape
from importlib import import_module

import pytest
from django.test import Client

from agencies import roles
from legal.models import LegalPage
from tests.conftest import PREFIX, in_role
from tests.factories import LegalPageFactory, PartnershipFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN = f"{PREFIX}/admin/legal/legalpage/"


def read(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def our_admin(administrator):
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture
def eastmere():
    return PartnershipFactory(name="Safer Eastmere Partnership", slug="eastmere")


@pytest.fixture
def their_admin(eastmere):
    client = Client()
    client.force_login(
        in_role(UserFactory(username="eastmere-admin"), roles.ADMINISTRATORS, partnership=eastmere)
    )
    return client


def test_the_list_says_which_pages_have_the_default_text(our_admin):
    LegalPageFactory(kind=LegalPage.Kind.COOKIES)

    page = read(our_admin.get(ADMIN))

    assert "Accessibility statement : the default text." in page
    assert "Write your own accessibility statement, starting from the default" in page
    assert "Cookies : your own text, last updated" in page
    assert "Change your cookies page" in page


def test_a_new_page_starts_from_the_default_text_for_the_partnership(our_admin):
    response = our_admin.get(ADMIN + "add/", {"kind": "privacy"})

    form = response.context["adminform"].form
    assert form.initial["kind"] == "privacy"
    assert (
        "The Safer Lewisham Partnership is the statutory Community Safety Partnership"
        in (form.initial["text"])
    )
    assert "safer.lewisham@example.org" in form.initial["text"]


def test_the_add_form_offers_only_the_pages_not_yet_written(our_admin):
    LegalPageFactory(kind=LegalPage.Kind.PRIVACY)

    response = our_admin.get(ADMIN + "add/")

    choices = [value for value, _ in response.context["adminform"].form.fields["kind"].choices]
    assert choices == ["", "accessibility", "cookies"]
    assert "Start from the default text of:" in read(response)


def test_an_administrator_writes_the_partnerships_own_page(our_admin):
    response = our_admin.post(
        ADMIN + "add/?kind=cookies", {"kind": "cookies", "text": "## Our cookies\n\n- one"}
    )

    assert response.status_code == 302
    page = LegalPage.objects.get()
    assert (page.partnership.slug, page.kind) == ("lewisham", "cookies")
    assert "Our cookies" in read(Client().get(f"{PREFIX}/cookies/"))


def test_a_line_that_is_not_a_heading_is_refused_with_its_line_number(our_admin):
    response = our_admin.post(ADMIN + "add/", {"kind": "cookies", "text": "Intro\n# Our cookies"})

    assert response.status_code == 200
    assert "Line 2 starts with “#” but is not a heading" in read(response)
    assert not LegalPage.objects.exists()


def test_a_text_far_too_long_is_refused_with_its_length(our_admin):
    response = our_admin.post(ADMIN + "add/", {"kind": "cookies", "text": "x" * 50_001})

    assert "The text must be 50,000 characters or fewer: it has 50,001." in read(response)
    assert not LegalPage.objects.exists()


def test_going_back_to_the_default_text(our_admin):
    page = LegalPageFactory(kind=LegalPage.Kind.COOKIES, text="Our own cookies page.")

    response = our_admin.post(
        ADMIN, {"action": "back_to_default", "_selected_action": [page.pk]}, follow=True
    )

    assert "1 page back to the default text." in read(response)
    assert not LegalPage.objects.exists()
    assert "essential" in read(Client().get(f"{PREFIX}/cookies/"))
    history = LegalPage.history.filter(id=page.pk).order_by("history_date").last()
    assert history.history_type == "-"
    assert history.history_change_reason == "Went back to the default text"


def test_a_page_once_written_keeps_its_kind(our_admin):
    page = LegalPageFactory(kind=LegalPage.Kind.COOKIES)

    our_admin.post(ADMIN + f"{page.pk}/change/", {"kind": "privacy", "text": "Changed."})

    page.refresh_from_db()
    assert (page.kind, page.text) == ("cookies", "Changed.")


def test_another_partnerships_administrators_do_not_see_its_pages(their_admin, eastmere):
    ours = LegalPageFactory(kind=LegalPage.Kind.PRIVACY, text="Lewisham's own notice.")
    LegalPageFactory(kind=LegalPage.Kind.PRIVACY, partnership=eastmere, text="Eastmere's own.")
    theirs = "/p/eastmere/admin/legal/legalpage/"

    listed = their_admin.get(theirs)
    assert listed.context["cl"].result_count == 1
    assert "Lewisham's own notice." not in read(listed)
    # Ours asked for at their address: admin's answer for a record that is not there.
    change = their_admin.get(theirs + f"{ours.pk}/change/")
    assert change.status_code == 302
    assert change["Location"] == "/p/eastmere/admin/"
    assert their_admin.get(theirs + f"{ours.pk}/history/").status_code == 404
    taken = their_admin.post(theirs + f"{ours.pk}/change/", {"text": "Taken over."})
    assert (taken.status_code, taken["Location"]) == (302, "/p/eastmere/admin/")
    ours.refresh_from_db()
    assert ours.text == "Lewisham's own notice."
    # ... and at our address, nothing at all.
    assert their_admin.get(ADMIN + f"{ours.pk}/change/").status_code == 404


def test_another_partnerships_administrators_cannot_delete_its_pages(their_admin):
    ours = LegalPageFactory(kind=LegalPage.Kind.PRIVACY)

    their_admin.post(
        "/p/eastmere/admin/legal/legalpage/",
        {"action": "back_to_default", "_selected_action": [ours.pk]},
    )

    assert LegalPage.objects.filter(pk=ours.pk).exists()


def test_officers_and_members_cannot_change_the_pages(member_client):
    page = LegalPageFactory()

    assert member_client.get(ADMIN).status_code == 302  # to admin's sign-in
    member_client.post(ADMIN + f"{page.pk}/change/", {"text": "Changed."})
    page.refresh_from_db()
    assert page.text != "Changed."


def test_a_site_administrator_sees_every_partnerships_pages_at_the_sites_admin(eastmere):
    LegalPageFactory(text="Lewisham's own notice.")
    theirs = LegalPageFactory(partnership=eastmere, text="Eastmere's own.")
    client = Client()
    client.force_login(SuperuserFactory())

    listed = client.get("/admin/legal/legalpage/")
    assert listed.context["cl"].result_count == 2
    assert "Safer Eastmere Partnership" in read(listed)
    shown = client.get(f"/admin/legal/legalpage/{theirs.pk}/change/").content.decode()
    assert '<a href="/p/eastmere/privacy/">Privacy notice</a>' in shown
    response = client.post(f"/admin/legal/legalpage/{theirs.pk}/change/", {"text": "Corrected."})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.text == "Corrected."
    # Pages are added in a partnership's own admin, where the partnership is in force.
    assert client.get("/admin/legal/legalpage/add/").status_code == 403


LEGAL_PERMISSIONS = {"add_legalpage", "change_legalpage", "delete_legalpage", "view_legalpage"}


def test_a_new_administrators_group_may_write_the_legal_pages():
    codenames = {p.codename for p in roles.permissions_for(roles.ADMINISTRATORS)}

    assert LEGAL_PERMISSIONS <= codenames
    for role in (roles.CHAIR_AND_MEMBERS, roles.OFFICERS):
        assert not {p.codename for p in roles.permissions_for(role)} & LEGAL_PERMISSIONS


def test_the_migration_gives_an_existing_administrators_group_the_legal_pages():
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    migration = import_module("legal.migrations.0002_legal_pages_for_administrators")
    group = Group.objects.get(name=roles.ADMINISTRATORS)
    group.permissions.remove(*Permission.objects.filter(content_type__app_label="legal"))
    others = set(group.permissions.values_list("pk", flat=True))

    migration.grant(apps, None)

    legal = group.permissions.filter(content_type__app_label="legal")
    assert set(legal.values_list("codename", flat=True)) == LEGAL_PERMISSIONS
    assert (
        set(group.permissions.exclude(content_type__app_label="legal").values_list("pk", flat=True))
        == others
    )


def test_a_written_page_links_to_where_it_is_shown(our_admin):
    page = LegalPageFactory(kind=LegalPage.Kind.COOKIES)

    html = our_admin.get(ADMIN + f"{page.pk}/change/").content.decode()

    assert f'<a href="{PREFIX}/cookies/">Cookies</a> page in place of the default text' in html
