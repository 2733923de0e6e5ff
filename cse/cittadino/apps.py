from django.apps import AppConfig


class CittadinoConfig(AppConfig):
    name = "cse.cittadino"
    verbose_name = "Portale del cittadino"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .cms import portale_editori_sync_after_migrate

        post_migrate.connect(portale_editori_sync_after_migrate, sender=self, dispatch_uid="cse-portale-editori")
        self._forget_cached_calendars()

    def _forget_cached_calendars(self) -> None:
        """Any change of what decides an office's closed days drops its cached copy (slots.closed_days_cached)."""
        from django.db.models.signals import post_delete, post_save

        from .agenda import AperturaStraordinaria, Chiusura, FestaPatronale, RegolaOrario
        from .slots import forget_closed_days

        for model in (RegolaOrario, Chiusura, AperturaStraordinaria, FestaPatronale):
            for signal in (post_save, post_delete):
                signal.connect(forget_closed_days, sender=model, dispatch_uid=f"cse-giorni-chiusi-{model.__name__}")
