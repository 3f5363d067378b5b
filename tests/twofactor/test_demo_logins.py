"""The demo's administrators must use two-factor authentication too: `seed_demo` gives them an
authenticator app on a fixed demo key and prints it, with recovery codes made afresh, so that a
tester without an app can still sign in as them."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.loading import DEMO_PASSWORD, DEMO_TWO_FACTOR_KEY
from tests.two_factor import shown_by
from twofactor.devices import secret_key_text

pytestmark = pytest.mark.django_db
ADMINISTRATORS = ["admin", "eastmere-admin", "siteadmin"]


@pytest.fixture
def printed(settings):
    settings.DEBUG = True  # as `make run` has it: only then are the demo logins made
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_demo_administrators_have_the_demo_app_and_the_key_is_printed(printed):
    for username in ADMINISTRATORS:
        device = TOTPDevice.objects.get(user__username=username)
        assert device.confirmed
        assert device.key == DEMO_TWO_FACTOR_KEY
    assert secret_key_text(DEMO_TWO_FACTOR_KEY) in printed
    assert not TOTPDevice.objects.filter(user__username__in=["chair", "officer"]).exists()


def test_a_printed_recovery_code_signs_the_demo_administrator_in(printed, client):
    line = re.search(r"^\s+admin: ((?:[a-z2-7]{8} ?){10})$", printed, re.MULTILINE)
    code = line.group(1).split()[0]
    client.post(reverse("login"), {"username": "admin", "password": DEMO_PASSWORD})

    client.post(reverse("twofactor:code") + "?with=recovery-code", {"code": code})

    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="admin").pk)


def test_the_printed_key_gives_the_code_that_signs_in(printed, client):
    client.post(reverse("login"), {"username": "eastmere-admin", "password": DEMO_PASSWORD})

    client.post(reverse("twofactor:code"), {"code": shown_by(DEMO_TWO_FACTOR_KEY)})

    assert "_auth_user_id" in client.session
