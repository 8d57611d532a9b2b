"""API tokens and the People pages' change log moved to `accounts` (issue 26): their rows, history
included, are copied into the new tables with their ids before the old tables go, so every
token in use keeps working and every change stays recorded."""

from django.core.management.color import no_style
from django.db import migrations

MOVED = ("ApiToken", "HistoricalApiToken", "PersonChange")


def copy_rows(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    new_models = []
    for name in MOVED:
        old, new = apps.get_model("core", name), apps.get_model("accounts", name)
        columns = ", ".join(quote(field.column) for field in old._meta.concrete_fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(new._meta.db_table)} ({columns}) "
                f"SELECT {columns} FROM {quote(old._meta.db_table)}"
            )
        new_models.append(new)
    # PostgreSQL: the new tables' id sequences start after the copied ids.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), new_models):
            cursor.execute(statement)


class Migration(migrations.Migration):
    # The rows are copied before accounts adds columns the old tables lack (token expiry,
    # issue 29), so its migration fills them in for the copied tokens too.
    run_before = [("accounts", "0002_token_expiry")]

    dependencies = [
        ('accounts', '0001_initial'),
        ('core', '0003_shared_cache'),
    ]

    operations = [
        migrations.RunPython(copy_rows, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicalapitoken',
            name='history_user',
        ),
        migrations.RemoveField(
            model_name='historicalapitoken',
            name='user',
        ),
        migrations.RemoveField(
            model_name='personchange',
            name='changed_by',
        ),
        migrations.RemoveField(
            model_name='personchange',
            name='person',
        ),
        migrations.DeleteModel(
            name='ApiToken',
        ),
        migrations.DeleteModel(
            name='HistoricalApiToken',
        ),
        migrations.DeleteModel(
            name='PersonChange',
        ),
    ]
