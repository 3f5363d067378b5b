"""Who may do what: every role × every page of the site × GET and POST, against a table written
by hand, and sessions that end after a period of inactivity.

The table is the specification of the roles (see docs/roles.md). Every URL pattern the site has
must appear in it: a new page that nobody has decided the access of fails
`test_every_page_of_the_site_is_in_the_access_table`. Admin's own pages are checked through a
few representative ones (admin enforces its permissions itself, the same way on every page).
"""

import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate
from agencies import roles
from bulkupdates.download import progress_workbook
from bulkupdates.models import ProgressUpload
from consultation.models import Comment
from indicators.models import Indicator, IndicatorDefinition
from invitations.models import Invitation, token_hash
from partnerships.models import OversightBody, Role
from preparedfiles.models import PreparedFile
from preparedfiles.preparing import ask_for, finish
from reviews.tasks import pack_key
from sso.models import SingleSignOnProvider
from tests.conftest import PREFIX, in_role
from tests.factories import (
    AgencyFactory,
    CommentFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PartnershipFactory,
    ProfileFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct-horse-battery"  # every UserFactory user's password
MATRIX_NARRATIVE = "Recorded by the access matrix."
CONSULTATION_PLAN = "plan-in-consultation"

ANONYMOUS = "anonymous"
OTHER_OFFICER = "other_officer"  # an officer of another agency than the action's lead
OFFICER = "officer"  # an officer of the action's lead agency
MEMBER = "member"  # the chair and members
ADMINISTRATOR = "administrator"  # Administrators group and staff status, not a superuser
ROLES = [ANONYMOUS, OTHER_OFFICER, OFFICER, MEMBER, ADMINISTRATOR]

# {page: {role: (status on GET, status on POST)}}. A page is its URL name, namespaced, or the
# route of a pattern that has no name.
EXPECTED = {
    # Reading pages: every signed-in role reads them; nobody posts to them.
    "home": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "plans:detail": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "actions:mine": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "actions:detail": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    # The quarterly review, its lists, pack and exports, and the dashboard: read by everyone
    # signed in.
    "reviews:quarter": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "reviews:actions": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "reviews:pack": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "reviews:xlsx": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "reviews:csv": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    # A large plan's meeting pack, prepared in the background: its page and its file, read by
    # everyone who may read the plan's quarter, as the pack itself is.
    "reviews:prepared_pack": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "reviews:prepared_pack_download": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "reviews:dashboard": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    # Closing a quarter after its meeting: the chair and administrators. Reopening one:
    # administrators only. Both are POST only.
    "reviews:close": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (405, 403),
        OFFICER: (405, 403),
        MEMBER: (405, 302),
        ADMINISTRATOR: (405, 302),
    },
    "reviews:reopen": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (405, 403),
        OFFICER: (405, 403),
        MEMBER: (405, 403),
        ADMINISTRATOR: (405, 302),
    },
    # Recording progress: the lead agency's officers and administrators only.
    "actions:update": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (403, 403),
        OFFICER: (200, 302),
        MEMBER: (403, 403),
        ADMINISTRATOR: (200, 302),
    },
    # Consultation and sign-off (issue 5). The plan's status page: read by everyone signed in;
    # a move (here closing the active plan) made only by the role allowed it: administrators
    # (the chair may sign off, not close). The comments of a plan out for consultation: read
    # by everyone signed in, added by every role, marked addressed (or open again) by
    # administrators only, by POST.
    "plans:status": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 403),
        OFFICER: (200, 403),
        MEMBER: (200, 403),
        ADMINISTRATOR: (200, 302),
    },
    "consultation:list": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "consultation:add": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 302),
        OFFICER: (200, 302),
        MEMBER: (200, 302),
        ADMINISTRATOR: (200, 302),
    },
    "consultation:address": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (405, 403),
        OFFICER: (405, 403),
        MEMBER: (405, 403),
        ADMINISTRATOR: (405, 302),
    },
    "consultation:reopen": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (405, 403),
        OFFICER: (405, 403),
        MEMBER: (405, 403),
        ADMINISTRATOR: (405, 302),
    },
    # Roll forward and publishing (issue 5). Rolling a plan forward into next year's: its form
    # and its POST, administrators only. Publishing (and unpublishing) a signed-off plan: POST
    # only, administrators only. The public pages: a published plan and the list of them, read
    # by anyone, signed in or not; nobody posts to them.
    "plans:roll_forward": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (403, 403),
        OFFICER: (403, 403),
        MEMBER: (403, 403),
        ADMINISTRATOR: (200, 302),
    },
    "plans:publish": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (405, 403),
        OFFICER: (405, 403),
        MEMBER: (405, 403),
        ADMINISTRATOR: (405, 302),
    },
    "public:index": {
        ANONYMOUS: (200, 405),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "public:plan": {
        ANONYMOUS: (200, 405),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    # Performance indicators (issue 7). An indicator's page: read by everyone signed in.
    # Recording a value: officers of its source agency (the action's lead agency here) and
    # administrators. Overriding a value's rating: POST only, administrators only.
    "indicators:detail": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "indicators:record": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (403, 403),
        OFFICER: (200, 302),
        MEMBER: (403, 403),
        ADMINISTRATOR: (200, 302),
    },
    "indicators:override": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (405, 403),
        OFFICER: (405, 403),
        MEMBER: (405, 403),
        ADMINISTRATOR: (405, 302),
    },
    # Signing in and out. A signed-in person is sent on from the sign-in page.
    "login": {
        ANONYMOUS: (200, 302),
        OTHER_OFFICER: (302, 302),
        OFFICER: (302, 302),
        MEMBER: (302, 302),
        ADMINISTRATOR: (302, 302),
    },
    # Signing out is open to all, so that a person whose session has already ended is not sent
    # to sign in again, then on to the sign-out page.
    "logout": {
        ANONYMOUS: (405, 302),
        OTHER_OFFICER: (405, 302),
        OFFICER: (405, 302),
        MEMBER: (405, 302),
        ADMINISTRATOR: (405, 302),
    },
    # Password reset: open to everyone, signed in or not.
    "password_reset": {
        ANONYMOUS: (200, 302),
        OTHER_OFFICER: (200, 302),
        OFFICER: (200, 302),
        MEMBER: (200, 302),
        ADMINISTRATOR: (200, 302),
    },
    "password_reset_done": {
        ANONYMOUS: (200, 405),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    # The e-mailed link: it moves its token into the session and redirects to the form.
    "password_reset_confirm": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (302, 302),
        OFFICER: (302, 302),
        MEMBER: (302, 302),
        ADMINISTRATOR: (302, 302),
    },
    "password_reset_complete": {
        ANONYMOUS: (200, 405),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "favicon": {
        ANONYMOUS: (301, 301),
        OTHER_OFFICER: (301, 301),
        OFFICER: (301, 301),
        MEMBER: (301, 301),
        ADMINISTRATOR: (301, 301),
    },
    # An oversight body's pages (at the site's root): its people and site administrators only;
    # for anyone else, as if there were no such body (tests/oversight/ covers its people).
    "oversight:index": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (404, 405),
        OFFICER: (404, 405),
        MEMBER: (404, 405),
        ADMINISTRATOR: (404, 405),
    },
    **{
        page: {
            ANONYMOUS: (302, 302),
            OTHER_OFFICER: (404, 405),
            OFFICER: (404, 405),
            MEMBER: (404, 405),
            ADMINISTRATOR: (404, 405),
        }
        for page in [
            "oversight:dashboard",
            "oversight:xlsx",
            "oversight:csv",
            "oversight:indicator",
        ]
    },
    # The partnership's logo: public, like its public pages (the test partnership has none).
    "partnership_logo": {
        ANONYMOUS: (404, 405),
        OTHER_OFFICER: (404, 405),
        OFFICER: (404, 405),
        MEMBER: (404, 405),
        ADMINISTRATOR: (404, 405),
    },
    # The legal pages (issue 13): public information, read by anyone, signed in or not, of the
    # partnership or not (tests/legal/ has the other partnerships' people and oversight bodies).
    **{
        page: {
            ANONYMOUS: (200, 405),
            OTHER_OFFICER: (200, 405),
            OFFICER: (200, 405),
            MEMBER: (200, 405),
            ADMINISTRATOR: (200, 405),
        }
        for page in ["legal:accessibility", "legal:privacy", "legal:cookies"]
    },
    # Two-factor authentication (issue 13). The code page is a step of signing in: without a
    # sign-in waiting for its code (none here), back to the sign-in page, which sends a
    # signed-in person on. A person's own two-factor page: everyone signed in. Setting up an
    # app: everyone signed in without one (an empty code is refused with the form's error).
    # The recovery codes are shown once, just after they are made: none here, so back to the
    # two-factor page, as for new recovery codes without an app. Turning two-factor off:
    # never for administrators, who must use it.
    "twofactor:code": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (302, 302),
        OFFICER: (302, 302),
        MEMBER: (302, 302),
        ADMINISTRATOR: (302, 302),
    },
    "twofactor:settings": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 405),
        OFFICER: (200, 405),
        MEMBER: (200, 405),
        ADMINISTRATOR: (200, 405),
    },
    "twofactor:enrol": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 200),
        OFFICER: (200, 200),
        MEMBER: (200, 200),
        ADMINISTRATOR: (200, 200),
    },
    "twofactor:recovery_codes": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (302, 405),
        OFFICER: (302, 405),
        MEMBER: (302, 405),
        ADMINISTRATOR: (302, 405),
    },
    "twofactor:new_recovery_codes": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (302, 302),
        OFFICER: (302, 302),
        MEMBER: (302, 302),
        ADMINISTRATOR: (302, 302),
    },
    "twofactor:turn_off": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (302, 302),
        OFFICER: (302, 302),
        MEMBER: (302, 302),
        ADMINISTRATOR: (403, 403),
    },
    # Invitations (issue 13): a partnership's administrators invite people (the list and the
    # spreadsheet's check are read with GET; the check with nothing uploaded sends back to the
    # upload); everyone else of the partnership is refused. The invitation's link is open to
    # anyone: signed out, a form to choose a password (an empty one is refused, 400); signed
    # in as someone else than the invited person, a page saying so.
    "invitations:list": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (403, 405),
        OFFICER: (403, 405),
        MEMBER: (403, 405),
        ADMINISTRATOR: (200, 405),
    },
    "invitations:invite": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (403, 403),
        OFFICER: (403, 403),
        MEMBER: (403, 403),
        ADMINISTRATOR: (200, 302),
    },
    "invitations:upload": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (403, 403),
        OFFICER: (403, 403),
        MEMBER: (403, 403),
        ADMINISTRATOR: (200, 400),
    },
    "invitations:preview": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (403, 403),
        OFFICER: (403, 403),
        MEMBER: (403, 403),
        ADMINISTRATOR: (302, 302),
    },
    **{
        page: {
            ANONYMOUS: (302, 302),
            OTHER_OFFICER: (405, 403),
            OFFICER: (405, 403),
            MEMBER: (405, 403),
            ADMINISTRATOR: (405, 302),
        }
        for page in ["invitations:resend", "invitations:withdraw"]
    },
    "invitations:accept": {
        ANONYMOUS: (200, 400),
        OTHER_OFFICER: (200, 200),
        OFFICER: (200, 200),
        MEMBER: (200, 200),
        ADMINISTRATOR: (200, 200),
    },
    # Single sign-on (issue 13), open to anyone as the sign-in page is. The organisation's
    # e-mail form (an empty one is refused with its error); the start of a sign-in with a
    # provider (the matrix's provider does not answer: its page says so, 503); the provider's
    # way back, which without a sign-in this session began is refused (400). tests/sso/ has
    # the sign-ins themselves.
    "sso:by_email": {
        ANONYMOUS: (200, 200),
        OTHER_OFFICER: (200, 200),
        OFFICER: (200, 200),
        MEMBER: (200, 200),
        ADMINISTRATOR: (200, 200),
    },
    "sso:start": {
        ANONYMOUS: (503, 405),
        OTHER_OFFICER: (503, 405),
        OFFICER: (503, 405),
        MEMBER: (503, 405),
        ADMINISTRATOR: (503, 405),
    },
    "sso:callback": {
        ANONYMOUS: (400, 405),
        OTHER_OFFICER: (400, 405),
        OFFICER: (400, 405),
        MEMBER: (400, 405),
        ADMINISTRATOR: (400, 405),
    },
    # Progress from a spreadsheet (issue point 7, docs/bulk-progress.md): people who record
    # progress. The page lists what they may download and takes the upload (an empty POST is
    # refused, 400). The download: the officer's and the administrator's actions; an officer
    # who leads none of the plan's is told so (403). An upload's preview is its uploader's
    # only (the officer's here; anyone else's 404), and confirming it without the preview's
    # digest records nothing and shows the preview again (409).
    "bulkupdates:start": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (200, 400),
        OFFICER: (200, 400),
        MEMBER: (403, 403),
        ADMINISTRATOR: (200, 400),
    },
    "bulkupdates:download": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (403, 405),
        OFFICER: (200, 405),
        MEMBER: (403, 405),
        ADMINISTRATOR: (200, 405),
    },
    "bulkupdates:upload": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (404, 404),
        OFFICER: (200, 409),
        MEMBER: (403, 403),
        ADMINISTRATOR: (404, 404),
    },
    # Admin: administrators only. A POST of an empty form saves nothing and shows the errors.
    "admin:index": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (302, 302),
        OFFICER: (302, 302),
        MEMBER: (302, 302),
        ADMINISTRATOR: (200, 200),
    },
    "admin:actions_action_changelist": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (302, 302),
        OFFICER: (302, 302),
        MEMBER: (302, 302),
        ADMINISTRATOR: (200, 200),
    },
    "admin:actions_action_change": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (302, 302),
        OFFICER: (302, 302),
        MEMBER: (302, 302),
        ADMINISTRATOR: (200, 200),
    },
    "admin:actions_action_history": {
        ANONYMOUS: (302, 302),
        OTHER_OFFICER: (302, 302),
        OFFICER: (302, 302),
        MEMBER: (302, 302),
        ADMINISTRATOR: (200, 200),
    },
}

