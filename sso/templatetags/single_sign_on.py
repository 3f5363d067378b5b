"""``{% sign_in_with_organisation %}``: the single sign-on part of the sign-in page."""

from django import template

from ..forms import OrganisationEmailForm
from ..models import SingleSignOnProvider

register = template.Library()


@register.inclusion_tag("sso/sign_in_options.html", takes_context=True)
def sign_in_with_organisation(context):
    request = context["request"]
    partnership = getattr(request, "partnership", None)
    providers = list(SingleSignOnProvider.objects.serving(partnership)) if partnership else []
    return {
        "providers": providers,
        # The e-mail form only where an address could find a provider.
        "by_email": SingleSignOnProvider.objects.active().exclude(email_domains="").exists(),
        # The right password of someone whose organisation signs them in (sso.backends).
        "password_refused_by": getattr(request, "sso_password_refused_by", None),
        "form": OrganisationEmailForm(),
        "next": context.get("next", ""),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
