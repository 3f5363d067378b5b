"""Let partnerships' administrators write their legal pages, in databases whose role groups
already exist: the Administrators group gets the legal page's four permissions.

A new database has no groups yet when this runs: agencies/roles.py creates them after the
migrations (post_migrate) and is where new databases get these permissions. This migration
creates the permissions itself (Django would only create them after the migrations).
"""

from django.db import migrations

# The group's name as agencies/roles.py has it.
ADMINISTRATORS = "Administrators"
PERMISSIONS = {
    "add_legalpage": "Can add legal page",
    "change_legalpage": "Can change legal page",
    "delete_legalpage": "Can delete legal page",
    "view_legalpage": "Can view legal page",
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=ADMINISTRATORS).first()
    if group is None:
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="legal", model="legalpage")
    group.permissions.add(
        *(
            Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )[0]
            for codename, name in PERMISSIONS.items()
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=ADMINISTRATORS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="legal", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
