"""LineaBudget.codice_pdz: the Osservatorio piani di zona code, which the import matched until now by reading it at
the start of the line's name ("<codice> — <denominazione>").

The data step fills it for the lines the import made: the code is read from the name the import itself wrote (the
line's latest history record with the import's change reason), so a line renamed by hand afterwards keeps its code,
and a line typed by hand whose name merely looks like "X — Y" gets none. A code already taken in the same ambito and
year is left blank rather than break the new uniqueness. Names are left as they are (free labels).
"""

from django.db import migrations, models

IMPORT_REASON = "Importato dall'Osservatorio piani di zona"
SEPARATOR = " — "
MAX_LENGTH = 40


def fill_codice_pdz(apps, schema_editor):
    LineaBudget = apps.get_model("ambito", "LineaBudget")
    HistoricalLineaBudget = apps.get_model("ambito", "HistoricalLineaBudget")
    db = schema_editor.connection.alias
    written: dict[int, str] = {}  # line id → the name the import last wrote
    records = (
        HistoricalLineaBudget.objects.using(db)
        .filter(history_change_reason=IMPORT_REASON)
        .order_by("history_date", "history_id")
        .values_list("id", "intervento_pdz")
    )
    for line_id, name in records:
        written[line_id] = name
    taken = set(LineaBudget.objects.using(db).exclude(codice_pdz="").values_list("ambito_id", "anno", "codice_pdz"))
    for linea in LineaBudget.objects.using(db).filter(pk__in=list(written), codice_pdz="").order_by("pk"):
        codice, separator, _ = written[linea.pk].partition(SEPARATOR)
        codice = codice.strip()
        key = (linea.ambito_id, linea.anno, codice)
        if not separator or not codice or len(codice) > MAX_LENGTH or key in taken:
            continue
        taken.add(key)
        LineaBudget.objects.using(db).filter(pk=linea.pk).update(codice_pdz=codice)


class Migration(migrations.Migration):
    dependencies = [("ambito", "0001_uvm_services_budgets")]

    operations = [
        migrations.AddField(
            model_name="historicallineabudget",
            name="codice_pdz",
            field=models.CharField(
                blank=True,
                default="",
                help_text="codice dell'intervento nell'Osservatorio piani di zona; vuoto per le linee inserite a mano",
                max_length=40,
                verbose_name="codice dell'Osservatorio",
            ),
        ),
        migrations.AddField(
            model_name="lineabudget",
            name="codice_pdz",
            field=models.CharField(
                blank=True,
                default="",
                help_text="codice dell'intervento nell'Osservatorio piani di zona; vuoto per le linee inserite a mano",
                max_length=40,
                verbose_name="codice dell'Osservatorio",
            ),
        ),
        migrations.RunPython(fill_codice_pdz, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="lineabudget",
            constraint=models.UniqueConstraint(
                condition=models.Q(("codice_pdz", ""), _negated=True),
                fields=("ambito", "anno", "codice_pdz"),
                name="linea_budget_codice_pdz_unico",
                violation_error_message="L'ambito ha già una linea di budget con questo codice dell'Osservatorio "
                "per lo stesso anno.",
            ),
        ),
    ]
