"""The data revision moved to `common` (issue 26): its counter is carried over before the old
table goes, so no app server's cached page is taken for current when the count starts again."""

from django.db import migrations


def carry_over(apps, schema_editor):
    old = apps.get_model("objectives", "DataRevision").objects.filter(pk=1).first()
    if old is not None:
        apps.get_model("common", "DataRevision").objects.update_or_create(
            pk=1, defaults={"value": old.value + 1}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0001_initial"),
        ("objectives", "0004_data_revision"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="DataRevision"),
    ]
