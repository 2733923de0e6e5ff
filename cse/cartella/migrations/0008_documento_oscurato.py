# Oscuramento of documents: a document and its automatic diary entry are obscured together.

from datetime import timedelta

import django.db.models.deletion
from django.db import migrations, models


def link_existing_documents(apps, schema_editor):
    """Documents uploaded before this migration: link each to the automatic entry written in the same transaction by
    documento_upload (same case and author, type «documento», text naming the document's type, a few seconds later),
    so that obscuring either one obscures both for old uploads too. An entry is linked at most once."""
    Documento = apps.get_model("cartella", "Documento")
    VoceDiario = apps.get_model("cartella", "VoceDiario")
    labels = dict(Documento._meta.get_field("tipo").choices)
    for doc in Documento.objects.order_by("caricato_il", "pk").iterator():
        voce = (
            VoceDiario.objects.filter(
                cartella_id=doc.cartella_id,
                tipo="documento",
                autore_id=doc.caricato_da_id,
                testo=f"Caricato il documento «{labels.get(doc.tipo, doc.tipo)}».",
                documento__isnull=True,
                created_at__gte=doc.caricato_il,
                created_at__lte=doc.caricato_il + timedelta(seconds=5),
            )
            .order_by("created_at", "pk")
            .first()
        )
        if voce is not None:
            VoceDiario.objects.filter(pk=voce.pk).update(documento_id=doc.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("cartella", "0007_vocediario_categoria_protetta"),
    ]

    operations = [
        migrations.AddField(
            model_name="documento",
            name="oscurato",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="historicaldocumento",
            name="oscurato",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="vocediario",
            name="documento",
            field=models.ForeignKey(
                blank=True,
                help_text="il documento di cui la voce registra il caricamento: si oscurano insieme",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="voci_diario",
                to="cartella.documento",
            ),
        ),
        migrations.AddField(
            model_name="historicalvocediario",
            name="documento",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="il documento di cui la voce registra il caricamento: si oscurano insieme",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="cartella.documento",
            ),
        ),
        migrations.RunPython(link_existing_documents, migrations.RunPython.noop),
    ]
