"""Existing installations: the role groups created before TRANSMIT_SIUSS existed get it (ente_groups_ensure only
grants capabilities when it creates a group). Responsabile and Ufficio di Piano, as in cse/core/roles.py."""

from django.db import migrations

ROLES = ("responsabile", "ufficio_di_piano")


def grant(apps, schema_editor):
    Ente = apps.get_model("core", "Ente")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupPerm = apps.get_model("core", "EnteGroupObjectPermission")
    if not Ente.objects.exists():
        return
    ct, _ = ContentType.objects.get_or_create(app_label="core", model="ente")
    perm, _ = Permission.objects.get_or_create(
        codename="transmit_siuss",
        content_type=ct,
        defaults={"name": "Seguire la trasmissione dei flussi SIUSS dell'ente e correggerli"},
    )
    for ente in Ente.objects.all():
        for group in Group.objects.filter(name__in=[f"ente-{ente.pk}:{r}" for r in ROLES]):
            GroupPerm.objects.get_or_create(group=group, permission=perm, content_object=ente)


class Migration(migrations.Migration):
    dependencies = [
        ("siuss", "0001_siuss_flussi"),
        ("core", "0003_ente_capability_transmit_siuss"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
