from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cse.core"
    label = "core"
    verbose_name = "Nucleo: territorio, operatori, permessi, audit"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .permissions import role_groups_sync_after_migrate

        post_migrate.connect(role_groups_sync_after_migrate, sender=self)
