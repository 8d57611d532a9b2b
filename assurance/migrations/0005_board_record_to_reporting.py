"""The board's record moved to `reporting` (issue 26): gone from this app's migration state only;
the tables stay, and `reporting` takes them over."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assurance', '0004_board_paper_cover'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='boardreport',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='boardreport',
                    name='quarter',
                ),
                migrations.RemoveField(
                    model_name='historicalboardpapercover',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalboardpapercover',
                    name='quarter',
                ),
                migrations.DeleteModel(
                    name='BoardPaperCover',
                ),
                migrations.DeleteModel(
                    name='BoardReport',
                ),
                migrations.DeleteModel(
                    name='HistoricalBoardPaperCover',
                ),
            ],
        ),
    ]
