from django.db import migrations


def seed(apps, schema_editor):
    from cse.core.codelists.nomenclatore import SEED, parent_code

    Voce = apps.get_model("cartella", "VoceNomenclatore")
    by_code = {}
    for codice, denominazione, carattere in SEED:
        parent = by_code.get(parent_code(codice))
        voce, _ = Voce.objects.get_or_create(
            codice=codice,
            valido_dal="2014-01-01",
            defaults={
                "denominazione": denominazione,
                "livello": codice.count(".") + 1,
                "padre": parent,
                "carattere": carattere,
            },
        )
        by_code[codice] = voce


class Migration(migrations.Migration):
    dependencies = [("cartella", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
