from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cse.core"
    label = "core"
    verbose_name = "Nucleo: territorio, operatori, permessi, audit"