# Pages anyone may open without signing in.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "favicon",
    "partnership_logo",
    # Roll forward and publishing (issue 5): the published plans.
    "public:index",
    "public:plan",
    # The legal pages (issue 13).
    "invitations:accept",
    "legal:accessibility",
    "legal:privacy",
    "legal:cookies",
    # Single sign-on (issue 13).
    "sso:by_email",
    "sso:start",
    "sso:callback",
}
# Two-factor authentication (issue 13): a step of signing in (its code page is open to anyone,
# and sends back to the sign-in page without a sign-in waiting) and a person's own setting,
# answering under any partnership's address as signing in does (tests/twofactor/).
PUBLIC |= {"twofactor:code"}
OWN_ACCOUNT = {
    "twofactor:settings",
    "twofactor:enrol",
    "twofactor:recovery_codes",
    "twofactor:new_recovery_codes",
    "twofactor:turn_off",
}
# The only cells that change the action or its progress.
EDITS = {("actions:update", OFFICER), ("actions:update", ADMINISTRATOR)}


# The values for each page's URL parameters.
URL_KWARGS = {
    "plans:detail": lambda site: {"slug": site.plan.slug},
    "actions:detail": lambda site: {"pk": site.action.pk},
    "actions:update": lambda site: {"pk": site.action.pk},
    **{
        page: (lambda site: {"slug": site.plan.slug, "quarter": 3})
        for page in [
            "reviews:quarter",
            "reviews:actions",
            "reviews:pack",
            "reviews:xlsx",
            "reviews:csv",
            "reviews:close",
            "reviews:reopen",
        ]
    },
    # Consultation and sign-off (issue 5): the comments are those of a plan out for
    # consultation (the site's plan is active, so that its action can be updated).
    "plans:status": lambda site: {"slug": site.plan.slug},
    "consultation:list": lambda site: {"slug": consultation_comment().plan.slug},
    "consultation:add": lambda site: {"slug": consultation_comment().plan.slug},
    **{
        page: (
            lambda site: {"slug": consultation_comment().plan.slug, "pk": consultation_comment().pk}
        )
        for page in ["consultation:address", "consultation:reopen"]
    },
    # Roll forward and publishing (issue 5): the public plan page is that of the site's plan,
    # published for the purpose.
    "plans:roll_forward": lambda site: {"slug": site.plan.slug},
    "plans:publish": lambda site: {"slug": site.plan.slug},
    "public:plan": lambda site: {"slug": published(site.plan).slug},
    # Performance indicators (issue 7): an indicator the action's lead agency reports.
    **{
        page: (lambda site: {"pk": site_indicator(site).pk})
        for page in ["indicators:detail", "indicators:record", "indicators:override"]
    },
    "password_reset_confirm": lambda site: {"uidb64": site.uidb64, "token": site.token},
    # Invitations (issue 13): an invitation of the partnership, pending, and its link.
    **{
        page: (lambda site: {"pk": matrix_invitation().pk})
        for page in ["invitations:resend", "invitations:withdraw"]
    },
    "invitations:accept": lambda site: {"token": matrix_invitation(with_token=True)},
    "oversight:dashboard": lambda site: {"slug": "opcc"},
    "oversight:xlsx": lambda site: {"slug": "opcc"},
    "oversight:csv": lambda site: {"slug": "opcc"},
    "oversight:indicator": lambda site: {"slug": "opcc", "definition": "knife-crime"},
    # Progress from a spreadsheet: the site's plan's reporting quarter, and an upload of the
    # officer's spreadsheet, unchanged.
    "bulkupdates:download": lambda site: {
        "slug": site.plan.slug,
        "quarter": site.plan.reporting_quarter().number,
    },
    "bulkupdates:upload": lambda site: {"pk": matrix_upload(site).pk},
    # A meeting pack of the site's plan prepared in the background, ready, as its partnership
    # reads it (an oversight body's people are sent to packs of their own: 404 for this one).
    **{
        page: (lambda site: {"slug": site.plan.slug, "quarter": 3, "pk": matrix_pack(site).pk})
        for page in ["reviews:prepared_pack", "reviews:prepared_pack_download"]
    },
    "admin:actions_action_change": lambda site: {"object_id": site.action.pk},
    "admin:actions_action_history": lambda site: {"object_id": site.action.pk},
    "sso:start": lambda site: {"pk": unanswering_provider().pk},
}


