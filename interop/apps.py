from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "Interoperabilità (PDND, ANPR, INPS, sistemi regionali)"
    default_auto_field = "django.db.models.BigAutoField"
