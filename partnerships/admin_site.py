"""Plan administration (Django admin), per partnership.

At ``/p/<slug>/admin/`` it is that partnership's: open to its administrators, and every change
list, choice, filter, autocomplete and history in it sees the partnership's rows only (the
models' managers, ``partnerships.scoping``). At ``/admin/`` it is the site's: open to site
administrators (superusers) only, who create partnerships, their first administrators and the
oversight bodies.
"""

from django.contrib import admin
from django.shortcuts import redirect

from .context import current_partnership


class PartnershipAdminSite(admin.AdminSite):
    site_title = "Plan administration"
    index_title = "Set up strategies, plans, priorities, strands and actions"

    def has_permission(self, request):
        from .middleware import can_administer

        return can_administer(request)

    def each_context(self, request):
        context = super().each_context(request)
        partnership = current_partnership()
        if partnership is None:
            context["site_header"] = "Site administration"
            context["site_title"] = "Site administration"
        else:
            context["site_header"] = f"{partnership.name}: plan administration"
        return context

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def view_or_to_own_admin(request, *args, **kwargs):
            # A partnership's administrator who opens the site's admin is sent to their own.
            user = request.user
            if (
                current_partnership() is None
                and user.is_authenticated
                and not user.is_superuser
                and request.method in ("GET", "HEAD")
            ):
                from .middleware import chosen_partnership

                partnership = chosen_partnership(request)
                if partnership is not None:
                    return redirect(partnership.prefix + "admin/")
            return inner(request, *args, **kwargs)

        return view_or_to_own_admin