def unanswering_provider():
    """Single sign-on (issue 13): a provider of the partnership at a loopback port where
    nothing listens, made the first time a page asks for it."""
    provider = SingleSignOnProvider.objects.filter(name="Unanswering").first()
    if provider is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        provider = SingleSignOnProvider.objects.create(
            name="Unanswering",
            issuer=f"http://127.0.0.1:{port}/o",
            client_id="matrix",
            client_secret="matrix-secret",
        )
    return provider


def consultation_comment():
    """A comment on a plan out for consultation, made the first time a page asks for it."""
    comment = Comment.objects.filter(plan__slug=CONSULTATION_PLAN).first()
    return comment or CommentFactory(plan__slug=CONSULTATION_PLAN, plan__status="consultation")


MATRIX_INVITATION_TOKEN = "an-invitation-link-of-the-access-matrix"


def matrix_invitation(with_token=False):
    """A pending invitation of the partnership to someone with no account, made the first time
    a page asks for it (its link's secret, with_token)."""
    invitation = Invitation.objects.filter(email="invited@example.gov.uk").first()
    if invitation is None:
        invitation = Invitation(
            email="invited@example.gov.uk", name="Invited Person", role=Role.CHAIR
        )
        invitation.set_new_link()
        invitation.token_hash = token_hash(MATRIX_INVITATION_TOKEN)
        invitation.save()
    return MATRIX_INVITATION_TOKEN if with_token else invitation


