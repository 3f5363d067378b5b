"""Administration of partner agencies and of the officers who work for them."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from govuk.admin_accessibility import LabelledSplitDateTimeMixin

from .models import Agency, Profile

User = get_user_model()


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    fields = ["name", "short_name", "slug", "kind", "is_active"]
    prepopulated_fields = {"slug": ("name",)}
    list_display = ["name", "short_name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "agency", "job_title"]
    list_select_related = ["user", "agency"]
    list_filter = ["agency"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "job_title"]


class ProfileInline(admin.StackedInline):
    """The officer's agency and job title, on the same page as their login."""

    model = Profile
    fields = ["agency", "job_title"]
    can_delete = False
    verbose_name_plural = "agency and job title"


# Django's own user pages, with the officer's agency added.
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(LabelledSplitDateTimeMixin, BaseUserAdmin):
    inlines = [ProfileInline]
    # Groups as checkboxes, permissions as a plain list: admin's two-box "horizontal filter"
    # widget fails the accessibility checks (ARIA on its search icons).
    filter_horizontal = ()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "password" in form.base_fields:
            # Django's own template puts `disabled` on a <div>, which is not valid HTML.
            form.base_fields[
                "password"
            ].widget.template_name = "agencies/widgets/read_only_password_hash.html"
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    list_display = [*BaseUserAdmin.list_display, "agency"]
    list_select_related = ["profile__agency"]
    list_filter = [*BaseUserAdmin.list_filter, "profile__agency"]

    def get_readonly_fields(self, request, obj=None):
        # An administrator manages people's roles (groups) but cannot make anyone, themselves
        # included, a superuser or hand out permissions one by one: only a superuser can.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    @admin.display(description="Agency", ordering="profile__agency__name")
    def agency(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.agency if profile else None


# Django's group pages, with the permissions as a plain multiple-choice list rather than the
# two-box widget (see UserAdmin).
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    filter_horizontal = ()
