# The outbox is a platform model now (fengqiao.core.models.Outbox, core 0001). Only Django's
# model state changes here: the table `cases_outbox`, its rows and its index stay as they are,
# and core 0001 takes the same table over (Meta.db_table), also in state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_worklist_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Outbox',
                ),
            ],
            database_operations=[],
        ),
    ]
