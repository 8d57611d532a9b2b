from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The shared cache lives in the database (settings.CACHES, ADR 15): `migrate` makes its
    # table, so a new app server needs no step of its own. Safe to repeat.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_person_changes")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
