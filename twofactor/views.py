"""The two-factor pages: typing a code while signing in, setting up an authenticator app (while
signing in, for an administrator who has none yet, or by choice when signed in), the recovery
codes shown once, and the signed-in person's "Two-factor authentication" page with its making
new recovery codes and turning it off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from . import devices, signing_in
from .forms import CodeForm

# The recovery codes just made, shown once by the recovery codes page, and where to go next.
FRESH_CODES_KEY = "twofactor_fresh_codes"
# The key of the authenticator app being set up, and whose it is: the same until confirmed, so
# that reloading the page does not change the QR code already scanned.
NEW_KEY_KEY = "twofactor_new_key"

WRONG_APP_CODE = "The code is not right. Enter the code your authenticator app shows now"
WRONG_RECOVERY_CODE = "The recovery code is not right, or it has already been used"
TOO_SOON = "A wrong code was entered moments ago. Wait a few seconds, then enter a new code"
WRONG_NEW_APP_CODE = (
    "The code is not right. Check that the time on your phone is right, then enter the code "
    "your authenticator app shows now"
)


def why_refused(check) -> str:
    if check.too_soon:
        return TOO_SOON
    return WRONG_RECOVERY_CODE if check.recovery_code else WRONG_APP_CODE


def back_to_sign_in(request, ran_out):
    """No pending sign-in (never, or it ran out): to the sign-in page, saying why if it ran
    out."""
    if ran_out:
        messages.info(request, "Signing in took too long. Sign in again.")
    return redirect("login")


@login_not_required
def code(request):
    """The second step of signing in: a code from the authenticator app, or a recovery code
    (`?with=recovery-code`). Each wrong code counts towards the sign-in lockout."""
    was_pending = signing_in.is_pending(request)
    user = signing_in.pending_user(request)
    if user is None:
        return back_to_sign_in(request, ran_out=was_pending)
    if not devices.has_two_factor(user):
        return redirect("twofactor:enrol")
    refusal = signing_in.locked_out(request, user)
    if refusal is not None:
        return refusal
    recovery = request.GET.get("with") == "recovery-code"
    form = CodeForm(request.POST if request.method == "POST" else None, recovery=recovery)
    if request.method == "POST" and form.is_valid():
        check = devices.check_code(user, form.cleaned_data["code"])
        if check.accepted:
            onward = signing_in.finish(request, user)
            if check.recovery_code:
                left = devices.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code: you have {left} left. Make new ones from "
                    "Two-factor authentication if you are running out.",
                )
            return redirect(onward)
        form.refuse(why_refused(check))
        refusal = signing_in.count_wrong_code(request, user)
        if refusal is not None:
            return refusal
    return render(request, "twofactor/code.html", {"form": form, "recovery": recovery})


@login_not_required
def enrol(request):
    """Setting up an authenticator app: its QR code and secret key, then a code it shows to
    confirm it. While signing in (an administrator without an app), confirming it signs the
    person in; signed in, it turns two-factor authentication on."""
    signing_in_now = signing_in.is_pending(request)
    user = signing_in.pending_user(request) if signing_in_now else request.user
    if user is None:
        return back_to_sign_in(request, ran_out=True)
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if devices.has_two_factor(user):
        return redirect("twofactor:code" if signing_in_now else "twofactor:settings")
    device = devices.app_to_set_up(user, key_being_set_up(request, user))
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        button="Turn on two-factor authentication",
    )
    if request.method == "POST" and form.is_valid():
        codes = devices.confirm_app(user, device.key, form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(NEW_KEY_KEY, None)
            onward = signing_in.finish(request, user) if signing_in_now else ""
            request.session[FRESH_CODES_KEY] = {"codes": codes, "next": onward}
            return redirect("twofactor:recovery_codes")
        form.refuse(WRONG_NEW_APP_CODE)
    return render(
        request,
        "twofactor/enrol.html",
        {
            "form": form,
            "qr_code": devices.qr_code_data_uri(device),
            "secret_key": devices.secret_key_text(device.key),
            "signing_in": signing_in_now,
            "required": devices.must_use_two_factor(user),
        },
    )


def key_being_set_up(request, user) -> str:
    """The secret key of the app the person is setting up, made on their first visit."""
    kept = request.session.get(NEW_KEY_KEY)
    if not (isinstance(kept, dict) and kept.get("user") == user.pk):
        kept = {"user": user.pk, "key": devices.new_key()}
        request.session[NEW_KEY_KEY] = kept
    return kept["key"]


@require_GET
def recovery_codes(request):
    """The ten recovery codes just made, shown this once: reloading the page does not show
    them again."""
    fresh = request.session.pop(FRESH_CODES_KEY, None)
    if not fresh:
        return redirect("twofactor:settings")
    return render(
        request,
        "twofactor/recovery_codes.html",
        {"codes": fresh["codes"], "next": fresh["next"]},
    )


@require_GET
def settings(request):
    """A signed-in person's two-factor authentication: on or off, recovery codes left, and
    what they may do about it."""
    user = request.user
    return render(
        request,
        "twofactor/settings.html",
        {
            "on": devices.has_two_factor(user),
            "required": devices.must_use_two_factor(user),
            "recovery_codes_left": devices.recovery_codes_left(user),
        },
    )


def with_a_code(request, *, title, intro, button, done):
    """A change to one's own two-factor authentication, confirmed with a code (so that someone
    using a session left open cannot make it): `done(user)` once the code is right."""
    user = request.user
    if not devices.has_two_factor(user):
        return redirect("twofactor:settings")
    form = CodeForm(request.POST if request.method == "POST" else None, button=button)
    if request.method == "POST" and form.is_valid():
        check = devices.check_code(user, form.cleaned_data["code"])
        if check.accepted:
            return done(user)
        form.refuse(why_refused(check))
    return render(request, "twofactor/confirm.html", {"form": form, "title": title, "intro": intro})


def new_recovery_codes(request):
    """Ten new recovery codes, the old ones no longer working."""

    def make_them(user):
        codes = devices.new_recovery_codes(user)
        request.session[FRESH_CODES_KEY] = {"codes": codes, "next": ""}
        return redirect("twofactor:recovery_codes")

    return with_a_code(
        request,
        title="Make new recovery codes",
        intro="Your 10 new recovery codes replace the ones you have: those stop working.",
        button="Make new recovery codes",
        done=make_them,
    )


def turn_off(request):
    """Turning two-factor authentication off: not for administrators, who must keep it."""
    if devices.must_use_two_factor(request.user):
        raise PermissionDenied("Administrators must use two-factor authentication.")

    def turn_it_off(user):
        devices.turn_off(user)
        messages.success(request, "Two-factor authentication is off")
        return redirect("twofactor:settings")

    return with_a_code(
        request,
        title="Turn off two-factor authentication",
        intro="You will sign in with your username and password alone.",
        button="Turn off two-factor authentication",
        done=turn_it_off,
    )
