"""Permissions by role in the partnership being worked in.

A person's role is per partnership (``Membership``): the same person may administer one and be
an officer of another. Django's permission checks (``user.has_perm``, admin, the
``permission_required`` decorators) ask this backend, which answers with the permissions of the
person's role in the partnership in force (``partnerships.context``), and with nothing where
none is: so a page, admin screen or command that has no partnership grants nobody anything but
a superuser.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from .context import current_partnership
from .models import ROLE_GROUPS, Membership, OversightBody

# What the people of an oversight body may do in a partnership it covers: read its plans, their
# actions, progress and indicators (what they read is further limited: partnerships.scoping),
# never change anything, never read consultation comments or the partnership's people.
OVERSIGHT_PERMISSIONS = frozenset(
    {
        "plans.view_strategy",
        "plans.view_annualplan",
        "plans.view_principle",
        "plans.view_keyquestion",
        "plans.view_driver",
        "plans.view_theme",
        "plans.view_quarterclosure",
        "priorities.view_priority",
        "priorities.view_strand",
        "actions.view_action",
        "actions.view_actionsubitem",
        "actions.view_timeframe",
        "actions.view_completionstatus",
        "actions.view_progressupdate",
        "indicators.view_indicator",
        "indicators.view_indicatortarget",
        "indicators.view_indicatorvalue",
        "agencies.view_agency",
    }
)


class PartnershipRoleBackend(ModelBackend):
    """ModelBackend (passwords, a person's own permissions) with group permissions replaced by
    the permissions of their role in the current partnership."""

    def _role_permissions(self, user_obj):
        partnership = current_partnership()
        if partnership is None:
            return set()
        # The middleware has read the person's membership of the page's partnership already.
        known = getattr(user_obj, "_memberships", {})
        if partnership.pk in known:
            membership = known[partnership.pk]
            role = membership.role if membership is not None else None
        else:
            role = (
                Membership.objects.filter(user=user_obj, partnership=partnership)
                .values_list("role", flat=True)
                .first()
            )
        if role is None:
            if OversightBody.objects.filter(covers=partnership, members=user_obj).exists():
                return set(OVERSIGHT_PERMISSIONS)
            return set()
        permissions = Permission.objects.filter(group__name=ROLE_GROUPS[role])
        return {
            f"{ct}.{name}"
            for ct, name in permissions.values_list("content_type__app_label", "codename")
        }

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache = user_obj.__dict__.setdefault("_role_perm_cache", {})
        key = getattr(current_partnership(), "pk", None)
        if key not in cache:
            cache[key] = self._role_permissions(user_obj)
        return cache[key]

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        return {*self.get_user_permissions(user_obj), *self.get_group_permissions(user_obj)}
