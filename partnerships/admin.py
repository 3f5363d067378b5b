"""The partnerships, their memberships and the oversight bodies in admin. Partnerships and
oversight bodies are the site administrators' (``/admin/``); a partnership's administrators
change their own partnership's details and its people's roles (the people's pages, in
agencies/admin.py, carry the role)."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from govuk.admin_accessibility import LabelledTabularInline

from .context import current_partnership
from .models import Membership, OversightBody, Partnership


def in_site_admin(request) -> bool:
    """Whether this is the site's admin (``/admin/``), opened by a site administrator."""
    return request.user.is_superuser and current_partnership() is None


class SiteAdministratorsOnly:
    """Made, changed and removed in the site's admin only, by site administrators."""

    def has_module_permission(self, request):
        return in_site_admin(request)

    def has_view_permission(self, request, obj=None):
        return in_site_admin(request)

    def has_add_permission(self, request):
        return in_site_admin(request)

    def has_change_permission(self, request, obj=None):
        return in_site_admin(request)

    def has_delete_permission(self, request, obj=None):
        return in_site_admin(request)


class MembershipInline(LabelledTabularInline):
    model = Membership
    extra = 1
    verbose_name = "person and role"
    verbose_name_plural = "people and their roles"


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    """In the site's admin: every partnership, with its people (a new partnership's first
    administrator is added here). In a partnership's admin: only itself, to change its
    details; not its address, which its links and bookmarks depend on."""

    list_display = ["name", "short_name", "slug", "area", "is_active"]
    search_fields = ["name", "short_name", "area"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        partnership = current_partnership()
        if partnership is not None:
            return queryset.filter(pk=partnership.pk)
        return queryset if request.user.is_superuser else queryset.none()

    def get_inlines(self, request, obj):
        return [MembershipInline] if current_partnership() is None else []

    def get_fields(self, request, obj=None):
        fields = ["name", "short_name", "slug", "area", "logo", "contact_email", "is_active"]
        if current_partnership() is not None:
            fields.remove("is_active")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if current_partnership() is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        # Only where the address may be set (the site's admin); not a class attribute, which
        # the history pages read whatever the form holds.
        return {} if current_partnership() is not None else {"slug": ("name",)}

    def has_add_permission(self, request):
        return in_site_admin(request)

    def has_delete_permission(self, request, obj=None):
        return in_site_admin(request)


@admin.register(OversightBody)
class OversightBodyAdmin(SiteAdministratorsOnly, SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}
    fields = ["name", "slug", "kind", "covers", "members"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Checkboxes: admin's two-box widget and select2 fail the accessibility checks.
        if db_field.name in ("covers", "members"):
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)