def matrix_upload(site):
    """The officer's progress spreadsheet of the site's plan, uploaded unchanged, made the
    first time a page asks for it."""
    upload = ProgressUpload.objects.filter(filename="matrix.xlsx").first()
    if upload is None:
        officer = site.users[OFFICER]
        quarter = site.plan.reporting_quarter()
        upload = ProgressUpload.objects.create(
            plan=site.plan,
            quarter=quarter.number,
            filename="matrix.xlsx",
            file=ContentFile(progress_workbook(site.plan, quarter, officer), "matrix.xlsx"),
            uploaded_by=officer,
        )
    return upload


def matrix_pack(site):
    """The Q3 meeting pack of the site's plan, prepared in the background and ready (its
    content a stand-in), made the first time a page asks for it."""
    key = pack_key(site.plan.pk, 3, oversight=False)
    prepared = PreparedFile.objects.filter(key=key).first()
    if prepared is None:
        prepared, _new = ask_for(
            key=key,
            fingerprint="matrix",
            title="Meeting pack of the access matrix",
            counting="actions",
            content_type="application/pdf",
            download_name="matrix-pack.pdf",
            person=site.users[MEMBER],
        )
        finish(prepared, b"%PDF-1.4 the access matrix's pack", "matrix")
    return prepared


def published(plan):
    """The plan, published on the public pages (it is active, so it may be)."""
    type(plan).objects.filter(pk=plan.pk).update(published_at=timezone.now())
    return plan


