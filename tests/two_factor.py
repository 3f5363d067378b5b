"""Two-factor authentication in tests: give a person an authenticator app, and type the code it
shows, computed as the app computes it (django_otp.oath's TOTP on the app's key). Signing in
through the sign-in page as an administrator, or as anyone with an app, takes this step."""

import re
import time
from base64 import b32decode

from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from twofactor.devices import give_app
from twofactor.forms import APP_CODE_LABEL

# The key of RFC 6238's test vectors.
KEY = "3132333435363738393031323334353637383930"
CODE_PAGE = "/sign-in/code/"


def with_an_app(user, key=KEY):
    """The person, with an authenticator app set up on `key`."""
    give_app(user, key)
    return user


def shown_by(key, *, at=None, steps_on=0) -> str:
    """The code an app set up on `key` shows at `at` (a Unix time; now by default), or
    `steps_on` 30-second steps after it."""
    totp = TOTP(bytes.fromhex(key), drift=steps_on)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def code_for(user) -> str:
    """A code the person's app shows that the service will take now. A code is taken once: after
    one was used, the next comes from the following 30 seconds (which the service accepts, as
    a phone's clock may be ahead); after that, wait for the next step."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        for ahead in range(device.tolerance + 1):
            if totp.t() + ahead > device.last_t:
                totp.drift = device.drift + ahead
                return f"{totp.token():06d}"
        time.sleep(1)


def through_the_second_step(client, response, user, **request):
    """After a sign-in form was posted (`response`): where the code is asked for, type it, and
    answer the redirect of the sign-in page that follows (onward to the `next` page or the
    person's landing page), as a browser would show it. Any other response is answered as it
    is."""
    if response.status_code != 302 or not response.url.endswith(CODE_PAGE):
        return response
    typed = client.post(response.url, {"code": code_for(user)}, **request)
    assert typed.status_code == 302, typed.status_code
    return client.get(typed.url, **request)


def key_on(page) -> str:
    """The secret key the set-up page shows (base32, spaced), as django-otp keeps keys (hex)."""
    return key_from(re.search(r'id="secret-key">([A-Z2-7 ]+)<', page.content.decode()).group(1))


def key_from(text: str) -> str:
    """A key as the set-up page writes it (base32, spaced), as django-otp keeps keys (hex)."""
    key = text.replace(" ", "")
    return b32decode(key + "=" * (-len(key) % 8)).hex()


def wrong_code(user) -> str:
    """Six digits that the person's app does not show now (nor 30 seconds either side)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    near = {shown_by(device.key, steps_on=step) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def type_the_code(page, username, button="Continue"):
    """In the browser, on a page asking for the code, type the one the person's app shows."""
    user = get_user_model().objects.get(username=username)
    page.get_by_label(APP_CODE_LABEL).fill(code_for(user))
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def pass_the_second_step(page, username):
    """After the password, in the browser: the code, where the sign-in asks for one."""
    if CODE_PAGE in page.url:
        type_the_code(page, username)
