"""Partnerships: an installation that served one partnership (named by the PARTNERSHIP_NAME
setting) moves into one partnership of that name, with nothing lost or changed in meaning:
its strategies and plans (and so everything of them) belong to it, every agency is one of its
partners, and each person's role (their group) becomes their role in it. A new, empty
installation gets no partnership: a site administrator creates the first."""

import os

import django.db.models.deletion
import partnerships.context
from django.conf import settings
from django.db import migrations, models
from django.utils.text import slugify


# The role groups of the single-partnership days, and the role each now is.
ROLE_OF_GROUP = {
    "Administrators": "administrator",
    "Chair and members": "chair",
    "Officers": "officer",
}


def into_one_partnership(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    Membership = apps.get_model("partnerships", "Membership")
    Strategy = apps.get_model("plans", "Strategy")
    AnnualPlan = apps.get_model("plans", "AnnualPlan")
    Agency = apps.get_model("agencies", "Agency")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    role_groups = Group.objects.filter(name__in=ROLE_OF_GROUP)
    people = User.objects.filter(groups__in=role_groups).distinct()
    if not (
        Strategy.objects.exists()
        or AnnualPlan.objects.exists()
        or Agency.objects.exists()
        or people.exists()
    ):
        return
    name = settings.PARTNERSHIP_NAME
    partnership = Partnership.objects.filter(name__iexact=name).first()
    if partnership is None:
        partnership = Partnership.objects.create(
            name=name,
            slug=os.environ.get("PARTNERSHIP_SLUG") or slugify(name)[:60] or "partnership",
        )
    for model_name in ["Strategy", "AnnualPlan", "HistoricalStrategy", "HistoricalAnnualPlan"]:
        apps.get_model("plans", model_name).objects.update(partnership=partnership)
    partnership.partners.set(Agency.objects.all())
    # The first role group a person is in, in the order of ROLE_OF_GROUP: one role each.
    for group_name, role in ROLE_OF_GROUP.items():
        for user in User.objects.filter(groups__name=group_name):
            Membership.objects.get_or_create(
                user=user, partnership=partnership, defaults={"role": role}
            )
    for group in role_groups:
        group.user_set.clear()


def back_to_one_partnership(apps, schema_editor):
    """Undo: each person's role in the (only) partnership becomes their group again."""
    Membership = apps.get_model("partnerships", "Membership")
    Group = apps.get_model("auth", "Group")
    group_of_role = {role: name for name, role in ROLE_OF_GROUP.items()}
    for membership in Membership.objects.select_related("user"):
        group = Group.objects.filter(name=group_of_role[membership.role]).first()
        if group is not None:
            membership.user.groups.add(group)
    Membership.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0001_initial"),
        ("plans", "0005_quarter_choices_in_one_place"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("agencies", "0003_partners"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="annualplan",
            name="partnership",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plans",
                to="partnerships.partnership",
            ),
        ),
        migrations.AddField(
            model_name="historicalannualplan",
            name="partnership",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=partnerships.context.current_partnership_id,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="partnerships.partnership",
            ),
        ),
        migrations.AddField(
            model_name="historicalstrategy",
            name="partnership",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=partnerships.context.current_partnership_id,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="partnerships.partnership",
            ),
        ),
        migrations.AddField(
            model_name="strategy",
            name="partnership",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="strategies",
                to="partnerships.partnership",
            ),
        ),
        migrations.RunPython(into_one_partnership, back_to_one_partnership),
        migrations.AlterField(
            model_name="annualplan",
            name="partnership",
            field=models.ForeignKey(
                default=partnerships.context.current_partnership_id,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plans",
                to="partnerships.partnership",
            ),
        ),
        migrations.AlterField(
            model_name="strategy",
            name="partnership",
            field=models.ForeignKey(
                default=partnerships.context.current_partnership_id,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="strategies",
                to="partnerships.partnership",
            ),
        ),
        migrations.AlterField(
            model_name="annualplan",
            name="slug",
            field=models.SlugField(help_text="Used in the plan's web address.", max_length=100),
        ),
        migrations.AlterField(
            model_name="strategy",
            name="slug",
            field=models.SlugField(max_length=100),
        ),
        migrations.AddConstraint(
            model_name="annualplan",
            constraint=models.UniqueConstraint(
                fields=("partnership", "slug"), name="plans_annualplan_unique_slug_per_partnership"
            ),
        ),
        migrations.AddConstraint(
            model_name="strategy",
            constraint=models.UniqueConstraint(
                fields=("partnership", "slug"), name="plans_strategy_unique_slug_per_partnership"
            ),
        ),
    ]
