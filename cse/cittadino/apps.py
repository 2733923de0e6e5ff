from django.apps import AppConfig


class CittadinoConfig(AppConfig):
    name = "cse.cittadino"
    verbose_name = "Portale del cittadino"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .cms import portale_editori_sync_after_migrate

        post_migrate.connect(portale_editori_sync_after_migrate, sender=self, dispatch_uid="cse-portale-editori")
