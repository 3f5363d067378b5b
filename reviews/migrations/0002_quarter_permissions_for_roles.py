"""Give the roles the right to close quarters (Chair and members, Administrators) and to reopen
them (Administrators), in databases whose role groups already exist.

A new database has no groups yet when this runs: agencies/roles.py creates them after the
migrations (post_migrate) and is where new databases get these permissions. This migration
creates the two permissions itself (Django would only create them after the migrations), so
that they exist for roles.py by then.
"""

from django.db import migrations

# Group names as agencies/roles.py has them.
GRANTS = {
    "Chair and members": ["close_quarter"],
    "Administrators": ["close_quarter", "reopen_quarter"],
}
PERMISSIONS = {
    "close_quarter": "Can close a quarter after its meeting",
    "reopen_quarter": "Can reopen a closed quarter",
}


def quarter_permissions(apps):
    """{codename: Permission} for the two permissions, created if need be."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="reviews", model="quarterclosure")
    return {
        codename: Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in PERMISSIONS.items()
    }


def grant(apps, schema_editor=None):
    """Add the permissions to the role groups that exist (and leave every other permission of
    theirs alone: administrators may have changed them)."""
    Group = apps.get_model("auth", "Group")
    permissions = quarter_permissions(apps)
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.add(*(permissions[codename] for codename in GRANTS[group.name]))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="reviews", codename__in=GRANTS[group.name]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_quarter_closure"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
