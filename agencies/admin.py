"""Administration of partner agencies and of the officers who work for them."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from govuk.admin_accessibility import LabelledSplitDateTimeMixin, LabelledTabularInline
from partnerships.context import current_partnership
from partnerships.models import Membership

from .models import Agency, AgencyAlias, Profile

User = get_user_model()


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    """A partnership's administrators see and add their partners; an agency they add becomes
    one of their partners. Site administrators see every agency and choose its partnerships."""

    prepopulated_fields = {"slug": ("name",)}
    list_display = ["name", "short_name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]

    def get_fields(self, request, obj=None):
        fields = ["name", "short_name", "slug", "kind", "is_active"]
        if current_partnership() is None:
            fields.append("partnerships")
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "partnerships":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        partnership = current_partnership()
        if partnership is not None:
            form.instance.partnerships.add(partnership)


@admin.register(AgencyAlias)
class AgencyAliasAdmin(admin.ModelAdmin):
    """What the partnership confirmed the names in its spreadsheets mean, while previewing an
    import. A plain list: an administrator sees them and deletes one that is wrong (the next
    import then asks again). They are made by confirming a name in an import's preview, which
    sets the partnership and who confirmed it; at the site's admin, every partnership's."""

    list_display = ["alias", "agency", "confirmed_by", "confirmed_at"]
    list_select_related = ["agency", "confirmed_by"]
    search_fields = ["alias", "agency__name", "agency__short_name"]
    fields = ["alias", "agency", "confirmed_by", "confirmed_at"]
    readonly_fields = fields

    def get_list_display(self, request):
        if current_partnership() is None:
            return [*self.list_display, "partnership"]
        return self.list_display

    def get_list_select_related(self, request):
        if current_partnership() is None:
            return [*self.list_select_related, "partnership"]
        return self.list_select_related

    def get_list_filter(self, request):
        return ["partnership"] if current_partnership() is None else []

    def get_fields(self, request, obj=None):
        return ["partnership", *self.fields] if current_partnership() is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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


class MembershipInline(LabelledTabularInline):
    """The person's role: in a partnership's admin, their role in it (one, required: someone
    without one is not of the partnership); in the site's admin, their role in each."""

    model = Membership
    extra = 0
    verbose_name = "role in the partnership"
    verbose_name_plural = "role in the partnership"

    def get_fields(self, request, obj=None):
        return ["role"] if current_partnership() is not None else ["partnership", "role"]

    def get_min_num(self, request, obj=None, **kwargs):
        return 1 if current_partnership() is not None else 0

    def get_max_num(self, request, obj=None, **kwargs):
        return 1 if current_partnership() is not None else None


@admin.register(User)
class UserAdmin(LabelledSplitDateTimeMixin, BaseUserAdmin):
    """The people of the partnership (those with a role in it), with their role, agency and job
    title. A partnership's administrator sees, adds and changes only its people; roles, staff
    status, superusers and permissions one by one are the site administrators'."""

    inlines = [MembershipInline, ProfileInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        partnership = current_partnership()
        if partnership is not None:
            queryset = queryset.filter(memberships__partnership=partnership)
        return queryset

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        site_only = {"is_staff", "is_superuser", "groups", "user_permissions"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in site_only]})
            for name, options in fieldsets
        ]

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
        # A partnership's administrator manages its people's roles but cannot make anyone,
        # themselves included, a superuser or hand out permissions one by one: only a superuser
        # can (the fields are not even on their form: this is the second lock).
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
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
