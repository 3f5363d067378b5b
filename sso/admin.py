"""Single sign-on providers and the people linked to them, in the site's admin (``/admin/``)
only: a provider's record holds a client secret and decides who may sign in to every
partnership it serves, so it is the site administrators' (partnerships' administrators ask
them). The secret is written, never shown back."""

from django import forms
from django.contrib import admin

from govuk.forms import GovukErrorMessages, ModelMultipleChoiceField
from partnerships.admin import SiteAdministratorsOnly
from partnerships.models import Partnership

from . import discovery
from .models import SignInIdentity, SingleSignOnProvider


class ProviderForm(GovukErrorMessages, forms.ModelForm):
    # An issuer typed without a scheme is an https one.
    issuer = SingleSignOnProvider._meta.get_field("issuer").formfield(assume_scheme="https")
    client_secret = forms.CharField(
        required=False,
        max_length=SingleSignOnProvider._meta.get_field("client_secret").max_length,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="The client secret the provider gave this site. Leave blank to keep the "
        "one saved; it is never shown.",
    )

    # A value that cannot be a partnership (a NUL, an id too large) is refused with the
    # field's own message, not a database error.
    partnerships = ModelMultipleChoiceField(
        queryset=Partnership.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=SingleSignOnProvider._meta.get_field("partnerships").help_text,
    )

    class Meta:
        model = SingleSignOnProvider
        fields = [
            "name",
            "issuer",
            "client_id",
            "client_secret",
            "partnerships",
            "email_domains",
            "trusts_unconfirmed_email",
            "allows_password",
            "is_active",
        ]
        widgets = {"partnerships": forms.CheckboxSelectMultiple}

    def clean_client_secret(self):
        secret = self.cleaned_data.get("client_secret", "")
        if secret:
            return secret
        if self.instance.pk and self.instance.client_secret:
            return self.instance.client_secret
        raise forms.ValidationError("Enter the client secret")


@admin.register(SingleSignOnProvider)
class SingleSignOnProviderAdmin(SiteAdministratorsOnly, admin.ModelAdmin):
    form = ProviderForm
    # Never the secret.
    list_display = ["name", "issuer", "client_id", "email_domains", "allows_password", "is_active"]
    list_filter = ["is_active", "allows_password"]
    search_fields = ["name", "issuer", "client_id", "email_domains"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        discovery.forget(obj)


@admin.register(SignInIdentity)
class SignInIdentityAdmin(SiteAdministratorsOnly, admin.ModelAdmin):
    """Who has signed in with which provider. Deleting a link lets the person's next sign-in
    link a new account of the provider (after a mailbox was given to someone new, say)."""

    list_display = ["user", "provider", "subject", "linked_at", "last_signed_in_at"]
    list_filter = ["provider"]
    search_fields = ["user__username", "user__email", "subject"]
    readonly_fields = ["user", "provider", "subject", "linked_at", "last_signed_in_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
