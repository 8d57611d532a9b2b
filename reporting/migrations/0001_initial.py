"""The board's record (board reports and their covers) moved here from `assurance` (issue 26).

The tables are kept: the models are created in migration state only, on the tables `assurance`
made, which are then renamed; content types move too, so permissions and admin history follow.
Nothing is copied, so a frozen report cannot change on the way.
"""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = ("boardpapercover", "historicalboardpapercover", "boardreport")


def _relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor):
    _relabel(apps, "assurance", "reporting")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, "reporting", "assurance")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('assurance', '0004_board_paper_cover'),
        ('objectives', '0005_data_revision_to_common'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='BoardPaperCover',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('meeting', models.CharField(blank=True, help_text='For example, Board of Directors.', max_length=200)),
                    ('meeting_date', models.DateField(blank=True, null=True)),
                    ('agenda_item', models.CharField(blank=True, help_text='For example, 7.2.', max_length=20)),
                    ('report_title', models.CharField(blank=True, help_text="Left blank: the plan and quarter's own title.", max_length=200)),
                    ('executive_sponsor', models.CharField(blank=True, max_length=200)),
                    ('author', models.CharField(blank=True, max_length=200)),
                    ('purpose', models.CharField(choices=[('assurance', 'For assurance'), ('approval', 'For approval'), ('information', 'For information')], default='assurance', max_length=12)),
                    ('recommendation', models.TextField(blank=True, help_text='Left blank: the Board is asked to note progress and seek further assurance.', validators=[django.core.validators.MaxLengthValidator(2000)])),
                    ('strategic_risks', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='links to strategic risks')),
                    ('implications', models.TextField(blank=True, help_text='Financial, legal, quality, equality and other implications.', validators=[django.core.validators.MaxLengthValidator(2000)])),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('quarter', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='board_cover', to='objectives.quarter')),
                ],
                options={'db_table': 'assurance_boardpapercover'},
            ),
            migrations.CreateModel(
                name='HistoricalBoardPaperCover',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('meeting', models.CharField(blank=True, help_text='For example, Board of Directors.', max_length=200)),
                    ('meeting_date', models.DateField(blank=True, null=True)),
                    ('agenda_item', models.CharField(blank=True, help_text='For example, 7.2.', max_length=20)),
                    ('report_title', models.CharField(blank=True, help_text="Left blank: the plan and quarter's own title.", max_length=200)),
                    ('executive_sponsor', models.CharField(blank=True, max_length=200)),
                    ('author', models.CharField(blank=True, max_length=200)),
                    ('purpose', models.CharField(choices=[('assurance', 'For assurance'), ('approval', 'For approval'), ('information', 'For information')], default='assurance', max_length=12)),
                    ('recommendation', models.TextField(blank=True, help_text='Left blank: the Board is asked to note progress and seek further assurance.', validators=[django.core.validators.MaxLengthValidator(2000)])),
                    ('strategic_risks', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='links to strategic risks')),
                    ('implications', models.TextField(blank=True, help_text='Financial, legal, quality, equality and other implications.', validators=[django.core.validators.MaxLengthValidator(2000)])),
                    ('updated_at', models.DateTimeField(blank=True, editable=False)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('quarter', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='objectives.quarter')),
                ],
                options={
                    'db_table': 'assurance_historicalboardpapercover',
                    'verbose_name': 'historical board paper cover',
                    'verbose_name_plural': 'historical board paper covers',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='BoardReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('data', models.JSONField()),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('superseded_at', models.DateTimeField(blank=True, null=True)),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('quarter', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='board_reports', to='objectives.quarter')),
                ],
                options={
                    'db_table': 'assurance_boardreport',
                    'ordering': ['quarter_id', '-created_at'],
                    'constraints': [models.UniqueConstraint(condition=models.Q(('superseded_at__isnull', True)), fields=('quarter',), name='one_current_board_report_per_quarter')],
                },
            ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.AlterModelTable(name='BoardPaperCover', table=None),
        migrations.AlterModelTable(name='HistoricalBoardPaperCover', table=None),
        migrations.AlterModelTable(name='BoardReport', table=None),
    ]
