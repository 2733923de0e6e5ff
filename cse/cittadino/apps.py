from django.apps import AppConfig


class CittadinoConfig(AppConfig):
    name = "cse.cittadino"
    verbose_name = "Portale del cittadino"