def site_indicator(site):
    """Performance indicators (issue 7): an indicator of the site's plan that the action's lead
    agency reports, with a Q3 value, made the first time a page asks for it."""
    indicator = Indicator.objects.filter(plan=site.plan).first()
    if indicator is None:
        indicator = IndicatorFactory(plan=site.plan, source_agency=site.action.lead_agency)
        IndicatorValueFactory(indicator=indicator, quarter=3, value=18)
    return indicator


def post_data(page, site):
    """What a browser would send: a valid form wherever the page changes something."""
    action = site.action
    if page == "actions:update":
        return {
            "quarter": str(action.plan.reporting_quarter().number),
            "rag_rating": ProgressUpdate.RAG.GREEN,
            "narrative": MATRIX_NARRATIVE,
            "completion_status": str(action.completion_status_id),
            "completion_note": "",
            "action_version": str(action.version),
            "update_version": "",
        }
    if page == "plans:status":
        return {"to": "closed", "expected": site.plan.status}
    if page == "consultation:add":
        return {"text": "Commented by the access matrix."}
    if page == "plans:roll_forward":
        return {
            "into": "new",
            "title": "Rolled forward by the access matrix",
            "slug": "rolled-forward-by-the-access-matrix",
            "financial_year": str(site.plan.financial_year + 1),
            "actions": [str(action.pk)],
        }
    if page == "plans:publish":
        return {"action": "publish"}
    # Performance indicators (issue 7): the Q4 value, and an override of the Q3 rating.
    if page == "indicators:record":
        return {"quarter": "4", "value": "21", "note": "Recorded by the access matrix."}
    if page == "indicators:override":
        return {"quarter": "3", "q3-rating": "green", "q3-reason": "Overridden by the matrix."}
    if page == "invitations:invite":
        return {"name": "Invited By The Matrix", "email": "matrix@example.gov.uk", "role": "chair"}
    if page == "login":
        return {"username": "officer", "password": PASSWORD}
    if page == "password_reset":
        return {"email": site.forgetful.email}
    if page == "password_reset_confirm":
        new_password = "a-long-new-passphrase-for-officers"
        return {"new_password1": new_password, "new_password2": new_password}
    return {}


