"""The first hour of a partnership that is not Lewisham, in real Chromium: the site
administrator runs `start_partnership`; its administrator follows the e-mailed link, chooses a
password and sets up two-factor authentication; invites three officers from a CSV file; one of
them follows their link, chooses a password, turns two-factor authentication on, signs in again
with both and records an update; another, whose council signs
its people in (the tests' OpenID Connect provider, in its own process), follows hers and joins
through single sign-on, with no password here, and records an update too.

The partner organisation and the plan are made directly (Plan administration's pages for them
have browser tests of their own: test_administrator_builds_a_plan.py)."""

import re
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from actions.models import ProgressUpdate
from partnerships.context import acting_in
from partnerships.models import Membership, Partnership, Role
from plans.quarters import Quarter
from sso.models import SingleSignOnProvider
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AnnualPlanFactory,
    PriorityFactory,
    StrandFactory,
)
from tests.oidc_provider import running
from tests.oidc_provider.running import secret_of
from tests.two_factor import key_from, shown_by, type_the_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The tests' OpenID Connect provider, started once for the session in its own process.
oidc_provider = running.oidc_provider

PASSWORD = "northbrook-first-hour-passphrase"
LINK = re.compile(r"(https?://\S+/invitations/join/\S+/)")
PEOPLE = (
    "Northbrook people,,,\n"
    "Name,E-mail,Organisation,Role\n"
    "Asha Officer,asha.officer@northbrook.example.gov.uk,Northbrook Council,Officer\n"
    "Ben Officer,ben.officer@northbrook.example.gov.uk,NDC,officer\n"
    "Cal Officer,cal.officer@northbrook.example.gov.uk,Northbrook Council,Officer\n"
)


def link_sent_to(address):
    (message,) = [message for message in mail.outbox if message.to == [address]]
    return LINK.search(message.body)[1]


def code_shown_for(page) -> str:
    """The code an authenticator app set up with the key the set-up page shows would show."""
    return shown_by(key_from(page.locator("#secret-key").inner_text()))


def a_plan_of(partnership):
    """An active plan of this year with one action led by the partner organisation."""
    with acting_in(partnership):
        council = AgencyFactory(
            name="Northbrook Council", short_name="NDC", slug="ndc", partner_of=[partnership]
        )
        plan = AnnualPlanFactory(
            partnership=partnership,
            strategy__partnership=partnership,
            title="Safer Northbrook Plan",
            slug="safer-northbrook-plan",
            financial_year=Quarter.containing(date.today()).financial_year,
        )
        strand = StrandFactory(priority=PriorityFactory(plan=plan), title="Knife crime")
        return ActionFactory(
            strand=strand, lead_agency=council, text="Run weapons sweeps with the community."
        )


def record_green(page, narrative):
    """From the signed-in officer's My updates: the action's progress, green."""
    page.get_by_role("link", name="My updates").click()
    page.get_by_role("link", name="Run weapons sweeps with the community.").first.click()
    page.get_by_role("button", name="Update progress").click()
    page.get_by_label("Green").check()
    page.get_by_role("textbox", name="Narrative").fill(narrative)
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_text(re.compile(r"Progress for Q\d \d{4}-\d\d saved"))).to_be_visible()


def test_a_new_partnership_starts_invites_its_officers_and_gets_its_first_update(
    page, live_server, axe_check, settings, oidc_provider
):
    settings.SITE_URL = live_server.url
    call_command(
        "start_partnership",
        "Safer Northbrook Partnership",
        "--short-name=Safer Northbrook",
        "--slug=northbrook",
        "--administrator-email=jo.bloggs@northbrook.example.gov.uk",
        "--administrator-name=Jo Bloggs",
        "--contact-email=community.safety@northbrook.example.gov.uk",
        stdout=StringIO(),
    )
    partnership = Partnership.objects.get(slug="northbrook")
    action = a_plan_of(partnership)

    # The administrator's invitation: a password, then two-factor authentication.
    page.goto(link_sent_to("jo.bloggs@northbrook.example.gov.uk"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Safer Northbrook Partnership")
    assert axe_check(page) == []
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    page.get_by_label("Code from your authenticator app").fill(code_shown_for(page))
    page.get_by_role("button", name=re.compile("Continue|Turn on|Set up")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    page.get_by_role("link", name=re.compile("I have saved my recovery codes")).click()

    # Three officers from a spreadsheet, checked before anything is sent.
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and invitations")
    page.get_by_role("link", name="Invite people from a spreadsheet").click()
    page.get_by_label("Upload a file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": PEOPLE.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the people to invite")
    expect(page.get_by_text("3 ready to invite")).to_be_visible()
    assert axe_check(page) == []
    page.get_by_role("button", name="Send 3 invitations").click()
    expect(page.get_by_text("3 invitations sent")).to_be_visible()
    expect(page.get_by_role("heading", name="Pending (3)")).to_be_visible()
    page.get_by_role("button", name=re.compile("Sign out")).click()

    # One of them joins and records the quarter's update.
    page.goto(link_sent_to("ben.officer@northbrook.example.gov.uk"))
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create your account").click()
    expect(page.get_by_text("Welcome to Safer Northbrook Partnership")).to_be_visible()
    # He turns two-factor authentication on (officers may), and signs in again with it.
    page.get_by_role("link", name="Two-factor authentication").click()
    page.get_by_role("link", name="Set up two-factor authentication").click()
    page.get_by_label("Code from your authenticator app").fill(code_shown_for(page))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.goto(live_server.url + "/p/northbrook/sign-in/")
    page.get_by_label("Username").fill("ben.officer@northbrook.example.gov.uk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    type_the_code(page, "ben.officer@northbrook.example.gov.uk")
    record_green(page, "First sweep done with residents.")

    update = ProgressUpdate.objects.get(action=action)
    assert update.author.email == "ben.officer@northbrook.example.gov.uk"
    assert Membership.objects.get(user=update.author).role == Role.OFFICER
    assert update.author.profile.agency.short_name == "NDC"
    page.get_by_role("button", name=re.compile("Sign out")).click()

    # The council's single sign-on, set up by the site administrator: Asha joins with it.
    council = SingleSignOnProvider.objects.create(
        name="Northbrook Council (Microsoft)",
        issuer=oidc_provider.issuer,
        client_id="safer-lewisham",
        client_secret=secret_of("safer-lewisham"),
    )
    council.partnerships.add(partnership)
    page.goto(link_sent_to("asha.officer@northbrook.example.gov.uk"))
    page.get_by_role("link", name="sign in with your organisation’s account").click()
    page.get_by_role("button", name="Sign in with Northbrook Council (Microsoft)").click()
    page.get_by_label("Username").fill("asha")
    page.get_by_label("Password").fill(running.PASSWORD)
    page.get_by_role("button", name="Sign in to the test provider").click()
    expect(page).to_have_url(re.compile(r"/p/northbrook/"))
    record_green(page, "Second sweep planned with the youth service.")

    asha = ProgressUpdate.objects.get(action=action).author
    assert asha.email == "asha.officer@northbrook.example.gov.uk"
    assert not asha.has_usable_password()
    assert Membership.objects.get(user=asha, partnership=partnership).role == Role.OFFICER
