"""Key indicators get a line of descent across plan years (issue 27): a measure continues as one
series when its objective is rolled over. Existing indicators are given lines here: an
indicator of a later plan with the same objective number, order and text as one of an earlier
plan (the copy a roll-over made) continues that one's line; every other starts its own."""

import uuid

from django.db import migrations, models


def give_lines(apps, schema_editor):
    KeyIndicator = apps.get_model("objectives", "KeyIndicator")
    seen = {}
    rows = KeyIndicator.objects.select_related("objective__plan").order_by(
        "objective__plan__start_date", "objective__number", "order", "pk"
    )
    for indicator in rows:
        key = (indicator.objective.number, indicator.order, indicator.text)
        line = seen.get(key) or uuid.uuid4()
        seen[key] = line
        KeyIndicator.objects.filter(pk=indicator.pk).update(line=line)


class Migration(migrations.Migration):
    dependencies = [
        ("objectives", "0005_data_revision_to_common"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalkeyindicator",
            name="line",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddField(
            model_name="keyindicator",
            name="line",
            field=models.UUIDField(db_index=True, null=True, editable=False),
        ),
        migrations.RunPython(give_lines, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="keyindicator",
            name="line",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
    ]
