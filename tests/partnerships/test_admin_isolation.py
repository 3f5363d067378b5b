"""A partnership's administrator sees only their partnership in Plan administration: change
lists, choices, filters, histories and the import's lookups; the site's own models (partnerships
to make, oversight bodies, shared indicator definitions) are the site administrators'."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from actions.models import Action
from partnerships.context import acting_in
from partnerships.models import Partnership
from tests.conftest import PREFIX

pytestmark = pytest.mark.django_db

ADMIN = PREFIX + "/admin/"
EASTMERE_ACTION = "Weapons sweeps and stop and search briefings"


def read(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def administrator(whole_demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def test_the_action_list_holds_only_the_partnerships_actions(administrator):
    response = administrator.get(ADMIN + "actions/action/", {"all": ""})

    lewisham = Action.objects.filter(strand__priority__plan__partnership__slug="lewisham")
    assert response.context["cl"].result_count == lewisham.count()
    assert EASTMERE_ACTION not in read(response)


def test_its_filters_offer_only_the_partnerships_agencies(administrator):
    page = read(administrator.get(ADMIN + "actions/action/"))

    assert "Lewisham Council" in page
    assert "Eastmere Council" not in page
    assert "Met Police" in page or "Metropolitan Police Service" in page  # a partner of both


def test_an_actions_choices_are_the_partnerships_agencies_and_people(administrator):
    action = Action.objects.get(
        strand__priority__plan__slug="safer-lewisham-plan-17-18", reference="1.1"
    )

    page = administrator.get(ADMIN + f"actions/action/{action.pk}/change/").content.decode()

    lead_agency = re.search(r'<select name="lead_agency".*?</select>', page, re.S).group(0)
    assert "Lewisham Council" in lead_agency
    assert "Eastmere" not in lead_agency
    lead_officer = re.search(r'<select name="lead_officer".*?</select>', page, re.S).group(0)
    # People are shown by username.
    assert ">officer<" in lead_officer
    assert ">eastmere-officer<" not in lead_officer
    assert ">inspector<" in lead_officer  # of both


def test_the_people_are_the_partnerships(administrator):
    page = read(administrator.get(ADMIN + "auth/user/"))

    for username in ["admin", "chair", "officer", "police", "inspector"]:
        assert username in page
    for username in ["eastmere-admin", "eastmere-chair", "eastmere-officer", "oversight"]:
        assert username not in page


def test_the_partnership_list_is_the_partnership_itself(administrator):
    page = read(administrator.get(ADMIN + "partnerships/partnership/"))

    assert "Safer Lewisham Partnership" in page
    assert "Safer Eastmere Partnership" not in page


def test_another_partnerships_record_is_not_there(administrator):
    theirs = Action.objects.get(
        strand__priority__plan__partnership__slug="eastmere", reference="1.2"
    )

    change = administrator.get(ADMIN + f"actions/action/{theirs.pk}/change/")
    history = administrator.get(ADMIN + f"actions/action/{theirs.pk}/history/")

    assert change.status_code == 302  # admin's answer to a record that is not there
    assert history.status_code == 404


def test_the_site_administrators_models_are_not_in_it(administrator):
    page = read(administrator.get(ADMIN))

    assert "Oversight bodies" not in page
    assert "Shared indicator definitions" not in page
    assert administrator.get(ADMIN + "partnerships/oversightbody/").status_code == 403
    assert administrator.get(ADMIN + "partnerships/partnership/add/").status_code == 403


def test_the_sites_admin_sends_a_partnership_administrator_to_their_own(administrator):
    response = administrator.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == ADMIN


def test_a_site_administrator_sees_every_partnership_at_the_sites_admin(whole_demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="siteadmin"))

    page = read(client.get("/admin/partnerships/partnership/"))

    assert "Safer Lewisham Partnership" in page and "Safer Eastmere Partnership" in page
    assert client.get("/admin/partnerships/partnership/add/").status_code == 200


def test_an_import_finds_only_the_partnerships_people(whole_demo):
    from imports.planning import PeopleMatcher

    with acting_in(Partnership.objects.get(slug="lewisham")):
        people = PeopleMatcher()
    assert people.match("Daniel Osei")[0].username == "officer"
    assert people.match("Jamal Hussain")[0] is None
    assert people.match("eastmere-officer")[0] is None


def test_an_import_finds_only_the_partnerships_agencies(whole_demo):
    from imports.organisations import Organisations

    with acting_in(Partnership.objects.get(slug="lewisham")):
        organisations = Organisations()
        assert organisations.find("Lewisham Council").agency.slug == "lewisham-council"
        assert organisations.find("Eastmere Council (fictional)").agency is None
