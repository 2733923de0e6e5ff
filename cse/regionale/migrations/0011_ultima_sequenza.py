"""The highest sequence per case in its own small table, filled from the stored events: the gap detection stops
reading a MAX across every monthly partition for each batch."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("regionale", "0010_ambito_keys_partitions")]

    operations = [
        migrations.CreateModel(
            name="UltimaSequenza",
            fields=[
                ("case_key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("sequence", models.PositiveIntegerField()),
            ],
            options={"verbose_name_plural": "ultime sequenze per caso"},
        ),
        migrations.RunSQL(
            "INSERT INTO regionale_ultimasequenza (case_key, sequence) "
            "SELECT case_key, MAX(sequence) FROM regionale_eventoregionale GROUP BY case_key",
            migrations.RunSQL.noop,
        ),
    ]
