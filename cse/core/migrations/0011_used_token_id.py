from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_codice_attivazione_cf_validator"),
    ]

    operations = [
        migrations.CreateModel(
            name="UsedTokenId",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("namespace", models.CharField(max_length=40)),
                ("token_hash", models.CharField(max_length=64)),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("namespace", "token_hash"), name="used_token_id_unique")
                ],
            },
        ),
    ]
