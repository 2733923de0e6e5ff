from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cse.core"
    label = "core"
    verbose_name = "Nucleo: territorio, operatori, permessi, audit"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401 - registers the deploy checks
        from .append_only import append_only_after_migrate
        from .gate_signals import connect_gate_signals
        from .history import cache_history_manager_classes
        from .middleware import mark_authenticated
        from .permissions import role_groups_sync_after_migrate

        post_migrate.connect(role_groups_sync_after_migrate, sender=self)
        # post_migrate is sent once per app after the whole plan ran: one sender is enough for every app's tables
        post_migrate.connect(append_only_after_migrate, sender=self, dispatch_uid="cse-append-only")
        user_logged_in.connect(mark_authenticated, dispatch_uid="cse.core.mark_authenticated")
        cache_history_manager_classes()
        connect_gate_signals()  # logout, deactivation, revocations close the user's websockets (cse/core/websocket.py)
