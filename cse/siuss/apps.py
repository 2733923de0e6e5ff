from django.apps import AppConfig


class SiussConfig(AppConfig):
    name = "cse.siuss"
    label = "siuss"
    verbose_name = "Trasmissione SIUSS"
