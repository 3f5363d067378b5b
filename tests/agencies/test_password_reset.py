"""Resetting a forgotten password by e-mail: Django's views with GOV.UK forms and wording.

The pages are reached from a partnership's sign-in page (where its pages send someone signed
out), under its address; they work the same at the site's root."""

import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from django.test.utils import override_script_prefix
from django.urls import reverse

from tests.conftest import PREFIX
from tests.factories import UserFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "a-long-new-passphrase-for-officers"
LINK = re.compile(rf"http://testserver({PREFIX}/sign-in/reset/[^/\s]+/[^/\s]+/)")
ROOT_LINK = re.compile(r"http://testserver(/sign-in/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def officer():
    return UserFactory(username="officer", email="officer@lewisham.example.gov.uk")


def main_text(response):
    """The text of the page's <main>: what it says, without the header or footer."""
    html = response.content.decode()
    main = re.search(r"<main\b.*?</main>", html, re.S).group(0)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def at_the_root():
    """Requests at the site's root (no /p/<slug>/) with the root's script prefix, as the server
    sets it for each request: Django's test client does not, and the tests otherwise work under
    their partnership's."""
    return override_script_prefix("/")


def ask_for_a_link(client, email="officer@lewisham.example.gov.uk"):
    return client.post(reverse("password_reset"), {"email": email})


def link_in(message):
    return LINK.search(message.body).group(1)


def open_the_link(client, mailoutbox):
    """Follow the e-mailed link as a browser does: it redirects to the form without the token."""
    response = client.get(link_in(mailoutbox[-1]))
    assert response.status_code == 302
    return response.url


def test_the_sign_in_page_links_to_password_reset(client):
    response = client.get(reverse("login"))

    assert (
        f'<a class="govuk-link" href="{reverse("password_reset")}">Forgotten your password?</a>'
        in response.content.decode()
    )


def test_it_shows_the_reset_page_to_an_anonymous_visitor(client):
    response = client.get(reverse("password_reset"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Reset your password</h1>' in html
    assert re.search(r'<label for="id_email" class="govuk-label">\s*Email address\s*</label>', html)
    assert 'autocomplete="email"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_it_sends_a_link_to_the_accounts_address(client, officer, mailoutbox):
    response = ask_for_a_link(client)

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["officer@lewisham.example.gov.uk"]
    assert message.subject == "Reset your password for the Action plan tracker"
    assert LINK.search(message.body)


def test_the_email_is_plain_text_and_gives_the_username(client, officer, mailoutbox):
    ask_for_a_link(client)

    message = mailoutbox[0]
    assert message.alternatives == []
    assert "Your username is: officer" in message.body
    assert "The link can only be used once, within 3 days." in message.body
    assert "&" not in message.body  # not HTML-escaped


def test_it_sends_the_email_from_the_default_from_address(client, officer, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "plans@lewisham.example.gov.uk"

    ask_for_a_link(client)

    assert mailoutbox[0].from_email == "plans@lewisham.example.gov.uk"


def test_it_says_the_same_whether_or_not_the_address_has_an_account(client, officer, mailoutbox):
    known = client.get(ask_for_a_link(client).url)
    unknown_response = ask_for_a_link(client, "nobody@example.org")
    unknown = client.get(unknown_response.url)

    assert unknown_response.url == reverse("password_reset_done")
    assert main_text(known) == main_text(unknown)
    assert "If the address you entered belongs to an account" in main_text(unknown)
    assert len(mailoutbox) == 1  # only the real account was sent a link


def test_it_asks_for_an_email_address_when_the_form_is_empty(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": ""})

    assert response.status_code == 200
    assert "Error: Reset your password" in text_of(response)
    assert '<a href="#id_email">Enter your email address</a>' in response.content.decode()
    assert mailoutbox == []


def test_it_explains_a_badly_written_email_address(client):
    response = client.post(reverse("password_reset"), {"email": "officer-at-lewisham"})

    page = text_of(response)
    assert "There is a problem" in page
    assert "Enter an email address in the correct format, like name@example.gov.uk" in page
    email_box = re.search(r'<input type="email" name="email"[^>]*>', response.content.decode())
    assert 'value="officer-at-lewisham"' in email_box.group(0)
    assert "govuk-input--error" in email_box.group(0)


def test_the_link_opens_the_new_password_form(client, officer, mailoutbox):
    ask_for_a_link(client)

    form_url = open_the_link(client, mailoutbox)
    response = client.get(form_url)

    assert form_url.endswith("/set-password/")  # the token is not left in the address bar
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Choose a new password</h1>' in html
    assert "Your username is officer" in text_of(response)
    assert re.search(r'<label for="id_new_password1" class="govuk-label">\s*New password', html)
    assert re.search(r'<label for="id_new_password2" class="govuk-label">\s*Confirm new', html)


def test_it_shows_a_too_short_password_as_a_govuk_error(client, officer, mailoutbox):
    ask_for_a_link(client)
    form_url = open_the_link(client, mailoutbox)

    # Too short and nothing else (a word such as "short" can also be too like a random name).
    response = client.post(form_url, {"new_password1": "q9z", "new_password2": "q9z"})

    assert response.status_code == 200
    html = response.content.decode()
    too_short = "New password must be 12 characters or more"
    assert "Error: Choose a new password" in text_of(response)
    assert 'class="govuk-error-summary"' in html
    # The summary links to the box the error is about; the error is shown beside it too.
    assert f'<a href="#id_new_password1">{too_short}</a>' in html
    assert re.search(r'id="id_new_password1_1_error" class="govuk-error-message"', html)
    password_box = re.search(r'<input type="password" name="new_password1"[^>]*>', html).group(0)
    assert "govuk-input--error" in password_box
    assert 'aria-describedby="id_new_password1_hint id_new_password1_1_error' in password_box


def test_it_shows_a_mismatch_beside_the_confirmation(client, officer, mailoutbox):
    ask_for_a_link(client)
    form_url = open_the_link(client, mailoutbox)

    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )

    assert '<a href="#id_new_password2">The passwords do not match</a>' in (
        response.content.decode()
    )


def test_it_keeps_the_old_password_after_an_error(client, officer, mailoutbox):
    ask_for_a_link(client)
    form_url = open_the_link(client, mailoutbox)

    client.post(form_url, {"new_password1": "short", "new_password2": "short"})

    officer.refresh_from_db()
    assert officer.check_password("correct-horse-battery")


def test_a_new_password_set_through_the_link_signs_in(client, officer, mailoutbox):
    ask_for_a_link(client)
    form_url = open_the_link(client, mailoutbox)

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.url == reverse("password_reset_complete")
    done = client.get(response.url)
    assert "Your password has been changed" in text_of(done)
    assert f'<a class="govuk-link" href="{reverse("login")}">Sign in</a>' in done.content.decode()

    signed_in = client.post(reverse("login"), {"username": "officer", "password": NEW_PASSWORD})

    assert signed_in.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_old_password_no_longer_signs_in_after_a_reset(client, officer, mailoutbox):
    ask_for_a_link(client)
    form_url = open_the_link(client, mailoutbox)
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    client.post(reverse("login"), {"username": "officer", "password": "correct-horse-battery"})

    assert "_auth_user_id" not in client.session


def test_the_link_works_only_once(client, officer, mailoutbox):
    ask_for_a_link(client)
    link = link_in(mailoutbox[0])
    form_url = open_the_link(client, mailoutbox)
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link)

    assert response.status_code == 200
    assert "This link has expired" in text_of(response)
    assert (
        f'<a class="govuk-link" href="{reverse("password_reset")}">Ask for a new link</a>'
        in response.content.decode()
    )


def test_a_made_up_link_shows_the_expired_page(client, officer):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "not-a-real-token"]))

    assert response.status_code == 200
    assert "This link has expired" in text_of(response)
    assert 'name="new_password1"' not in response.content.decode()


