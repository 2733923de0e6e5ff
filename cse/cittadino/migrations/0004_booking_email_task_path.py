# The booking e-mail task moved from cse.core.tasks to cse.cittadino.tasks (core imports no tier). The database task
# backend stores a task by its dotted path and the worker imports that path: rows already queued (and the finished
# ones, which the admin opens) are rewritten so they still point to the task. No schema change.

from django.db import migrations

OLD = "cse.core.tasks.send_booking_email"
NEW = "cse.cittadino.tasks.send_booking_email"


def _rewrite(apps, old: str, new: str) -> None:
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=old).update(task_path=new)


def forwards(apps, schema_editor):
    _rewrite(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rewrite(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("cittadino", "0003_portale_editori_per_ente"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
