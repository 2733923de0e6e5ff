"""Existing installations: the role groups created before the compartecipazione capability existed get it
(ente_groups_ensure grants capabilities only when it creates a group), as cse/core/roles.py says."""

from django.db import migrations

CODENAME = "manage_compartecipazione"
NAME = "Definire tariffe e fasce ISEE, calcolare la compartecipazione ed emettere gli avvisi pagoPA"
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
    perm, _ = Permission.objects.get_or_create(codename=CODENAME, content_type=ct, defaults={"name": NAME})
    for ente in Ente.objects.exclude(tipo="regione"):
        for group in Group.objects.filter(name__in=[f"ente-{ente.pk}:{r}" for r in ROLES]):
            GroupPerm.objects.get_or_create(group=group, permission=perm, content_object=ente)


class Migration(migrations.Migration):
    dependencies = [
        ("compartecipazione", "0001_initial"),
        ("core", "0015_capability_compartecipazione"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
