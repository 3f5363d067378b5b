"""Issue 7's journey in real Chromium: the update round e-mails an officer, who follows the link
in the e-mail while signed out, signs in, lands on the update form and records progress (and,
for an indicator their agency reports, its value)."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from actions.models import ProgressUpdate
from indicators.models import IndicatorValue
from tests.browser.conftest import DEMO_PASSWORD
from tests.conftest import PREFIX

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# In the Q4 2017-18 window of the demo plan (17 March to 10 April 2018).
IN_WINDOW = "2018-03-20"


def test_an_officer_records_progress_from_the_link_in_their_email(
    page, live_server, demo_data, settings, axe_check
):
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_update_round", "--today", IN_WINDOW, stdout=StringIO())
    call_command("send_update_round", "--today", IN_WINDOW, stdout=StringIO())

    [email] = [message for message in mail.outbox if message.to == ["officer@example.org"]]
    # Every officer with something due has exactly one e-mail, however often the round runs.
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients))
    assert email.subject == (
        "Updates for Q4 2017-18 due by 10 April 2018: Safer Lewisham Plan 17-18"
    )
    action_link = re.search(r"Record progress: (\S+)", email.body).group(1)
    assert action_link.startswith(f"{live_server.url}{PREFIX}/actions/")
    assert action_link.endswith("/update/?quarter=4")
    action_id = int(re.search(rf"{PREFIX}/actions/(\d+)/update/", action_link).group(1))

    # Signed out: the link asks them to sign in, then takes them on to the form.
    page.goto(action_link)
    expect(page).to_have_url(re.compile(rf"{PREFIX}/sign-in/\?next="))
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(rf"{PREFIX}/actions/{action_id}/update/\?quarter=4$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record progress for Q4 2017-18")
    assert axe_check(page) == []
    page.get_by_label("Green").check()
    page.get_by_role("textbox", name="Narrative").fill("Delivered as planned in March.")
    page.get_by_role("button", name="Save progress").click()

    expect(page.get_by_text("Progress for Q4 2017-18 saved")).to_be_visible()
    update = ProgressUpdate.objects.get(action_id=action_id, quarter=4)
    assert (update.rag_rating, update.author.username) == ("green", "officer")

    # An indicator their agency reports, from the same e-mail (the demo data has some).
    indicator_link = re.search(r"Record the value: (\S+)", email.body)
    assert indicator_link, "the demo data should have an indicator due from the officer's agency"
    assert indicator_link.group(1).startswith(f"{live_server.url}{PREFIX}/indicators/")
    indicator_id = int(re.search(r"/indicators/(\d+)/record/", indicator_link.group(1)).group(1))
    page.goto(indicator_link.group(1))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the value for Q4 2017-18")
    page.locator("#id_value").fill("12")
    page.get_by_role("button", name="Save value").click()

    expect(page.get_by_text("Value for Q4 2017-18 saved")).to_be_visible()
    assert IndicatorValue.objects.get(indicator_id=indicator_id, quarter=4).value == 12

    # The service's navigation names their page My updates.
    page.get_by_role("link", name="My updates").click()
    expect(page).to_have_url(re.compile(rf"{PREFIX}/actions/mine/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My updates")
