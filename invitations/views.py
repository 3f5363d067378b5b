"""The invitation pages: a partnership's administrators invite people one at a time or from a
spreadsheet (checked and previewed before anything is sent), see every invitation with its
state, send one again or withdraw it; the invited person follows the e-mailed link to choose a
password (or sign in, if they already have an account) and becomes a member."""

import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.models import Agency
from partnerships.middleware import can_administer
from twofactor.signing_in import DEFAULT_BACKEND as PASSWORD_BACKEND
from twofactor.signing_in import second_step

from . import accepting, inviting
from .forms import ChoosePasswordForm, InviteForm, UploadForm
from .models import Invitation
from .spreadsheet import NotASpreadsheet, Row, check, read_people

# Where a checked spreadsheet waits, in the administrator's session, to be sent.
UPLOAD_KEY = "invitations-upload"


def administrators_only(view):
    """The partnership's administrators (and site administrators) only; anyone else of the
    partnership is refused (403)."""

    def wrapped(request, *args, **kwargs):
        if getattr(request, "partnership", None) is None or not can_administer(request):
            raise PermissionDenied("Only the partnership's administrators invite people.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_safe
@administrators_only
def invitation_list(request):
    """Every invitation of the partnership, pending first, then expired, accepted and
    withdrawn, each with what can be done with it."""
    invitations = list(
        Invitation.objects.select_related("agency", "invited_by", "accepted_by").order_by(
            "-sent_at", "email"
        )
    )
    groups = {status: [] for status in Invitation.Status.values}
    for invitation in invitations:
        groups[invitation.status].append(invitation)
    sections = [
        (Invitation.Status(status).label, status, groups[status])
        for status in (
            Invitation.Status.PENDING,
            Invitation.Status.EXPIRED,
            Invitation.Status.ACCEPTED,
            Invitation.Status.REVOKED,
        )
    ]
    return render(
        request,
        "invitations/list.html",
        {"sections": sections, "count": len(invitations)},
    )


@require_http_methods(["GET", "POST"])
@administrators_only
def invite(request):
    """Invite one person."""
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        invitee = inviting.Invitee(
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            agency=form.cleaned_data["agency"],
        )
        try:
            invitation = inviting.invite(request.partnership, invitee, invited_by=request.user)
        except inviting.InvitationRefused as refusal:
            for problem in refusal.message.split("; "):
                form.add_error("email" if "@" in problem else None, problem)
        else:
            messages.success(request, f"Invitation sent to {invitation.name} ({invitation.email})")
            return redirect("invitations:list")
    status = 400 if form.errors else 200
    return render(request, "invitations/invite.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@administrators_only
def upload(request):
    """Upload a spreadsheet of people: it is read and every row checked, then previewed."""
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_people(form.cleaned_data["file"], request.partnership)
        except NotASpreadsheet as problem:
            form.add_error("file", str(problem))
        else:
            batch = secrets.token_urlsafe(8)
            request.session[UPLOAD_KEY] = {
                "batch": batch,
                "partnership": request.partnership.pk,
                "file": form.cleaned_data["file"].name[:200],
                "rows": [
                    {
                        "number": row.number,
                        "name": row.name,
                        "email": row.email,
                        "organisation": row.organisation,
                        "role_text": row.role_text,
                    }
                    for row in rows
                ],
            }
            return redirect("invitations:preview")
    status = 400 if form.errors else 200
    return render(request, "invitations/upload.html", {"form": form}, status=status)


def _uploaded_rows(request):
    """The rows of the spreadsheet waiting in the session, checked again now (someone may have
    been invited meanwhile), or None."""
    upload = request.session.get(UPLOAD_KEY)
    if not upload or upload.get("partnership") != request.partnership.pk:
        return None, None
    rows = [Row(**row) for row in upload["rows"]]
    return upload, check(rows, request.partnership)


@require_http_methods(["GET", "POST"])
@administrators_only
def preview(request):
    """Every row of the uploaded file with what is wrong with it; sending invites the people of
    the rows with no problem (and nobody else)."""
    upload, rows = _uploaded_rows(request)
    if upload is None:
        messages.info(request, "Upload a file of people to invite first")
        return redirect("invitations:upload")
    ready = [row for row in rows if not row.problems]
    if request.method == "POST":
        if request.POST.get("batch") != upload["batch"]:
            # A second press of the button, or an old page: the file was sent already.
            messages.info(request, "Those invitations have already been sent")
            return redirect("invitations:list")
        sent, refused = [], []
        for row in ready:
            try:
                inviting.invite(request.partnership, row.invitee, invited_by=request.user)
            except inviting.InvitationRefused as refusal:
                refused.append(f"row {row.number}: {refusal.message}")
            else:
                sent.append(row)
        del request.session[UPLOAD_KEY]
        if sent:
            messages.success(
                request,
                f"{len(sent)} invitation{'' if len(sent) == 1 else 's'} sent",
            )
        for problem in refused:
            messages.error(request, f"Not sent, {problem}")
        return redirect("invitations:list")
    return render(
        request,
        "invitations/preview.html",
        {
            "upload": upload,
            "rows": rows,
            "ready": ready,
            "problem_rows": [row for row in rows if row.problems],
            "partners": list(Agency.objects.filter(is_active=True).order_by("name")),
        },
    )


@require_POST
@administrators_only
def resend(request, pk):
    """Send an invitation again, with a new link and a new week."""
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        inviting.resend(invitation, by=request.user)
    except inviting.InvitationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Invitation sent again to {invitation.email}")
    return redirect("invitations:list")


@require_POST
@administrators_only
def withdraw(request, pk):
    """Withdraw an invitation: its link stops working."""
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        inviting.revoke(invitation, by=request.user)
    except inviting.InvitationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn")
    return redirect("invitations:list")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def accept(request, token):
    """The e-mailed link. A new person chooses a password (or signs in with their
    organisation's account); someone who already has an account signs in with it and joins."""
    invitation = accepting.find(token)
    if invitation is None or invitation.partnership_id != request.partnership.pk:
        raise Http404("No such invitation.")
    reason = accepting.refusal(invitation)
    if reason:
        return _refuse(request, invitation, reason)
    existing = accepting.accounts_with_email(invitation.email).order_by("pk").first()
    if existing is not None:
        return _existing_account(request, invitation, existing)
    if request.user.is_authenticated:
        return render(
            request,
            "invitations/accept_signed_in_as_another.html",
            {"invitation": invitation},
        )
    User = get_user_model()
    provisional = User(username=invitation.email.lower(), email=invitation.email)
    provisional.first_name, provisional.last_name = invitation.name, ""
    form = ChoosePasswordForm(provisional, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = accepting.account_for(invitation)
                user.set_password(form.cleaned_data["new_password1"])
                user.save(update_fields=["password"])
                accepting.accept(invitation, user)
        except accepting.InvitationUnusable as refusal:
            return _refuse(request, refusal.invitation, refusal.message)
        # An administrator signing in with a password sets up two-factor authentication
        # first, as at the sign-in page; anyone else is signed in now.
        pending = second_step(request, user, next_page=reverse("home"), backend=PASSWORD_BACKEND)
        if pending is not None:
            return pending
        login(request, user, backend=PASSWORD_BACKEND)
        messages.success(request, f"Welcome to {invitation.partnership.name}")
        return redirect("home")
    return render(
        request,
        "invitations/accept.html",
        {"invitation": invitation, "form": form, "username": invitation.email.lower()},
        status=400 if form.errors else 200,
    )


def _existing_account(request, invitation, existing):
    """Someone who has an account already (in another partnership, say) joins with it: never
    a second account. They must be signed in as that account to accept."""
    user = request.user
    if not user.is_authenticated:
        sign_in = reverse("login") + "?next=" + request.path
        return render(
            request,
            "invitations/accept_sign_in_first.html",
            {"invitation": invitation, "sign_in": sign_in},
        )
    if (user.email or "").strip().lower() != invitation.email.strip().lower():
        return render(
            request,
            "invitations/accept_signed_in_as_another.html",
            {"invitation": invitation},
        )
    if request.method == "POST":
        try:
            accepting.accept(invitation, user)
        except accepting.InvitationUnusable as refusal:
            return _refuse(request, refusal.invitation, refusal.message)
        messages.success(request, f"You are now a member of {invitation.partnership.name}")
        return redirect("home")
    return render(request, "invitations/accept_join.html", {"invitation": invitation})


def _refuse(request, invitation, reason):
    return render(
        request,
        "invitations/refused.html",
        {"invitation": invitation, "reason": reason},
        status=410,
    )
