from django.db import migrations


def seed(apps, schema_editor):
    from cse.regionale.leps import seed_indicators

    seed_indicators(apps.get_model("regionale", "IndicatoreLeps"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("regionale", "0003_sioss_leps")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
