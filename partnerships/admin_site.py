"""Plan administration (Django admin), per partnership.

At ``/p/<slug>/admin/`` it is that partnership's: open to its administrators, and every change
list, choice, filter, autocomplete and history in it sees the partnership's rows only (the
models' managers, ``partnerships.scoping``). At ``/admin/`` it is the site's: open to site
administrators (superusers) only, who create partnerships, their first administrators and the
oversight bodies.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.base import ModelBase
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from .context import current_partnership


def _histories_in_scope(model_admin):
    """A record's history pages (django-simple-history's, which also show the history of a
    deleted record, read from its history table, whatever the partnership) answer only for a
    record the page's partnership has: 404 for any other. The site's admin still shows deleted
    records' histories."""
    for name in ("history_view", "history_form_view"):
        view = getattr(model_admin, name, None)
        if view is None or getattr(view, "in_scope", False):
            continue

        def in_scope(request, object_id, *args, _view=view, **kwargs):
            if current_partnership() is not None:
                found = model_admin.get_queryset(request).filter(pk=unquote(object_id))
                if not found.exists():
                    raise Http404("No such record.")
            return _view(request, object_id, *args, **kwargs)

        in_scope.in_scope = True
        setattr(model_admin, name, in_scope)


def _people_of_the_partnership(model_admin):
    """Choosing a person (an action's lead officer, an update's author): among the people of
    the page's partnership only. (The models of a partnership's data choose among its rows by
    themselves: partnerships.scoping. People are Django's users, shared by every partnership.)"""
    if getattr(model_admin, "people_in_scope", False):
        return model_admin
    original = model_admin.formfield_for_foreignkey

    def formfield_for_foreignkey(db_field, request, **kwargs):
        partnership = current_partnership()
        if db_field.related_model is get_user_model() and partnership is not None:
            # Its people, and whoever the partnership's records already name there (an update's
            # author who has since left), so that saving a record keeps its person.
            named = db_field.model._default_manager.values(db_field.attname)
            people = get_user_model().objects.filter(
                Q(memberships__partnership=partnership) | Q(pk__in=named)
            )
            kwargs.setdefault("queryset", people.distinct())
        return original(db_field, request, **kwargs)

    model_admin.formfield_for_foreignkey = formfield_for_foreignkey
    inlines = getattr(model_admin, "get_inline_instances", None)
    if inlines is not None:  # a model's page, whose inlines choose people too

        def get_inline_instances(request, obj=None):
            return [_people_of_the_partnership(inline) for inline in inlines(request, obj)]

        model_admin.get_inline_instances = get_inline_instances
    model_admin.people_in_scope = True
    return model_admin


class PartnershipAdminSite(admin.AdminSite):
    site_title = "Plan administration"
    index_title = "Set up strategies, plans, priorities, strands and actions"

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, admin_class, **options)
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        for model in models:
            _histories_in_scope(self._registry[model])
            _people_of_the_partnership(self._registry[model])

    def has_permission(self, request):
        from .middleware import can_administer

        return can_administer(request)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """Admin's own sign-in page is not used: it would sign in with a password alone. Whoever
        is signed out is sent to the site's sign-in page (with its second factor) and back; a
        signed-in person who may not use admin is refused, not asked to sign in again (the
        sign-in page would send them straight back here)."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(reverse("admin:index", current_app=self.name))
            raise PermissionDenied("Plan administration is for administrators.")
        onward = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
            "admin:index", current_app=self.name
        )
        return redirect(f"{reverse('login')}?{urlencode({REDIRECT_FIELD_NAME: onward})}")

    def each_context(self, request):
        context = super().each_context(request)
        partnership = current_partnership()
        if partnership is None:
            context["site_header"] = "Site administration"
            context["site_title"] = "Site administration"
        else:
            context["site_header"] = f"{partnership.name}: plan administration"
            context["site_url"] = reverse("home")
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
