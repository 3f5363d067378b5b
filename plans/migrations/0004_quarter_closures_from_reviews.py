"""Quarter closures move from the reviews app to the plans: closing a quarter is part of the plan's
year (plans/year.py), and the apps that refuse updates to a closed quarter (actions, indicators,
rounds) stand below the reviews.

The standard move of a model between apps: the model is added to the plans' state on the tables
it has (reviews_*), which are then renamed plans_*, with their named constraints; the reviews
app drops it from its state only (reviews 0003). The content types move too, so that the
permissions keep their ids and the groups holding "close quarter" and "reopen quarter" (and any
other permission on closures) keep them, now as plans.close_quarter and plans.reopen_quarter.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ("quarterclosure", "historicalquarterclosure")


def move_content_types(from_app, to_app):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(app_label=from_app, model__in=MOVED_MODELS).update(
            app_label=to_app
        )

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_plan_lifecycle"),
        ("reviews", "0002_quarter_permissions_for_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HistoricalQuarterClosure",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "quarter",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (1, "Quarter 1"),
                                    (2, "Quarter 2"),
                                    (3, "Quarter 3"),
                                    (4, "Quarter 4"),
                                ],
                                help_text="The quarter of the plan's financial year (Q1 is April to June).",
                            ),
                        ),
                        ("closed_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "snapshot",
                            models.JSONField(
                                help_text="The quarterly review as it stood when the quarter was closed, as the reviews app wrote it."
                            ),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "closed_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="plans.annualplan",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical quarter closure",
                        "verbose_name_plural": "historical quarter closures",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                        "db_table": "reviews_historicalquarterclosure",
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="QuarterClosure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "quarter",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (1, "Quarter 1"),
                                    (2, "Quarter 2"),
                                    (3, "Quarter 3"),
                                    (4, "Quarter 4"),
                                ],
                                help_text="The quarter of the plan's financial year (Q1 is April to June).",
                            ),
                        ),
                        ("closed_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "snapshot",
                            models.JSONField(
                                help_text="The quarterly review as it stood when the quarter was closed, as the reviews app wrote it."
                            ),
                        ),
                        (
                            "closed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="closed_quarters",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="quarter_closures",
                                to="plans.annualplan",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["plan", "quarter"],
                        "db_table": "reviews_quarterclosure",
                        "permissions": [
                            ("close_quarter", "Can close a quarter after its meeting"),
                            ("reopen_quarter", "Can reopen a closed quarter"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("plan", "quarter"),
                                name="reviews_quarterclosure_once_per_quarter",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("quarter__gte", 1), ("quarter__lte", 4)),
                                name="reviews_quarterclosure_valid_quarter",
                                violation_error_message="The quarter must be 1, 2, 3 or 4.",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="quarterclosure", table=None),
        migrations.AlterModelTable(name="historicalquarterclosure", table=None),
        migrations.RemoveConstraint(
            model_name="quarterclosure", name="reviews_quarterclosure_once_per_quarter"
        ),
        migrations.RemoveConstraint(
            model_name="quarterclosure", name="reviews_quarterclosure_valid_quarter"
        ),
        migrations.AddConstraint(
            model_name="quarterclosure",
            constraint=models.UniqueConstraint(
                fields=("plan", "quarter"), name="plans_quarterclosure_once_per_quarter"
            ),
        ),
        migrations.AddConstraint(
            model_name="quarterclosure",
            constraint=models.CheckConstraint(
                condition=models.Q(("quarter__gte", 1), ("quarter__lte", 4)),
                name="plans_quarterclosure_valid_quarter",
                violation_error_message="The quarter must be 1, 2, 3 or 4.",
            ),
        ),
        migrations.RunPython(
            move_content_types("reviews", "plans"), move_content_types("plans", "reviews")
        ),
    ]