def url_of(page, site):
    if page.startswith("oversight:"):  # above the partnerships, at the site's root
        kwargs = URL_KWARGS[page](site) if page in URL_KWARGS else None
        return reverse(page, kwargs=kwargs).removeprefix(PREFIX)
    if page in URL_KWARGS:
        return reverse(page, kwargs=URL_KWARGS[page](site))
    if "/" in page or "." in page:  # an unnamed pattern's route
        return "/" + page
    return reverse(page)


def pages_of(patterns, namespace=None, prefix=""):
    """(page, namespace) for every URL pattern of the site, walking included URLconfs."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner and namespace:
                inner = f"{namespace}:{inner}"
            yield from pages_of(
                pattern.url_patterns, inner or namespace, prefix + str(pattern.pattern)
            )
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                name = prefix + str(pattern.pattern)
            yield name, namespace


def snapshot(action):
    """What a POST could change: the action's row and its progress updates."""
    action = Action.objects.get(pk=action.pk)
    updates = ProgressUpdate.objects.filter(action=action).order_by("quarter")
    return (
        action.version,
        action.completion_status_id,
        action.completion_note,
        [(u.quarter, u.rag_rating, u.narrative, u.version) for u in updates],
    )


def client_for(role, site):
    client = Client()
    if role != ANONYMOUS:
        client.force_login(site.users[role])
    return client


