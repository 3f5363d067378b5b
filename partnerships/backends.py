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
from .models import ROLE_GROUPS, Membership


class PartnershipRoleBackend(ModelBackend):
    """ModelBackend (passwords, a person's own permissions) with group permissions replaced by
    the permissions of their role in the current partnership."""

    def _role_permissions(self, user_obj):
        partnership = current_partnership()
        if partnership is None:
            return set()
        role = (
            Membership.objects.filter(user=user_obj, partnership=partnership)
            .values_list("role", flat=True)
            .first()
        )
        if role is None:
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