def test_at_the_root_the_link_and_the_pages_are_the_roots(client, officer, mailoutbox):
    """Someone who asks at the site's root, of no partnership, is sent a link to the root's
    pages, and resets their password there."""
    with at_the_root():
        response = client.post("/sign-in/reset/", {"email": officer.email})
        link = ROOT_LINK.search(mailoutbox[-1].body).group(1)
        form_url = client.get(link).url
        changed = client.post(
            form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )

    assert response.url == "/sign-in/reset/sent/"
    assert PREFIX not in mailoutbox[-1].body
    assert form_url.startswith("/sign-in/reset/")
    assert changed.url == "/sign-in/reset/done/"
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)


def test_no_link_is_sent_to_a_switched_off_account(client, mailoutbox):
    UserFactory(username="left", email="left@example.org", is_active=False)

    ask_for_a_link(client, "left@example.org")

    assert mailoutbox == []


def settings_in_subprocess(env):
    names = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL"]
    script = "from django.conf import settings; "
    script += f"print('|'.join(str(getattr(settings, n)) for n in {names!r}))"
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEFAULT_FROM"))}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env={**keep, "DJANGO_SETTINGS_MODULE": "safer_lewisham.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.strip().split("|")


def test_emails_go_to_the_console_unless_an_smtp_server_is_named():
    backend, host, *_, from_email = settings_in_subprocess({})

    assert backend == "django.core.mail.backends.console.EmailBackend"
    assert host == ""
    assert from_email == "no-reply@localhost"


def test_emails_go_through_smtp_when_the_environment_names_a_server():
    values = settings_in_subprocess(
        {"EMAIL_HOST": "smtp.example.gov.uk", "DEFAULT_FROM_EMAIL": "plans@example.gov.uk"}
    )

    assert values == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.gov.uk",
        "587",
        "True",
        "plans@example.gov.uk",
    ]


def test_an_account_without_a_password_is_told_how_to_sign_in_instead(client, mailoutbox):
    """Django's form sends nothing to an account with no usable password (single sign-on, an
    invitation not yet followed, password sign-in switched off) while the page says a link
    was sent: here the person is told what to do instead, and the page is the same as for an
    address with no account, so it reveals nothing."""
    person = UserFactory(username="sso-person", email="sso.person@lewisham.example.gov.uk")
    person.set_unusable_password()
    person.save()

    response = client.post(
        reverse("password_reset"), {"email": "SSO.Person@lewisham.example.gov.uk"}, follow=True
    )
    nobody = client.post(
        reverse("password_reset"), {"email": "nobody@lewisham.example.gov.uk"}, follow=True
    )

    (message,) = mailoutbox
    assert message.to == ["sso.person@lewisham.example.gov.uk"]
    assert "does not sign in with a password" in message.body
    assert f"http://testserver{PREFIX}/sign-in/" in message.body
    assert "/sign-in/reset/" not in message.body
    assert main_text(response) == main_text(nobody)


def test_a_switched_off_account_is_sent_nothing(client, mailoutbox):
    person = UserFactory(username="left", email="left@lewisham.example.gov.uk", is_active=False)
    person.set_unusable_password()
    person.save()

    client.post(reverse("password_reset"), {"email": "left@lewisham.example.gov.uk"})

    assert not mailoutbox
