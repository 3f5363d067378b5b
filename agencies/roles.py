"""The roles of a partnership, as Django groups with permissions: a person's role in each
partnership they belong to (partnerships.models.Membership) gives them its group's permissions
there (partnerships/backends.py).

- Administrators: everything, including Plan administration (they also need "staff status"),
  except signing a plan off, which is the chair's.
- Chair and members: read every plan, action and update; comment on a plan out for
  consultation; the chair signs a plan off and closes a quarter after the partnership's meeting.
- Officers: read everything; comment on a plan out for consultation; record progress on the
  actions they or their agency lead.

The groups are created with these permissions when the database is migrated, if they do not
exist yet (or exist with no permissions at all). After that they belong to the administrators,
who may change them in admin; the service never resets them.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from partnerships.models import ROLE_GROUPS, Role

ADMINISTRATORS = ROLE_GROUPS[Role.ADMINISTRATOR]
CHAIR_AND_MEMBERS = ROLE_GROUPS[Role.CHAIR]
OFFICERS = ROLE_GROUPS[Role.OFFICER]

# The apps whose data the roles are about, in INSTALLED_APPS order.
PLAN_APPS = [
    "agencies",
    "plans",
    "priorities",
    "actions",
    "consultation",
    "imports",
    "indicators",
    "rounds",
]
# The roles are made when the last of them has been migrated (see agencies/apps.py).
LAST_PLAN_APP = PLAN_APPS[-1]


def _permissions(query):
    return Permission.objects.filter(query, content_type__app_label__in=PLAN_APPS)


def permissions_for(role):
    """The permissions a role's group starts with."""
    if role == ADMINISTRATORS:
        # ... and, in their partnership, its people's roles, its own details (not making or
        # removing partnerships, a site administrator's) and its legal pages.
        return list(_permissions(~Q(codename="sign_off_plan"))) + list(
            Permission.objects.filter(
                Q(
                    content_type__app_label="auth",
                    codename__in=["add_user", "change_user", "view_user", "view_group"],
                )
                | Q(
                    content_type__app_label="partnerships",
                    codename__in=[
                        "add_membership",
                        "change_membership",
                        "delete_membership",
                        "view_membership",
                        "change_partnership",
                        "view_partnership",
                    ],
                )
                # The partnership's legal pages: accessibility statement, privacy notice,
                # cookies (the legal app; legal/migrations/0002 gives them to existing groups).
                | Q(content_type__app_label="legal")
            )
        )
    # Everyone reads the plans (not the administrators' import records) and comments on a plan
    # out for consultation.
    readers = (
        Q(codename__startswith="view_")
        & ~Q(content_type__app_label="imports")
        & ~Q(codename="view_roundemail")
    )
    commenters = Q(codename="add_comment")
    if role == CHAIR_AND_MEMBERS:
        # The chair closes a quarter after its meeting (only administrators reopen one) and
        # signs off a plan after consultation.
        return list(
            _permissions(readers | commenters | Q(codename__in=["close_quarter", "sign_off_plan"]))
        )
    if role == OFFICERS:
        recorders = Q(
            codename__in=[
                "add_progressupdate",
                "change_progressupdate",
                "add_indicatorvalue",
                "change_indicatorvalue",
            ]
        )
        return list(_permissions(readers | commenters | recorders))
    raise ValueError(f"Unknown role {role!r}")


def ensure_roles(**kwargs):
    """Create the role groups that do not exist yet (a post_migrate handler)."""
    for role in (ADMINISTRATORS, CHAIR_AND_MEMBERS, OFFICERS):
        group, created = Group.objects.get_or_create(name=role)
        if created or not group.permissions.exists():
            group.permissions.set(permissions_for(role))


def lands_on_my_actions(user):
    """Officers start on their own actions after signing in; everyone else on the plans."""
    return user.has_perm("actions.add_progressupdate") and not user.has_perm(
        "actions.update_any_action"
    )
