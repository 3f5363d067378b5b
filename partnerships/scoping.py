"""Which partnership's rows a query may see: the one entry point every query goes through.

Every model that belongs to a partnership has a manager from ``partnership_manager``. Its
queries see only the rows of the partnerships in force (``partnerships.context``): set by the
middleware from the page's address, by a management command for the partnership it works on,
or to several by an oversight body's pages. Where none is in force, a query raises
django-scopes' ``ScopeError`` rather than return another partnership's rows; the site's root
pages put an empty set in force, so that they see nothing. The same goes for Django admin's
change lists, choices, filters and autocompletes, and for every import lookup: they all use the
model's default manager.

The partnerships in force are read when the query is run, not when it is built: a form's
choices made when its module was imported still see only the page's partnership. The state is
django-scopes' (pretix's), so its ``scope()`` and ``scopes_disabled()`` apply.
"""

from django.db import models
from django_scopes.exceptions import ScopeError
from django_scopes.state import get_scope

DIMENSION = "partnership"
LOOKUP = "in_partnerships_in_force"
_NO_SCOPE = object()
# Set with the partnership when an oversight body's person reads it (context.acting_in).
OVERSIGHT = "oversight"
# The statuses (plans.models.PlanStatus) of the plans an oversight body reads: signed off and
# after, never a draft or a plan out for consultation. tests/partnerships test they are statuses.
OVERSIGHT_PLAN_STATUSES = ("signed_off", "active", "closed")


def read_by_oversight() -> bool:
    """Whether the work in force is an oversight body's reading of a partnership."""
    scope = get_scope()
    return bool(scope.get("_enabled", True) and scope.get(OVERSIGHT))


def partnership_ids_in_force():
    """The ids of the partnerships whose rows queries may see now: a list; None when scoping
    is off (tests, a site administrator's whole-site admin); ``_NO_SCOPE`` when nothing has
    said."""
    scope = get_scope()
    if not scope.get("_enabled", True):
        return None
    if DIMENSION not in scope:
        return _NO_SCOPE
    return list(scope[DIMENSION])


@models.Field.register_lookup
class InPartnershipsInForce(models.Lookup):
    """``<path to a partnership>__in_partnerships_in_force=True``: the row belongs to one of
    the partnerships in force when the query runs."""

    lookup_name = LOOKUP
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        ids = partnership_ids_in_force()
        if ids is _NO_SCOPE:
            raise ScopeError(
                f"No partnership is in force for this query of {self.lhs.target.model.__name__}: "
                "run it inside partnerships.context.acting_in() (or across(), everywhere())."
            )
        if ids is None:
            return "1 = 1", []
        if not ids:
            return "1 = 0", []
        lhs, lhs_params = self.process_lhs(compiler, connection)
        placeholders = ", ".join(["%s"] * len(ids))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *ids]


@models.Field.register_lookup
class OfPartnershipsInForce(models.Lookup):
    """``pk__of_partnerships_in_force="<path>"``: the row is linked, through a many-to-many
    path, to one of the partnerships in force when the query runs (a subquery, which cannot
    repeat a row). With scoping off, every row, linked or not."""

    lookup_name = "of_" + LOOKUP.removeprefix("in_")
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        ids = partnership_ids_in_force()
        model = self.lhs.target.model
        if ids is _NO_SCOPE:
            raise ScopeError(
                f"No partnership is in force for this query of {model.__name__}: run it inside "
                "partnerships.context.acting_in() (or across(), everywhere())."
            )
        if ids is None:
            return "1 = 1", []
        if not ids:
            return "1 = 0", []
        inner = model._base_manager.filter(**{f"{self.rhs}__id__in": ids}).values("pk")
        inner_sql, inner_params = inner.query.get_compiler(connection=connection).as_sql()
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({inner_sql})", [*lhs_params, *inner_params]


@models.Field.register_lookup
class ReadableByOversight(models.Lookup):
    """``<a plan's status>__readable_by_oversight=True``: while an oversight body reads, the
    plan is signed off or after (OVERSIGHT_PLAN_STATUSES); otherwise any plan. On a row's key
    with ``False``: the row is never for an oversight body (consultation comments, imports,
    the update round, the partnership's people)."""

    lookup_name = "readable_by_oversight"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if not read_by_oversight():
            return "1 = 1", []
        if self.rhs is False:
            return "1 = 0", []
        lhs, lhs_params = self.process_lhs(compiler, connection)
        placeholders = ", ".join(["%s"] * len(OVERSIGHT_PLAN_STATUSES))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *OVERSIGHT_PLAN_STATUSES]


SELF = "self"  # partnership_manager's plan= for the plan itself


def partnership_manager(
    path: str,
    queryset_class=models.QuerySet,
    *,
    many=False,
    plan: str | None = None,
    oversight=True,
):
    """A default manager whose queries see only the partnerships in force, reached from the
    model by ``path`` ("partnership", "plan__partnership"...). ``many``: the path crosses a
    many-to-many relation (an agency is a partner of several partnerships), so the rows are
    picked by a subquery, which cannot repeat a row.

    While an oversight body reads, rows of a plan (``plan``: the path to it, ``SELF`` for the
    plan; by default the path's part before "__partnership" when it ends in "plan") are seen
    only for the plans it may read, and rows with ``oversight=False`` not at all."""
    if plan is None and path.endswith("plan__partnership"):
        plan = path.removesuffix("__partnership")
    status = "status" if plan == SELF else f"{plan}__status" if plan else None

    base = models.Manager.from_queryset(queryset_class)

    class PartnershipManager(base):
        # Read by safer_lewisham/changes.py: whose version a write to the model's table moves
        # (one partnership's rows, or rows shared by several).
        partnership_path = path
        shared = many

        def get_queryset(self):
            queryset = super().get_queryset()
            if many:
                queryset = queryset.filter(**{f"pk__{OfPartnershipsInForce.lookup_name}": path})
            else:
                # "__id": the partnership's column, without a join to the partnerships table.
                queryset = queryset.filter(**{f"{path}__id__{LOOKUP}": True})
            if not oversight:
                queryset = queryset.filter(pk__readable_by_oversight=False)
            elif status:
                queryset = queryset.filter(**{f"{status}__readable_by_oversight": True})
            return queryset

    PartnershipManager.__name__ = f"PartnershipManager{queryset_class.__name__}"
    return PartnershipManager()
