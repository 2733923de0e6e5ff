from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cse.core"
    label = "core"
    verbose_name = "Nucleo: territorio, operatori, permessi, audit"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import mark_authenticated

        user_logged_in.connect(mark_authenticated, dispatch_uid="cse.core.mark_authenticated")
