"""Existing installations: the role groups created before the bandi capabilities existed get them
(ente_groups_ensure grants capabilities only when it creates a group), as cse/core/roles.py says."""

from django.db import migrations

GRANTS = {
    "manage_bandi": ("Definire, pubblicare, rettificare e chiudere i bandi dell'ente", ("responsabile", "ufficio_di_piano")),
    "istruttoria_bandi": (
        "Istruire le domande dei bandi e calcolare le graduatorie",
        ("responsabile", "ufficio_di_piano", "assistente_sociale"),
    ),
}


def grant(apps, schema_editor):
    Ente = apps.get_model("core", "Ente")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupPerm = apps.get_model("core", "EnteGroupObjectPermission")
    if not Ente.objects.exists():
        return
    ct, _ = ContentType.objects.get_or_create(app_label="core", model="ente")
    for codename, (name, roles) in GRANTS.items():
        perm, _ = Permission.objects.get_or_create(codename=codename, content_type=ct, defaults={"name": name})
        for ente in Ente.objects.all():
            for group in Group.objects.filter(name__in=[f"ente-{ente.pk}:{r}" for r in roles]):
                GroupPerm.objects.get_or_create(group=group, permission=perm, content_object=ente)


class Migration(migrations.Migration):
    dependencies = [
        ("bandi", "0001_initial"),
        ("core", "0013_capabilities_bandi"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