def test_every_page_of_the_site_is_in_the_access_table():
    pages = {
        name
        for name, namespace in pages_of(get_resolver().url_patterns)
        # Admin's own pages are represented by the admin pages of the table.
        if namespace != "admin"
    }

    missing = sorted(pages - set(EXPECTED))
    assert not missing, f"Pages with no expected access in EXPECTED: {missing}"


def test_every_page_of_the_access_table_exists():
    pages = {name for name, _ in pages_of(get_resolver().url_patterns)}

    assert set(EXPECTED) <= pages, sorted(set(EXPECTED) - pages)


def test_the_access_table_covers_every_role_on_every_page():
    for page, cells in EXPECTED.items():
        assert sorted(cells) == sorted(ROLES), page


CELLS = [
    pytest.param(page, role, method, id=f"{page}-{role}-{method}")
    for page in EXPECTED
    for role in ROLES
    for method in ("GET", "POST")
]


@pytest.mark.parametrize(("page", "role", "method"), CELLS)
def test_access(site, page, role, method):
    get_status, post_status = EXPECTED[page][role]
    expected = get_status if method == "GET" else post_status
    client = client_for(role, site)
    url = url_of(page, site)
    before = snapshot(site.action)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, post_data(page, site))

    assert response.status_code == expected, (
        f"{method} {url} as {role}: expected {expected}, got {response.status_code}"
    )
    if response.status_code == 302:
        location = response["Location"]
        admin_sign_in = f"{reverse('admin:login')}?next={quote(url)}"
        sign_in = f"{reverse('login')}?next={quote(url)}"
        if not url.startswith(PREFIX):  # a page of the site's root signs in there
            sign_in = sign_in.removeprefix(PREFIX)
        if page.startswith("admin:") and role == ANONYMOUS:
            # Admin's index has its own sign-in page; its other pages ask for the site's.
            assert location in {sign_in, admin_sign_in}
        elif page.startswith("admin:") and role != ADMINISTRATOR:
            assert location == admin_sign_in
        elif role == ANONYMOUS and page not in PUBLIC:
            assert location == sign_in
        elif page == "logout":
            assert location == reverse("login")
    if method == "POST" and (page, role) in EDITS:
        assert response["Location"] == site.action.get_absolute_url()
        assert snapshot(site.action) != before
        assert ProgressUpdate.objects.filter(
            action=site.action, narrative=MATRIX_NARRATIVE, author=site.users[role]
        ).exists()
    else:
        assert snapshot(site.action) == before


# Across partnerships: the people of another partnership, whatever their role there, get 404 on
# every page of this one (as if it did not exist) but the pages open to anyone, and change
# nothing.

OUTSIDER_ROLES = [roles.OFFICERS, roles.CHAIR_AND_MEMBERS, roles.ADMINISTRATORS]
OUTSIDER_CELLS = [
    pytest.param(page, role, method, id=f"{page}-{role}-{method}")
    for page in EXPECTED
    # Oversight bodies' pages are no partnership's (the table above has them).
    if page not in PUBLIC | OWN_ACCOUNT and not page.startswith("oversight:")
    for role in OUTSIDER_ROLES
    for method in ("GET", "POST")
]


def outsider(role):
    """A person with the role in another partnership, working for one of its agencies."""
    elsewhere = PartnershipFactory()
    user = UserFactory(username=f"outsider-{role.lower().replace(' ', '-')}", is_staff=True)
    ProfileFactory(user=user, agency=AgencyFactory(partner_of=[elsewhere]))
    return in_role(user, role, partnership=elsewhere)


@pytest.mark.parametrize(("page", "role", "method"), OUTSIDER_CELLS)
def test_a_person_of_another_partnership_gets_404(site, page, role, method):
    client = Client()
    client.force_login(outsider(role))
    url = url_of(page, site)
    before = snapshot(site.action)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, post_data(page, site))

    assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
    assert snapshot(site.action) == before


