from django.apps import AppConfig


class CartellaConfig(AppConfig):
    name = "cse.cartella"
    label = "cartella"
    verbose_name = "Cartella sociale"

    def ready(self) -> None:
        from cse.core.audit import access_logged
        from cse.core.models import AccessLog

        from .actions.vigilanza import watch_access

        access_logged.connect(watch_access, sender=AccessLog, dispatch_uid="unusual-access-watcher")
