"""Quarter closures now belong to the plans (plans 0004 renamed their tables and moved their
content types): the reviews app forgets them, without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_quarter_permissions_for_roles"),
        ("plans", "0004_quarter_closures_from_reviews"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalQuarterClosure"),
                migrations.DeleteModel(name="QuarterClosure"),
            ],
        ),
    ]
