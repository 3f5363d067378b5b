"""Who a valid ID token signs in: the rule, in one place.

A token proves that the provider knows the person; it does not give them access here. Access
is the partnerships' to give: a token signs in only someone who is already a member of a
partnership the provider serves, found by the provider's identifier for them (``sub``, linked
at their first sign-in) or else by their verified e-mail address. Nobody is ever made an
account: a stranger with a perfectly good token from the right tenant is refused.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from invitations import accepting
from partnerships.context import everywhere
from partnerships.models import Membership

from .models import SignInIdentity, email_domain
from .refusals import Reason, SignInRefused

logger = logging.getLogger(__name__)


def verified_email(provider, claims) -> str:
    """The token's e-mail address, if the provider vouches for it: ``email_verified`` true, or
    (for a provider ticked as trusting its addresses, such as Entra ID, which does not send the
    claim) no ``email_verified`` at all. An explicit false is refused whatever the provider's
    record says."""
    email = (claims.get("email") or "").strip()
    if not email or not email_domain(email):
        raise SignInRefused(Reason.EMAIL_UNVERIFIED, "the token has no e-mail address")
    stated = claims.get("email_verified")
    if isinstance(stated, str):  # some providers send "true"/"false" as strings
        stated = {"true": True, "false": False}.get(stated.lower(), stated)
    if stated is True or (stated is None and provider.trusts_unconfirmed_email):
        return email
    raise SignInRefused(
        Reason.EMAIL_UNVERIFIED, f"email_verified is {stated!r} for {email} (not trusted)"
    )


def _may_use(provider, user, email) -> bool:
    """Whether the provider may sign this person in: they are a member of a partnership it
    serves, or (a provider of e-mail domains) a member of any partnership, with an address of
    one of its domains."""
    # Across partnerships on purpose: signing in happens at the site's root, in none.
    with everywhere():
        memberships = Membership.objects.filter(user=user, partnership__is_active=True)
        if memberships.filter(partnership__single_sign_on_providers=provider).exists():
            return True
        return provider.serves_domain_of(email) and memberships.exists()


def _accept_invitations(provider, person, email):
    """The invitations app's part (a layer below): the pending invitations for the address to
    partnerships the provider serves (those it serves by name; any, for an address of its
    domains) are accepted, as following the invitation's link would: the person (``person``,
    or the account the invitation makes for its address if nobody has it yet) becomes a member.
    The person, or None where there is no such invitation. Only ever called once the token and
    its verified address have passed every check."""
    served = None if provider.serves_domain_of(email) else list(provider.partnerships.all())
    if served == []:
        return None
    invitations = accepting.pending_for_email(email, served)
    if not invitations:
        return None
    # One transaction: an account made for the invitation is not left behind if it is refused.
    with transaction.atomic():
        for invitation in invitations:
            if person is None:
                person = accepting.account_for(invitation)
            try:
                accepting.accept(invitation, person)
            except accepting.InvitationUnusable as unusable:
                raise SignInRefused(
                    Reason.NO_ACCESS, f"invitation {invitation.pk}: {unusable.message}"
                ) from unusable
    logger.info(
        "Single sign-on with %s accepted %d invitation(s) for user %s",
        provider,
        len(invitations),
        person.pk,
    )
    return person


def person_for(provider, claims):
    """The active person the token's claims sign in with ``provider``, else SignInRefused.

    1. The e-mail address must be verified (``verified_email``), and of one of the provider's
       domains when it lists any (an Entra tenant can issue tokens for guests' addresses).
    2. A person linked to the token's ``sub`` at this provider is the one, unless the address
       now belongs to someone else here (the address moved: refused).
    3. Else the one active person with that address (case-insensitive), unless they are
       already linked to another ``sub`` at this provider (a reused mailbox: refused).
    4. Pending invitations for the address to partnerships the provider serves are accepted
       (``_accept_invitations``: the invitations app), making the account of someone invited
       who has none: an invited person is no stranger.
    5. Whoever it is must then be a member of a partnership the provider serves
       (``_may_use``).
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused(Reason.TOKEN_REFUSED, "the token has no sub")
    email = verified_email(provider, claims)
    if provider.domains and not provider.serves_domain_of(email):
        raise SignInRefused(
            Reason.NO_ACCESS, f"{email} is not of the provider's domains {provider.domains}"
        )
    people = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
    with_address = list(people[:2])
    link = (
        SignInIdentity.objects.select_related("user")
        .filter(provider=provider, subject=subject)
        .first()
    )
    if link is not None:
        person = link.user
        if not person.is_active:
            raise SignInRefused(Reason.NO_ACCESS, f"sub {subject} is linked to an inactive person")
        if any(other.pk != person.pk for other in with_address):
            raise SignInRefused(
                Reason.NO_ACCESS,
                f"sub {subject} is linked to user {person.pk}, but {email} is another person's",
            )
    elif len(with_address) > 1:
        raise SignInRefused(Reason.NO_ACCESS, f"several people have the address {email}")
    elif with_address:
        person = with_address[0]
        if SignInIdentity.objects.filter(provider=provider, user=person).exists():
            raise SignInRefused(
                Reason.NO_ACCESS,
                f"{email} (user {person.pk}) is linked to another sub at this provider",
            )
    else:
        person = None
    person = _accept_invitations(provider, person, email) or person
    if person is None:
        raise SignInRefused(Reason.NO_ACCESS, f"nobody here has the address {email}")
    if not _may_use(provider, person, email):
        raise SignInRefused(
            Reason.NO_ACCESS,
            f"{email} (user {person.pk}) is not a member of a partnership the provider serves",
        )
    return person


def remember(provider, person, subject: str):
    """Link the person to the provider's ``sub`` at their first sign-in, and note the time of
    each. A link made at the same moment by another sign-in is a refusal, not an error."""
    now = timezone.now()
    try:
        with transaction.atomic():
            link, made = SignInIdentity.objects.get_or_create(
                provider=provider,
                subject=subject,
                defaults={"user": person, "last_signed_in_at": now},
            )
    except IntegrityError as error:
        raise SignInRefused(Reason.NO_ACCESS, f"linking sub {subject}: {error}") from error
    if link.user_id != person.pk:
        raise SignInRefused(Reason.NO_ACCESS, f"sub {subject} is linked to another person")
    if not made:
        SignInIdentity.objects.filter(pk=link.pk).update(last_signed_in_at=now)
    return link
