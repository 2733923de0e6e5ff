"""The partial index of the events in no DSS batch yet, built after 0008 marked the events already exported (in
its own transaction), so it holds only the unsent tail of the event table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("regionale", "0008_evento_lotto_dss")]

    operations = [
        migrations.AddIndex(
            model_name="eventoregionale",
            index=models.Index(
                condition=models.Q(("lotto_dss__isnull", True)), fields=["id"], name="evento_dss_da_inviare"
            ),
        ),
        migrations.AlterModelOptions(
            name="lottodss",
            options={
                "ordering": ["-id"],
                "verbose_name": "lotto inviato al DSS",
                "verbose_name_plural": "lotti inviati al DSS",
            },
        ),
    ]
