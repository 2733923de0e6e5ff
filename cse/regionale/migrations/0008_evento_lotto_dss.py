"""Each regional event records the DSS batch it was sent in (null: in no batch yet).

The column is nullable with no default: PostgreSQL adds it without rewriting the event table (10M+ rows); the
foreign key's check reads the table once. The events of the batches created before this change are marked with
their batch (a batch was then the contiguous id range [primo_evento, ultimo_evento]): one UPDATE per batch, by
primary-key range, touching only events already exported.
"""

import django.db.models.deletion
from django.db import migrations, models


def mark_events_of_existing_batches(apps, schema_editor):
    EventoRegionale = apps.get_model("regionale", "EventoRegionale")
    LottoDss = apps.get_model("regionale", "LottoDss")
    db = schema_editor.connection.alias
    for lotto in LottoDss.objects.using(db).order_by("pk").iterator():
        EventoRegionale.objects.using(db).filter(
            pk__gte=lotto.primo_evento, pk__lte=lotto.ultimo_evento, lotto_dss__isnull=True
        ).update(lotto_dss=lotto)


class Migration(migrations.Migration):
    dependencies = [("regionale", "0007_dss_export_lots")]

    operations = [
        migrations.AddField(
            model_name="eventoregionale",
            name="lotto_dss",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="eventi",
                to="regionale.lottodss",
            ),
        ),
        migrations.RunPython(mark_events_of_existing_batches, migrations.RunPython.noop),
    ]