# The people of an oversight body covering the partnership: they read its signed-off plans,
# quarters, packs and exports (an active plan here), never anything else of it, and change
# nothing; their own body's pages are theirs.

OVERSIGHT_READS = {
    "home",
    "plans:detail",
    "reviews:quarter",
    "reviews:actions",
    "reviews:pack",
    "reviews:xlsx",
    "reviews:csv",
    "reviews:dashboard",
    "oversight:index",
    "oversight:dashboard",
    "oversight:xlsx",
    "oversight:csv",
    "oversight:indicator",
}
# Pages of a body's own packs prepared in the background: the matrix's pack is the partnership's
# own (it names officers), so not found for the body's people, who are sent to packs of their own
# (tests/reviews/test_pack_in_background.py).
OVERSIGHT_READS_OWN_ONLY = {"reviews:prepared_pack", "reviews:prepared_pack_download"}
OVERSIGHT_CELLS = [
    pytest.param(page, method, id=f"{page}-{method}")
    for page in EXPECTED
    if page not in PUBLIC | OWN_ACCOUNT
    for method in ("GET", "POST")
]


def overseer(site):
    """A person of a body covering the site's partnership, with its indicator definition."""
    body = OversightBody.objects.create(name="Office of the PCC", slug="opcc")
    body.covers.add(site.plan.partnership)
    user = UserFactory(username="overseer", is_staff=True)
    body.members.add(user)
    definition = IndicatorDefinition.objects.create(name="Knife crime", slug="knife-crime")
    Indicator.objects.filter(pk=site_indicator(site).pk).update(definition=definition)
    return user


@pytest.mark.parametrize(("page", "method"), OVERSIGHT_CELLS)
def test_an_oversight_body_reads_the_signed_off_work_and_nothing_else(site, page, method):
    client = Client()
    client.force_login(overseer(site))
    url = url_of(page, site)
    before = snapshot(site.action)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, post_data(page, site))

    if page == "oversight:index" and method == "GET":
        expected = 302  # to the person's only body
    elif page in OVERSIGHT_READS:
        expected = 200 if method == "GET" else 405
    elif page in OVERSIGHT_READS_OWN_ONLY:
        expected = 404 if method == "GET" else 405
    else:
        expected = 404
    assert response.status_code == expected, f"{method} {url} answered {response.status_code}"
    assert snapshot(site.action) == before


def test_a_refused_update_shows_the_govuk_403_page(site):
    response = client_for(MEMBER, site).post(
        reverse("actions:update", args=[site.action.pk]), post_data("actions:update", site)
    )

    assert response.status_code == 403
    assert "You cannot do that" in response.content.decode()


def test_the_lead_officer_may_record_progress_whichever_agency_leads(site):
    """The lead officer may update their action whichever agency leads it."""
    Action.objects.filter(pk=site.action.pk).update(lead_officer=site.users[OTHER_OFFICER])
    client = client_for(OTHER_OFFICER, site)

    response = client.get(reverse("actions:update", args=[site.action.pk]))

    assert response.status_code == 200


# Sessions end after a period of inactivity.


@contextmanager
def at(moment):
    """Runs the block as if it were `moment` for the session machinery."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def test_a_session_lasts_the_idle_period_set_in_settings():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False


def test_a_signed_in_person_idle_for_longer_is_asked_to_sign_in_again(member):
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    client = Client()
    home = reverse("home")
    with at(start):
        client.force_login(member)
        assert client.get(home).status_code == 200

    with at(start + idle + timedelta(minutes=1)):
        response = client.get(home)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={home}"


def test_each_request_restarts_the_idle_period(member):
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    client = Client()
    with at(start):
        client.force_login(member)

    # Two requests each a little less than the idle period apart: still signed in, well after
    # the idle period from signing in has passed.
    with at(start + idle - timedelta(minutes=1)):
        assert client.get(reverse("home")).status_code == 200
    with at(start + 2 * idle - timedelta(minutes=2)):
        assert client.get(reverse("home")).status_code == 200


def test_the_idle_period_comes_from_the_environment():
    script = "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "safer_lewisham.settings",
            "SESSION_IDLE_MINUTES": "30",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == str(30 * 60)
